import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { readEdgeConfig } from '../../../src/modules/edge/config.js';
import type { Api } from '../../../src/yoga.js';
import { loadFixture } from '../../fixtures/readApi.js';
import { keyFor } from '../../fixtures/twoRegions.js';
import { useTestDatabase } from '../../helpers/database.js';
import { countStatements, createTestApi } from '../../helpers/executor.js';
import { csv, writeLoad } from '../../helpers/loads.js';
import { redisForTests, TEST_REDIS_URL, testPrefix } from './redis.js';

const { pool, url } = await useTestDatabase();
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);
const defaults = { ...readEdgeConfig({}), ratePoints: 0 };
const KALUGA = '{ territory(code: "29000000") { stats { subscribers } } }';

beforeAll(async () => {
  await loadFixture(pool);
});

function get(api: Api, query: string, headers: Record<string, string> = {}): Promise<Response> {
  return Promise.resolve(api.fetch(`http://test/graphql?query=${encodeURIComponent(query)}`, { headers: { accept: 'application/json', ...headers } }));
}

async function subscribers(api: Api): Promise<number> {
  const body = (await (await get(api, KALUGA)).json()) as { data: { territory: { stats: { subscribers: number } } } };
  return body.data.territory.stats.subscribers;
}

/** `npm run import` of one observation of the Kaluga museum's page, as its own process. */
async function importObservation(value: number, day: string): Promise<void> {
  const folder = await writeLoad({ 'observations.csv': csv('platform,external_id,subscribers,observed_on', [['VK', 'kaluga_museum', value, day]]) });
  await run(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', folder], { cwd: ROOT, env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' } });
}

async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('HTTP caching of GET answers', () => {
  it('gives anonymous GETs Cache-Control and an ETag, serves repeats from the cache, answers If-None-Match with 304', async () => {
    const api = createTestApi({ edge: { config: defaults } });
    const first = await get(api, KALUGA);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('public, max-age=60');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const { result: again, statements } = await countStatements(() => get(api, KALUGA));
    expect(statements).toBe(0); // the server-side cache answered
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe(await first.text());

    const notModified = await get(api, KALUGA, { 'if-none-match': etag! });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe('');
    expect(notModified.headers.get('etag')).toBe(etag);
    // Another query sent with the first one's ETag gets its own answer, not a 304.
    const other = await get(api, '{ platforms { code } }', { 'if-none-match': etag! });
    expect(other.status).toBe(200);
    expect(other.headers.get('etag')).not.toBe(etag);
    await api.close();
  });

  it('never serves a keyed request another key’s (or the anonymous) answer; keyed answers are private, no-store', async () => {
    const api = createTestApi({ edge: { config: defaults } });
    await get(api, KALUGA);
    const keyA = `Bearer ${(await keyFor(pool, { name: 'a' })).secret}`;
    const keyB = `Bearer ${(await keyFor(pool, { name: 'b' })).secret}`;
    const a = await countStatements(() => get(api, KALUGA, { authorization: keyA }));
    expect(a.statements).toBeGreaterThan(0);
    expect(a.result.headers.get('cache-control')).toBe('private, no-store');
    expect((await countStatements(() => get(api, KALUGA, { authorization: keyB }))).statements).toBeGreaterThan(0);
    expect((await countStatements(() => get(api, KALUGA, { authorization: keyA }))).statements).toBe(0);
    await api.close();
  });

  it('does not cache POSTs or answers with errors', async () => {
    const api = createTestApi({ edge: { config: defaults } });
    const post = async () =>
      api.fetch('http://test/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: KALUGA }) });
    await post();
    expect((await countStatements(post)).statements).toBeGreaterThan(0);
    const bad = await get(api, '{ territory(code: "17.0") { name } }');
    expect(bad.headers.get('cache-control')).toBe('no-store');
    expect(bad.headers.get('etag')).toBeNull();
    await api.close();
  });
});

describe('answers older than the latest committed load', () => {
  it('are sent but not cached (a read replica that has not replayed the load yet must not fill the cache)', async () => {
    const api = createTestApi({ edge: { config: defaults } });
    await get(api, KALUGA);
    expect((await countStatements(() => get(api, KALUGA))).statements).toBe(0); // cached while current
    api.edge.latest.version = Number.MAX_SAFE_INTEGER; // a load this database has not applied yet
    await api.edge.purge();
    await get(api, KALUGA);
    expect((await countStatements(() => get(api, KALUGA))).statements).toBeGreaterThan(0);
    await api.close();
  });
});

describe('with Redis unreachable', () => {
  it('still answers every request, uncached, and counts rates in memory meanwhile', async () => {
    const api = createTestApi({
      edge: { config: { ...defaults, ratePoints: 50, redisUrl: 'redis://127.0.0.1:9', redisPrefix: testPrefix() } },
    });
    const started = Date.now();
    const first = await get(api, KALUGA);
    expect(first.status).toBe(200);
    expect(((await first.json()) as { data: unknown }).data).toBeTruthy();
    expect((await countStatements(() => get(api, KALUGA))).statements).toBeGreaterThan(0); // no cache, but an answer
    expect((await get(api, KALUGA)).headers.get('ratelimit-remaining')).toBeTruthy(); // the in-memory stand-in counts
    expect(Date.now() - started).toBeLessThan(2000);
    await api.close();
  });
});

describe('invalidation by committed loads from another process', () => {
  it('without Redis: the API LISTENs, `npm run import` NOTIFYs at commit, the next read shows the new figures', async () => {
    const api = createTestApi({ edge: { config: defaults, databaseUrl: url } });
    await api.edge.listener!.ready;
    const before = await subscribers(api);
    expect((await countStatements(() => subscribers(api))).statements).toBe(0); // cached
    await importObservation(before + 111, '2025-05-01');
    await eventually(async () => (await subscribers(api)) === before + 111);
    await api.close();
  });

  it('with Redis: the cache and its generation are shared, so one listening process purges every process', async () => {
    if (!(await redisForTests())) return;
    const config = { ...defaults, redisUrl: TEST_REDIS_URL, redisPrefix: testPrefix() };
    const listening = createTestApi({ edge: { config, databaseUrl: url } });
    const deaf = createTestApi({ edge: { config } }); // no listener of its own
    await Promise.all([listening.edge.ready, deaf.edge.ready]);
    const before = await subscribers(deaf);
    // The other API finds the answer in Redis.
    expect((await countStatements(() => subscribers(listening))).statements).toBe(0);
    await importObservation(before + 222, '2025-05-02');
    await eventually(async () => (await subscribers(deaf)) === before + 222);
    await listening.close();
    await deaf.close();
  });
});
