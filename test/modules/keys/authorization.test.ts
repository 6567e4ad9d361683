import { type GraphQLObjectType, getNamedType } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { revokeKey } from '../../../src/modules/keys/keys.js';
import { findRollupMismatches } from '../../../src/modules/loads/pipeline/sql/verify.js';
import { schema } from '../../../src/schema.js';
import { keyFor, loadTwoRegions } from '../../fixtures/twoRegions.js';
import { useTestDatabase } from '../../helpers/database.js';
import { api, executeAs, loadQueue } from '../../helpers/executor.js';
import { csv } from '../../helpers/loads.js';
import { snapshot } from '../../helpers/snapshot.js';

const { pool } = await useTestDatabase();

/** Every key of the matrix. */
const keys: Record<string, string> = {};

beforeAll(async () => {
  await loadTwoRegions(pool);
  await loadQueue().start();
  keys.operator = (await keyFor(pool, { name: 'operator' })).secret;
  keys.regionA = (await keyFor(pool, { name: 'Владимир', within: ['17000000'] })).secret;
  keys.readOnly = (await keyFor(pool, { name: 'read-only', readOnly: true })).secret;
  keys.expired = (await keyFor(pool, { name: 'expired', expiresOn: '2021-06-30' })).secret;
  const revoked = await keyFor(pool, { name: 'revoked' });
  await revokeKey(pool, revoked.id);
  keys.revoked = revoked.secret;
  keys.bad = 'gp_thisisnotarealkey';
});

describe('access rules', () => {
  it('are declared on every root field of Query and Mutation (secure by default)', () => {
    const missing: string[] = [];
    for (const root of [schema.getQueryType(), schema.getMutationType()] as GraphQLObjectType[]) {
      for (const field of Object.values(root.getFields())) {
        const options = (field.extensions as { pothosOptions?: { authScopes?: unknown } }).pothosOptions ?? {};
        if (options.authScopes === undefined) missing.push(`${root.name}.${field.name}`);
      }
    }
    expect(missing).toEqual([]);
    expect(Object.keys(schema.getMutationType()!.getFields()).sort()).toEqual(['recordObservations', 'upsertOrganisations', 'upsertPages']);
  });

  it('keep every non-public type behind a rule: Load is readable only by its key', () => {
    const load = schema.getType('Load') as GraphQLObjectType;
    expect((load.extensions as { pothosOptions?: { authScopes?: unknown } }).pothosOptions?.authScopes).toBeTypeOf('function');
    expect(getNamedType(schema.getQueryType()!.getFields().loads.type).name).toBe('LoadConnection');
  });
});

const ORGANISATION = (externalId: string, territoryCode: string) =>
  `mutation { upsertOrganisations(input: { organisations: [{ externalId: "${externalId}", name: "Библиотека", kind: INSTITUTION, territoryCode: "${territoryCode}", sectorCode: "culture" }] }) { inserted updated userErrors { field message code } organisations { externalId } } }`;
const PAGE = (externalId: string, organisation: string) =>
  `mutation { upsertPages(input: { pages: [{ platform: "VK", externalId: "${externalId}", organisationExternalId: "${organisation}", url: "https://vk.com/${externalId}", name: "Страница" }] }) { inserted updated userErrors { field message code } } }`;
const OBSERVATION = (externalId: string) =>
  `mutation { recordObservations(input: { observations: [{ platform: "VK", externalId: "${externalId}", subscribers: 999, observedOn: "2026-11-20" }] }) { inserted updated userErrors { field message code } } }`;

/** The writes of the matrix, each once inside region A and once reaching into region B. */
const WRITES = {
  'a new organisation in A': ORGANISATION('library-a', '17701000'),
  'a page of an organisation in A': PAGE('library_page_a', 'school-a'),
  'an observation of a page in A': OBSERVATION('school_a'),
};

async function postLoad(key: string | null, files: Record<string, string>) {
  const form = new FormData();
  for (const [name, text] of Object.entries(files)) form.append(name, new Blob([text]), name);
  const response = await api().fetch('http://test/v1/loads', { method: 'POST', headers: key ? { authorization: `Bearer ${key}` } : {}, body: form });
  return { status: response.status, body: (await response.json()) as any };
}

async function waitForLoad(key: string, id: string) {
  for (let i = 0; i < 200; i++) {
    const response = await api().fetch(`http://test/v1/loads/${id}`, { headers: { authorization: `Bearer ${key}` } });
    const body = (await response.json()) as any;
    if (body.status === 'SUCCEEDED' || body.status === 'FAILED') return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`load ${id} did not end`);
}

const ORGANISATIONS_HEADER = 'external_id,name,kind,territory_code,sector_code,inn,ogrn';

describe('a write refused', () => {
  for (const [who, code, status] of [
    ['no key', 'UNAUTHENTICATED', 200],
    ['bad', 'UNAUTHENTICATED', 401],
    ['revoked', 'UNAUTHENTICATED', 401],
    ['expired', 'UNAUTHENTICATED', 401],
    ['readOnly', 'FORBIDDEN', 200],
  ] as const) {
    it(`with ${who === 'no key' ? 'no key' : `a ${who} key`}: ${code}, nothing written, by every mutation and the loads route`, async () => {
      const before = await snapshot(pool);
      const key = who === 'no key' ? null : keys[who];
      for (const [name, mutation] of Object.entries(WRITES)) {
        const response = await executeAs(key, mutation);
        expect(response.status, name).toBe(status);
        expect(response.errors?.[0].extensions?.code, name).toBe(code);
        expect(response.data?.upsertOrganisations ?? response.data?.upsertPages ?? response.data?.recordObservations ?? null, name).toBeNull();
      }
      const load = await postLoad(key, {
        'organisations.csv': csv(ORGANISATIONS_HEADER, [['library-x', 'Библиотека', 'INSTITUTION', '17701000', 'culture', null, null]]),
      });
      expect(load.status).toBe(code === 'UNAUTHENTICATED' ? 401 : 403);
      expect(load.body.error.code).toBe(code);
      expect(await snapshot(pool)).toEqual(before);
      expect((await pool.query('SELECT count(*)::int AS n FROM load')).rows[0].n).toBe(0);
    });
  }

  it('with a key for region A writing into region B: FORBIDDEN per item or per row, nothing written', async () => {
    const before = await snapshot(pool);
    const attempts = {
      'a new organisation in B': ORGANISATION('library-b', '33701000'),
      'an organisation moved from A to B': ORGANISATION('school-a', '33701000'),
      'an organisation of B moved into A': ORGANISATION('school-b', '17701000'),
      'a page moved to an organisation in B': PAGE('school_a', 'school-b'),
      'a page of B moved to an organisation in A': PAGE('school_b', 'school-a'),
      'an observation of a page in B': OBSERVATION('school_b'),
    };
    for (const [name, mutation] of Object.entries(attempts)) {
      const response = await executeAs(keys.regionA, mutation);
      expect(response.errors, name).toBeUndefined();
      const payload = response.data.upsertOrganisations ?? response.data.upsertPages ?? response.data.recordObservations;
      expect(payload.inserted + payload.updated, name).toBe(0);
      expect(
        payload.userErrors.map((e: { code: string }) => e.code),
        name,
      ).toContain('FORBIDDEN');
      expect(payload.userErrors[0].message, name).toContain('within 17000000');
    }
    // A sector needs a key without `within`; a territory at or above the subtree's root too.
    const load = await postLoad(keys.regionA, {
      'sectors.csv': csv('code,name', [['sport', 'Спорт']]),
      'territories.csv': csv('code,parent_code,level,name', [
        ['17000000', 'FD-CENTRAL', 'REGION', 'Владимирская обл.'],
        ['33702000', '33000000', 'URBAN_OKRUG', 'Новый округ'],
      ]),
      'organisations.csv': csv(ORGANISATIONS_HEADER, [
        ['library-c', 'Библиотека', 'INSTITUTION', '17701000', 'culture', null, null],
        ['school-b', 'Школа Б', 'INSTITUTION', '17701000', 'education', null, null],
      ]),
    });
    expect(load.status).toBe(202);
    const ended = await waitForLoad(keys.regionA, load.body.id);
    expect(ended.status).toBe('FAILED');
    expect(ended.errors.map((e: { file: string; line: number }) => `${e.file}:${e.line}`)).toEqual([
      'territories.csv:2',
      'territories.csv:3',
      'sectors.csv:2',
      'organisations.csv:3',
    ]);
    expect(await snapshot(pool)).toEqual(before);
  });
});

describe('the same writes with the right key', () => {
  it('succeed, inside region A with its key and anywhere with an operator key; the rollups stay exact', async () => {
    for (const [name, mutation] of Object.entries(WRITES)) {
      const response = await executeAs(keys.regionA, mutation);
      expect(response.errors, name).toBeUndefined();
      const payload = response.data.upsertOrganisations ?? response.data.upsertPages ?? response.data.recordObservations;
      expect(payload.userErrors, name).toEqual([]);
      expect(payload.inserted + payload.updated, name).toBe(1);
    }
    const moved = await executeAs(keys.operator, ORGANISATION('school-a', '33701000'));
    expect(moved.data.upsertOrganisations).toMatchObject({ updated: 1, userErrors: [], organisations: [{ externalId: 'school-a' }] });
    const load = await postLoad(keys.operator, { 'sectors.csv': csv('code,name', [['sport', 'Спорт']]) });
    expect((await waitForLoad(keys.operator, load.body.id)).status).toBe('SUCCEEDED');
    expect(await findRollupMismatches(pool)).toEqual([]);
  });
});

describe('loads of other keys', () => {
  it('are invisible: GET /v1/loads/{id}, load(id:), node(id:) and nodes(ids:) answer as for an unknown id', async () => {
    const sent = await postLoad(keys.operator, { 'sectors.csv': csv('code,name', [['sport', 'Спорт']]) });
    await waitForLoad(keys.operator, sent.body.id);
    const own = await executeAs(keys.operator, `{ load(id: "${sent.body.id}") { id status } }`);
    const globalId = own.data.load.id;
    expect(own.data.load.status).toBe('SUCCEEDED');
    expect((await executeAs(keys.operator, `{ node(id: "${globalId}") { id } }`)).data.node).toEqual({ id: globalId });

    const other = await api().fetch(`http://test/v1/loads/${sent.body.id}`, { headers: { authorization: `Bearer ${keys.regionA}` } });
    expect(other.status).toBe(404);
    for (const key of [keys.regionA, null]) {
      const asOther = await executeAs(key, `{ node(id: "${globalId}") { id } nodes(ids: ["${globalId}"]) { id } }`);
      expect(asOther.data).toEqual({ node: null, nodes: [null] });
    }
    expect((await executeAs(keys.regionA, `{ load(id: "${sent.body.id}") { id } }`)).data.load).toBeNull();
    expect((await executeAs(null, `{ load(id: "${sent.body.id}") { id } }`)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await executeAs(keys.regionA, '{ loads(first: 10) { totalCount } }')).data.loads.totalCount).toBe(1);
  });
});
