import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../src/modules/openapi/document.js';
import { keyFor, loadTwoRegions } from '../../fixtures/twoRegions.js';
import { useTestDatabase } from '../../helpers/database.js';
import { api, loadQueue } from '../../helpers/executor.js';

/** `GET /v1/openapi.json` against a maintained validator and against the routes the server really has. */

const { pool } = await useTestDatabase();
let key: string;
let readOnlyKey: string;
let doc: any;
let loadId: string;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

beforeAll(async () => {
  await loadTwoRegions(pool);
  await loadQueue().start();
  ({ secret: key } = await keyFor(pool, { name: 'openapi' }));
  ({ secret: readOnlyKey } = await keyFor(pool, { name: 'openapi read-only', readOnly: true }));
  const response = await api().fetch('http://test/v1/openapi.json');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  doc = await response.json();
  loadId = (await send(validLoad())).body.id;
});

function validLoad(): FormData {
  const body = new FormData();
  body.append('observations.csv', new Blob(['platform,external_id,subscribers,observed_on\nVK,school_a,120,2026-11-03\n']), 'observations.csv');
  return body;
}

async function send(body: BodyInit, headers: Record<string, string> = { authorization: `Bearer ${key}` }) {
  // A copy: the fetch of a FormData body writes its boundary into a plain headers object.
  const response = await api().fetch('http://test/v1/loads?dryRun=true', { method: 'POST', headers: { ...headers }, body });
  return { status: response.status, body: (await response.json()) as any };
}

/** A path with its parameters filled with values that exist. */
function concrete(path: string): string {
  return path.replace('{id}', loadId).replace('{code}', '17000000');
}

/** Checks a body against the schema the document gives for this operation and status. */
function conforms(operation: any, status: number, body: unknown): void {
  const response = operation.responses[String(status)];
  expect(response, `status ${status} is documented`).toBeDefined();
  const schema = response.content?.['application/json']?.schema;
  if (!schema) return;
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  ajv.addSchema({ $id: 'doc', components: doc.components });
  const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')));
  expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
}

describe('GET /v1/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document (by @seriousme/openapi-schema-validator)', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    // The validator does refuse a broken document (it is not a yes-machine).
    const broken = structuredClone(doc);
    broken.paths['/v1/loads'].post.responses = 'none';
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('documents every operation with a request or parameters, responses with schemas, and the errors it answers', () => {
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const [method, operation] of Object.entries<any>(item)) {
        expect(operation.operationId, `${method} ${path}`).toBeTruthy();
        const statuses = Object.keys(operation.responses);
        expect(statuses.some((s) => s.startsWith('2'))).toBe(true);
        expect(statuses.some((s) => s.startsWith('4'))).toBe(true);
        for (const status of statuses) {
          const content = Object.values<any>(operation.responses[status].content ?? {});
          expect(content.length, `${method} ${path} ${status}`).toBeGreaterThan(0);
          for (const media of content) expect(media.schema, `${method} ${path} ${status}`).toBeDefined();
        }
        if (operation.security?.length) expect(statuses).toContain('401');
      }
    }
    expect(doc.paths['/v1/loads'].post.requestBody.content['multipart/form-data'].schema.properties).toHaveProperty('territories.csv');
  });

  it('answers each documented operation (not 404), with a documented status and a body of the documented schema', async () => {
    const operations = Object.entries<any>(doc.paths).flatMap(([path, item]) => Object.entries<any>(item).map(([method, op]) => ({ path, method, op })));
    // These at least (other modules add theirs: the monitoring exports).
    expect(operations.map(({ method, path }) => `${method} ${path}`)).toEqual(
      expect.arrayContaining(['get /v1/loads/{id}', 'get /v1/openapi.json', 'post /v1/loads']),
    );
    for (const { path, method, op } of operations) {
      const response = await api().fetch(`http://test${concrete(path)}`, {
        method: method.toUpperCase(),
        headers: { authorization: `Bearer ${key}` },
        ...(method === 'post' ? { body: validLoad() } : {}),
      });
      expect(response.status, `${method} ${path}`).not.toBe(404);
      // The answer's media type is one the document gives for its status (exports answer CSV or XLSX).
      const type = (response.headers.get('content-type') ?? '').split(';')[0];
      expect(Object.keys(op.responses[String(response.status)]?.content ?? {}), `${method} ${path} ${response.status}`).toContain(type);
      if (type === 'application/json') conforms(op, response.status, await response.json());
      else await response.body?.cancel();
    }
  });

  it('documents the errors the routes really answer, with their bodies', async () => {
    const post = doc.paths['/v1/loads'].post;
    const get = doc.paths['/v1/loads/{id}'].get;
    const cases: [any, Response | Promise<Response>, number][] = [
      [post, api().fetch('http://test/v1/loads', { method: 'POST', body: validLoad() }), 401],
      [post, api().fetch('http://test/v1/loads', { method: 'POST', headers: { authorization: 'Bearer gp_nonsense' }, body: validLoad() }), 401],
      [post, api().fetch('http://test/v1/loads', { method: 'POST', headers: { authorization: `Bearer ${readOnlyKey}` }, body: validLoad() }), 403],
      [post, api().fetch('http://test/v1/loads', { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: 'not multipart' }), 400],
      [post, api().fetch('http://test/v1/loads?dryRun=maybe', { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: validLoad() }), 400],
      [post, api().fetch('http://test/v1/loads', { method: 'GET', headers: { authorization: `Bearer ${key}` } }), 405],
      [get, api().fetch(`http://test/v1/loads/${crypto.randomUUID()}`, { headers: { authorization: `Bearer ${key}` } }), 404],
      [get, api().fetch(`http://test/v1/loads/${loadId}`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } }), 405],
      [get, api().fetch(`http://test/v1/loads/${loadId}`), 401],
      [doc.paths['/v1/openapi.json'].get, api().fetch('http://test/v1/openapi.json', { method: 'POST' }), 405],
    ];
    for (const [operation, pending, status] of cases) {
      const response = await pending;
      expect(response.status).toBe(status);
      conforms(operation, status, await response.json());
    }
    // An Idempotency-Key reused for other files: 422; for the same files: 200 with the first load.
    const headers = { authorization: `Bearer ${key}`, 'idempotency-key': `openapi-${Date.now()}` };
    const firstSend = await send(validLoad(), headers);
    expect(firstSend.status, JSON.stringify(firstSend.body)).toBe(202);
    const replay = await send(validLoad(), headers);
    expect(replay.status, JSON.stringify(replay.body)).toBe(200);
    conforms(post, 200, replay.body);
    const other = new FormData();
    other.append('observations.csv', new Blob(['platform,external_id,subscribers,observed_on\nVK,school_a,999,2026-11-03\n']), 'observations.csv');
    const reused = await send(other, headers);
    expect(reused.status).toBe(422);
    conforms(post, 422, reused.body);
  });

  it('documents every /v1 route the server has: any other path answers 404, any other method 405', async () => {
    const documented = Object.keys(doc.paths);
    const candidates = new Set<string>([
      '/v1',
      '/v1/',
      '/v1/keys',
      '/v1/webhooks',
      '/v1/deliveries',
      '/v1/exports',
      '/v1/openapi.yaml',
      '/v1/openapi',
      '/v1/health',
      '/v1/graphql',
    ]);
    for (const path of documented) {
      const segments = concrete(path).split('/');
      for (let i = 2; i <= segments.length; i++) candidates.add(segments.slice(0, i).join('/'));
      candidates.add(`${concrete(path)}/`);
      candidates.add(`${concrete(path)}/errors`);
      candidates.add(`${concrete(path)}.json`);
    }
    // A documented path as a pattern: a parameter is one path segment.
    const templates = documented.map((path) => ({ path, pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`) }));
    for (const candidate of candidates) {
      const template = templates.find(({ pattern }) => pattern.test(candidate))?.path;
      for (const method of METHODS) {
        const response = await api().fetch(`http://test${candidate}`, { method: method.toUpperCase(), headers: { authorization: `Bearer ${key}` } });
        await response.body?.cancel();
        const operation = template ? doc.paths[template][method] : undefined;
        if (!template) expect(response.status, `${method} ${candidate}`).toBe(404);
        else if (!operation) expect(response.status, `${method} ${candidate}`).toBe(405);
        else expect(Object.keys(operation.responses), `${method} ${candidate}`).toContain(String(response.status));
      }
      if (documented.includes(candidate)) expect(template).toBe(candidate);
    }
  });

  it('is built from per-route pieces: another module adds its paths; a path described twice is refused', () => {
    const piece = { paths: { '/v1/exports/x.csv': { get: { operationId: 'x', responses: { '200': { description: 'x' } } } } } };
    const built = openApiDocument([piece], '1.0.0') as any;
    expect(Object.keys(built.paths)).toEqual(['/v1/exports/x.csv']);
    expect(built.components.schemas.Error).toBeDefined();
    expect(() => openApiDocument([piece, piece], '1.0.0')).toThrow('the path /v1/exports/x.csv is described twice');
  });
});
