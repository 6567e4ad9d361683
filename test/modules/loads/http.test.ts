import fs from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { findRollupMismatches } from '../../../src/modules/loads/pipeline/sql/verify.js';
import { LoadQueue } from '../../../src/modules/loads/queue/queue.js';
import { keyFor, loadTwoRegions, TWO_REGIONS } from '../../fixtures/twoRegions.js';
import { useSecondDatabase, useTestDatabase } from '../../helpers/database.js';
import { api, executeAs, loadQueue, TEST_LOAD_MAX_BYTES } from '../../helpers/executor.js';
import { csv, writeLoad } from '../../helpers/loads.js';
import { snapshot } from '../../helpers/snapshot.js';

const { pool } = await useTestDatabase();
const second = await useSecondDatabase();
let key: string;
let keyId: number;

beforeAll(async () => {
  await loadTwoRegions(pool);
  await loadQueue().start();
  ({ secret: key, id: keyId } = await keyFor(pool, { name: 'АНО Диалог Регионы' }));
});

const OBSERVATIONS = 'platform,external_id,subscribers,observed_on';

function form(files: Record<string, string | Uint8Array<ArrayBuffer>>): FormData {
  const body = new FormData();
  for (const [name, content] of Object.entries(files)) body.append(name, new Blob([content]), name);
  return body;
}

function withFields(body: FormData, fields: Record<string, string>): FormData {
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  return body;
}

async function post(body: BodyInit, options: { query?: string; headers?: Record<string, string> } = {}) {
  const response = await api().fetch(`http://test/v1/loads${options.query ?? ''}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, ...options.headers },
    body,
  });
  return { status: response.status, location: response.headers.get('location'), body: (await response.json()) as any };
}

async function read(id: string) {
  const response = await api().fetch(`http://test/v1/loads/${id}`, { headers: { authorization: `Bearer ${key}` } });
  return (await response.json()) as any;
}

/** Polls a load until it ends; also returns every status and progress seen meanwhile. */
async function ended(id: string) {
  const seen: any[] = [];
  for (let i = 0; i < 600; i++) {
    const load = await read(id);
    seen.push(load);
    if (load.status === 'SUCCEEDED' || load.status === 'FAILED') return { load, seen };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`load ${id} did not end`);
}

async function uploadsLeft(): Promise<string[]> {
  return fs.readdir(loadQueue().uploadsDir).catch(() => []);
}

describe('POST /v1/loads', () => {
  it('answers 202 with the load and its Location, applies it, and ends in the state `npm run import` gives', async () => {
    const files = {
      'organisations.csv': csv('external_id,name,kind,territory_code,sector_code,inn,ogrn', [
        ['library-1', 'Библиотека №1', 'INSTITUTION', '17701000', 'culture', null, null],
        ['library-2', 'Библиотека №2', 'INSTITUTION', '33701000', 'culture', null, null],
      ]),
      'pages.csv': csv('platform,external_id,organisation_external_id,url,name,verified,status', [
        ['VK', 'library1', 'library-1', 'https://vk.com/library1', 'Библиотека', 'true', 'ACTIVE'],
        ['TELEGRAM', 'library2', 'library-2', 'https://t.me/library2', 'Библиотека', null, null],
      ]),
      'observations.csv': csv(OBSERVATIONS, [
        ['VK', 'library1', 1500, '2026-11-10'],
        ['TELEGRAM', 'library2', 700, '2026-11-10'],
        ['VK', 'school_a', 120, '2026-11-10'],
      ]),
    };
    const sent = await post(form(files));
    expect(sent.status).toBe(202);
    expect(sent.location).toBe(`/v1/loads/${sent.body.id}`);
    expect(sent.body).toMatchObject({ status: 'QUEUED', dryRun: false, errorCount: 0, errors: [] });
    const { load } = await ended(sent.body.id);
    expect(load).toMatchObject({ status: 'SUCCEEDED', reason: null, errorCount: 0, progress: null });
    expect(load.files).toEqual([
      { file: 'organisations.csv', rows: 2, inserted: 2, updated: 0, unchanged: 0, rejected: 0 },
      { file: 'pages.csv', rows: 2, inserted: 2, updated: 0, unchanged: 0, rejected: 0 },
      { file: 'observations.csv', rows: 3, inserted: 3, updated: 0, unchanged: 0, rejected: 0 },
    ]);
    expect(await uploadsLeft()).toEqual([]);
    expect(await findRollupMismatches(pool)).toEqual([]);

    // The same files through `npm run import`'s path into another database: the same state.
    const importA = await importFolder(second.pool, await writeLoad(TWO_REGIONS));
    const importB = await importFolder(second.pool, await writeLoad(files));
    expect(importA.ok && importB.ok).toBe(true);
    expect(await snapshot(second.pool, { withIds: false })).toEqual(await snapshot(pool, { withIds: false }));

    // GraphQL reads the same load; an audit event records it.
    const graphql = await executeAs(key, `{ load(id: "${sent.body.id}") { status dryRun files { file inserted } errorCount receivedAt finishedAt } }`);
    expect(graphql.data.load).toMatchObject({
      status: 'SUCCEEDED',
      dryRun: false,
      errorCount: 0,
      files: [
        { file: 'organisations.csv', inserted: 2 },
        { file: 'pages.csv', inserted: 2 },
        { file: 'observations.csv', inserted: 3 },
      ],
    });
    const audit = await pool.query("SELECT key_id, outcome, counts FROM audit_event WHERE load_id = $1 AND action = 'load'", [sent.body.id]);
    expect(audit.rows).toEqual([
      { key_id: keyId, outcome: 'applied', counts: expect.objectContaining({ organisations: { inserted: 2, updated: 0, unchanged: 0, rejected: 0 } }) },
    ]);
  });

  it('validates and counts a dry run, writing nothing', async () => {
    const before = await snapshot(pool);
    const sent = await post(form({ 'observations.csv': csv(OBSERVATIONS, [['VK', 'school_b', 999, '2026-11-12']]) }), { query: '?dryRun=true' });
    const { load } = await ended(sent.body.id);
    expect(load).toMatchObject({ status: 'SUCCEEDED', dryRun: true, files: [{ file: 'observations.csv', inserted: 1 }] });
    expect(await snapshot(pool)).toEqual(before);
  });

  it('ends FAILED with every bad row (file, line, column, reason) and applies nothing', async () => {
    const before = await snapshot(pool);
    const sent = await post(
      form({
        'observations.csv': csv(OBSERVATIONS, [
          ['VK', 'school_b', 5, '2026-11-13'],
          ['VK', 'school_b', -5, '2026-11-14'],
          ['VK', 'no_such_page', 5, '2026-11-14'],
        ]),
      }),
    );
    const { load } = await ended(sent.body.id);
    expect(load.status).toBe('FAILED');
    expect(load.reason).toMatch(/rejected rows/);
    expect(load.errorCount).toBe(1);
    expect(load.errors).toEqual([{ file: 'observations.csv', line: 3, column: 'subscribers', reason: 'must be a non-negative integer' }]);
    expect(await snapshot(pool)).toEqual(before);
    expect(await uploadsLeft()).toEqual([]);
  });

  it('shows progress while a long load runs', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => ['VK', 'school_a', i, new Date(Date.UTC(2020, 0, 1) + i * 3600_000).toISOString().slice(0, 10)]);
    const unique = [...new Map(rows.map((row) => [row[3], row])).values()];
    const sent = await post(form({ 'observations.csv': csv(OBSERVATIONS, unique as never) }), { query: '?dryRun=true' });
    const { load, seen } = await ended(sent.body.id);
    expect(load.status).toBe('SUCCEEDED');
    const running = seen.filter((s) => s.status === 'RUNNING' && s.progress);
    expect(running.length).toBeGreaterThan(0);
    expect(running.some((s) => typeof s.progress.phase === 'string')).toBe(true);
  });

  it('applies loads one at a time in the order received', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await post(form({ 'observations.csv': csv(OBSERVATIONS, [['VK', 'school_b', 300 + i, '2026-11-15']]) }))).body.id);
    }
    const loads = [];
    for (const id of ids) loads.push((await ended(id)).load);
    for (let i = 1; i < loads.length; i++) expect(Date.parse(loads[i].startedAt)).toBeGreaterThanOrEqual(Date.parse(loads[i - 1].finishedAt));
    // The last one received wins.
    const { rows } = await pool.query(
      "SELECT o.subscribers FROM observation o JOIN page p ON p.id = o.page_id WHERE p.external_id = 'school_b' AND o.observed_on = '2026-11-15'",
    );
    expect(rows).toEqual([{ subscribers: 302 }]);
  });
});

describe('Idempotency-Key', () => {
  it('returns the first load for the same content (no second apply) and refuses other content with 422', async () => {
    const files = { 'observations.csv': csv(OBSERVATIONS, [['VK', 'school_b', 411, '2026-11-16']]) };
    const first = await post(form(files), { headers: { 'idempotency-key': 'push-2026-11-16' } });
    expect(first.status).toBe(202);
    await ended(first.body.id);
    const again = await post(form(files), { headers: { 'idempotency-key': 'push-2026-11-16' } });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect((await pool.query('SELECT count(*)::int AS n FROM load WHERE idempotency_key = $1', ['push-2026-11-16'])).rows[0].n).toBe(1);
    const other = await post(form({ 'observations.csv': csv(OBSERVATIONS, [['VK', 'school_b', 412, '2026-11-16']]) }), {
      headers: { 'idempotency-key': 'push-2026-11-16' },
    });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await uploadsLeft()).toEqual([]);
  });

  it('does not answer the real load with the dry run of the same files (review: it did, 200, and nothing was applied)', async () => {
    const files = { 'observations.csv': csv(OBSERVATIONS, [['VK', 'school_b', 433, '2026-11-17']]) };
    const dry = await post(form(files), { query: '?dryRun=true', headers: { 'idempotency-key': 'dry-then-real' } });
    expect(dry.status).toBe(202);
    await ended(dry.body.id);
    const before = await snapshot(pool);
    const real = await post(form(files), { headers: { 'idempotency-key': 'dry-then-real' } });
    expect(real.status).toBe(422);
    expect(real.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', message: expect.stringMatching(/dry run .*another key for the real load/) });
    expect(await snapshot(pool)).toEqual(before);
    expect((await pool.query('SELECT count(*)::int AS n FROM load WHERE idempotency_key = $1', ['dry-then-real'])).rows[0].n).toBe(1);
    // The same dry run again is still a replay.
    const again = await post(form(files), { query: '?dryRun=true', headers: { 'idempotency-key': 'dry-then-real' } });
    expect(again).toMatchObject({ status: 200, body: { id: dry.body.id } });
    expect(await uploadsLeft()).toEqual([]);
  });
});

describe('a bad request', () => {
  const cases: [string, () => Promise<{ status: number; body: any }>, number, RegExp][] = [
    ['a part with an unknown name', () => post(form({ 'schools.csv': 'a,b\n' })), 400, /unknown part "schools.csv"/],
    ['a missing boundary', () => post('x', { headers: { 'content-type': 'multipart/form-data' } }), 400, /malformed multipart|[Bb]oundary/],
    ['not multipart at all', () => post('{}', { headers: { 'content-type': 'application/json' } }), 400, /multipart\/form-data/],
    ['no file', () => post(new FormData()), 400, /no file received|[Uu]nexpected end/],
    ['an empty file', () => post(form({ 'observations.csv': '' })), 400, /is empty/],
    ['bytes that are not UTF-8', () => post(form({ 'observations.csv': new Uint8Array(new ArrayBuffer(6)).fill(0xfe) })), 400, /not UTF-8/],
    ['a header of another file', () => post(form({ 'observations.csv': 'code,name\nx,y\n' })), 400, /unknown column/],
    [
      'a body over the limit',
      () => post(form({ 'observations.csv': `${OBSERVATIONS}\n${'VK,x,1,2026-01-01\n'.repeat(TEST_LOAD_MAX_BYTES / 17)}` })),
      413,
      /limit/,
    ],
    ['a bad dryRun', () => post(form({ 'observations.csv': `${OBSERVATIONS}\n` }), { query: '?dryRun=yes' }), 400, /dryRun/],
    // Review: `-F dryRun=true` used to be ignored, and the load applied for real.
    [
      'a dryRun form field beside a file',
      () => post(withFields(form({ 'observations.csv': `${OBSERVATIONS}\nVK,school_a,9,2026-11-05\n` }), { dryRun: 'true' })),
      400,
      /"dryRun" as a form field \(a dry run is asked in the URL: \?dryRun=true\)/,
    ],
    [
      'a file sent as a form field (curl -F name=<file)',
      () => post(withFields(new FormData(), { 'observations.csv': `${OBSERVATIONS}\nVK,school_a,9,2026-11-05\n` })),
      400,
      /"observations.csv" as a form field/,
    ],
    [
      'many form fields beside a file',
      () => post(withFields(form({ 'observations.csv': `${OBSERVATIONS}\nVK,school_a,9,2026-11-05\n` }), { a: '1', b: '2', c: '3' })),
      400,
      /form field/,
    ],
  ];
  for (const [name, send, status, message] of cases) {
    it(`answers ${status} with a JSON error for ${name}, queueing nothing`, async () => {
      const before = (await pool.query('SELECT count(*)::int AS n FROM load')).rows[0].n;
      const { status: got, body } = await send();
      expect(got).toBe(status);
      expect(body.error.message).toMatch(message);
      expect((await pool.query('SELECT count(*)::int AS n FROM load')).rows[0].n).toBe(before);
      expect(await uploadsLeft()).toEqual([]);
    });
  }

  it('answers 404 for an unknown load and route, 405 for a wrong method', async () => {
    expect((await api().fetch('http://test/v1/loads/00000000-0000-4000-8000-000000000000', { headers: { authorization: `Bearer ${key}` } })).status).toBe(404);
    expect((await api().fetch('http://test/v1/loads/nope', { headers: { authorization: `Bearer ${key}` } })).status).toBe(404);
    expect((await api().fetch('http://test/v1/other', { headers: { authorization: `Bearer ${key}` } })).status).toBe(404);
    expect((await api().fetch('http://test/v1/loads', { headers: { authorization: `Bearer ${key}` } })).status).toBe(405);
  });
});

describe('old loads', () => {
  it('are purged after the retention period; their files are gone once they end', async () => {
    await pool.query("UPDATE load SET finished_at = now() - interval '40 days' WHERE status IN ('SUCCEEDED', 'FAILED')");
    const queue = new LoadQueue({ pool, uploadsDir: path.join(loadQueue().uploadsDir, 'other'), retentionDays: 30 });
    queue.kick();
    await queue.stop();
    expect((await pool.query('SELECT count(*)::int AS n FROM load')).rows[0].n).toBe(0);
  });
});
