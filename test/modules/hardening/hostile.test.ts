import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import type { Plugin } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEdgeConfig } from '../../../src/modules/edge/config.js';
import { guardedPlugins, nodeListener } from '../../../src/modules/edge/safety.js';
import type { Api } from '../../../src/yoga.js';
import { loadFixture } from '../../fixtures/readApi.js';
import { leaksInternals } from '../../helpers/attack.js';
import { useTestDatabase } from '../../helpers/database.js';
import { createTestApi } from '../../helpers/executor.js';

/**
 * Every route, sent hostile path segments, methods and headers over a real socket (raw HTTP, so
 * that headers a client library would refuse, such as `Host: a b`, get through), in production
 * mode: no answer may hold a stack trace or an internal detail, and the process keeps serving.
 */
process.env.NODE_ENV = 'production';
const { pool } = await useTestDatabase();
let api: Api;
let server: http.Server;
let port: number;

beforeAll(async () => {
  await loadFixture(pool);
  api = createTestApi({ edge: { config: { ...readEdgeConfig({}), ratePoints: 0, keyFailures: 0 } } });
  server = http.createServer(nodeListener(api));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await api.close();
});

/** Sends one raw HTTP/1.1 request; resolves with the whole answer (status line, headers, body) as text. */
function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.setTimeout(15_000, () => {
      socket.destroy();
      reject(new Error(`no answer to ${request.slice(0, 120)}`));
    });
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', () => resolve(answer));
    socket.write(request);
  });
}

function request(method: string, target: string, headers: Record<string, string> = {}, body = ''): string {
  const lines = [`${method} ${target} HTTP/1.1`];
  const all = { host: 'localhost', connection: 'close', ...headers, ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}) };
  for (const [name, value] of Object.entries(all)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

const SEGMENTS = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'prototype',
  '%',
  '%E0%A4%A',
  '%00',
  '..%2F..%2Fetc%2Fpasswd',
  '%C0%AE%C0%AE',
  '<svg onload=1>',
  '\'"',
  'a'.repeat(3000),
  '%F0%9F%92%A9',
  '%FF%FE',
];
const ROUTES = [
  '/',
  '/landing.js',
  '/favicon.ico',
  '/embed/v1/gospubliki.js',
  '/embed/v1/frame.js',
  '/embed/v1/territories/{}/subscribers.svg',
  '/embed/v1/territories/{}/organisations.svg',
  '/embed/v1/territories/{}',
  '/schema.graphql',
  '/docs/readme',
  '/graphql',
  '/graphql/{}',
  '/graphiql/assets/{}',
  '/healthz',
  '/readyz',
  '/metrics',
  '/v1/loads',
  '/v1/loads/{}',
  '/v1/{}',
  '/{}',
];
const HEADERS: Record<string, string>[] = [
  { host: 'a b' },
  { host: '' },
  { host: '[::1' },
  { host: 'x'.repeat(500) },
  { host: 'localhost:99999' },
  { accept: 'text/event-stream;q=zz, multipart/mixed;boundary=' },
  { 'content-type': 'multipart/form-data; boundary=' },
  { 'content-type': 'application/json; charset=klingon' },
  { authorization: 'Bearer ' },
  { authorization: 'Bearer gp_\u00ff\u00fe' },
  { authorization: 'Basic Og==' },
  { 'if-none-match': 'W/'.repeat(1000) },
  { 'x-forwarded-for': '::::, 999.1.1.1, <script>' },
  { 'accept-encoding': 'gzip;q=NaN' },
  { origin: 'null' },
  { range: 'bytes=-1-2' },
];

/** Documents and scripts served as they are (the README, bundles): their own text may mention anything. */
const DOCUMENTS = /^\/(landing\.js|embed\/v1\/(gospubliki|frame)\.js|schema\.graphql|docs\/readme|graphiql\/assets\/)/;

async function expectClean(sent: string): Promise<number> {
  const answer = await raw(sent);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
  expect(status, `${sent.slice(0, 200)}\n→ ${answer.slice(0, 300)}`).toBeGreaterThan(0);
  const target = sent.split(' ')[1];
  if (status < 400 && DOCUMENTS.test(target)) return status;
  expect(leaksInternals(answer), `${sent.slice(0, 200)}\n→ ${answer.slice(0, 2000)}`).toBe(false);
  return status;
}

describe('hostile requests, in production mode', () => {
  it('get no stack trace on any route, for any hostile path segment', async () => {
    const statuses = new Set<number>();
    for (const route of ROUTES) {
      for (const segment of route.includes('{}') ? SEGMENTS : ['']) {
        const target = route.replace('{}', segment);
        statuses.add(await expectClean(request('GET', target)));
        statuses.add(await expectClean(request('POST', target, { 'content-type': 'application/json' }, '{"query":')));
      }
    }
    expect(statuses.has(500)).toBe(false);
  }, 120_000);

  it('get no stack trace for hostile headers and methods, on any route', async () => {
    for (const route of ROUTES) {
      const target = route.replace('{}', 'x');
      for (const headers of HEADERS) await expectClean(request('GET', target, headers));
      for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND']) await expectClean(request(method, target));
    }
  }, 120_000);

  it('answers the REST routes with the REST error envelope: the Host 400 and the generic 500', async () => {
    const rest = await raw(request('POST', '/v1/loads', { host: 'a b' }));
    expect(rest).toMatch(/^HTTP\/1\.1 400/);
    const body = JSON.parse(rest.slice(rest.indexOf('\r\n\r\n') + 4));
    expect(body).toEqual({ error: { code: 'BAD_REQUEST', message: expect.stringMatching(/Host header/) } });
    expect(await raw(request('POST', '/graphql', { host: 'a b' }))).toMatch(/^HTTP\/1\.1 400[\s\S]*\r\n\r\nBad request: /);

    const [plugin] = guardedPlugins<Plugin>([
      {
        onRequest() {
          throw new Error('boom at /secret/file.ts:1');
        },
      },
    ]);
    const answered = async (url: string) => {
      let response: Response | undefined;
      const endResponse = (value: Response) => {
        response = value;
      };
      await plugin.onRequest?.({ request: new Request(url), endResponse } as never);
      return { status: response?.status, body: await response?.json() };
    };
    expect(await answered('http://localhost/v1/loads')).toEqual({
      status: 500,
      body: { error: { code: 'INTERNAL_SERVER_ERROR', message: 'Unexpected error.' } },
    });
    const graphql = await answered('http://localhost/graphql');
    expect(graphql.status).toBe(500);
    expect(graphql.body.errors[0]).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('keeps serving afterwards, and nothing was written', async () => {
    expect(await raw(request('GET', '/healthz'))).toMatch(/^HTTP\/1\.1 200/);
    expect((await pool.query('SELECT count(*)::int AS n FROM load')).rows[0].n).toBe(0);
  });
});
