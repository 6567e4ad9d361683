import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDatabase, poolOptions } from '../../../src/db/database.js';
import { guardPool } from '../../../src/db/guard.js';
import { migrate, migrationsApplied } from '../../../src/db/migrate.js';
import { connectPrisma, disconnectPrisma } from '../../../src/db/prisma.js';
import { readEdgeConfig } from '../../../src/modules/edge/config.js';
import { createKey } from '../../../src/modules/keys/keys.js';
import { LoadQueue } from '../../../src/modules/loads/queue/queue.js';
import { sleep } from '../../../src/util/os.js';
import { type Api, createApi } from '../../../src/yoga.js';
import { loadFixture } from '../../fixtures/readApi.js';
import { csv } from '../../helpers/loads.js';
import { startThrowawayPostgres, startThrowawayRedis, type ThrowawayPostgres, type ThrowawayRedis } from '../../helpers/throwaway.js';

/**
 * Chaos, as an operator meets it: the database restarted in immediate mode while a load applies,
 * and Redis killed while clients read. The API process used to die (an unhandled 'error' of a
 * `pg` client: ECONNRESET). Now it keeps serving: reads fail fast while the database is down and
 * recover after, the load ends FAILED `interrupted` with nothing of it applied, the same files are
 * accepted again, and no committed data is lost. The servers are this test's own.
 */
let postgres: ThrowawayPostgres;
let redis: ThrowawayRedis;
let pool: pg.Pool;
let queue: LoadQueue;
let api: Api;
let key: string;

const PAGE_COUNT = 40_000;
const DAYS = ['2025-05-01', '2025-05-02', '2025-05-03', '2025-05-04', '2025-05-05'];

beforeAll(async () => {
  postgres = await startThrowawayPostgres();
  redis = await startThrowawayRedis();
  const url = await ensureDatabase(postgres.url(), 'chaos');
  await migrate(url);
  pool = guardPool(new pg.Pool(poolOptions(url, 10, 5_000)));
  connectPrisma(pool);
  await loadFixture(pool);
  key = (await createKey(pool, { name: 'chaos' })).secret;
  queue = new LoadQueue({ pool, uploadsDir: path.join(process.env.TMPDIR ?? '/tmp', `chaos-uploads-${process.pid}`), retentionDays: 1, pollMs: 200 });
  await queue.start();
  api = createApi({
    pool,
    ready: () => migrationsApplied(pool),
    loads: { queue, maxBytes: 200 * 1024 * 1024 },
    edge: { config: { ...readEdgeConfig({}), ratePoints: 1_000_000, redisUrl: redis.url, redisPrefix: 'chaos:' }, databaseUrl: url },
  });
  await api.edge.ready;
}, 120_000);

afterAll(async () => {
  await queue?.stop().catch(() => undefined);
  await api?.close().catch(() => undefined);
  await disconnectPrisma().catch(() => undefined);
  await pool?.end().catch(() => undefined);
  await redis?.kill().catch(() => undefined);
  await postgres?.destroy();
});

function bigLoad(): FormData {
  const pages = Array.from({ length: PAGE_COUNT }, (_, i) => [
    'VK',
    `chaos_${i}`,
    'museum-kaluga',
    `https://vk.com/chaos_${i}`,
    `Страница ${i}`,
    'false',
    'ACTIVE',
  ]);
  const observations = pages.flatMap(([platform, id], i) => DAYS.map((day, d) => [platform, id, 100 + i + d, day]));
  const body = new FormData();
  body.append('pages.csv', new Blob([csv('platform,external_id,organisation_external_id,url,name,verified,status', pages)]), 'pages.csv');
  body.append('observations.csv', new Blob([csv('platform,external_id,subscribers,observed_on', observations)]), 'observations.csv');
  return body;
}

async function sendLoad(): Promise<string> {
  const response = await api.fetch('http://test/v1/loads', { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: bigLoad() });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

async function loadState(id: string): Promise<{ status: string; reason?: string } | undefined> {
  const response = await Promise.resolve(api.fetch(`http://test/v1/loads/${id}`, { headers: { authorization: `Bearer ${key}` } })).catch(() => undefined);
  if (response?.status !== 200) return undefined;
  return (await (response as Response).json()) as { status: string; reason?: string };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Reads as a client would, timing each; keeps going until told to stop. */
function readTraffic() {
  const answers: { ok: boolean; ms: number; at: number }[] = [];
  let stop = false;
  const running = (async () => {
    while (!stop) {
      const started = performance.now();
      const response = await api.fetch('http://reader/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ territory(code: "RU") { stats { subscribers pages } } organisations(first: 3) { totalCount } }' }),
      });
      const body = (await response.json()) as { data?: unknown; errors?: unknown[] };
      answers.push({ ok: response.status === 200 && !body.errors, ms: performance.now() - started, at: Date.now() });
      await sleep(20);
    }
  })();
  return {
    answers,
    stop: async () => {
      stop = true;
      await running;
    },
  };
}

async function pageCount(): Promise<number> {
  return (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM page')).rows[0].n;
}

describe('chaos', () => {
  it('a PostgreSQL restarted in immediate mode mid-load: the process serves on, the load ends FAILED interrupted and is accepted again', async () => {
    const pagesBefore = await pageCount();
    const traffic = readTraffic();
    const id = await sendLoad();
    await until('the load to run', async () => ((await loadState(id))?.status === 'RUNNING' ? true : undefined));
    await sleep(300);
    expect((await loadState(id))?.status).toBe('RUNNING');
    const downAt = Date.now();
    await postgres.restartImmediate(1500);
    const upAt = Date.now();
    const load = await until('the load to end', async () => {
      const state = await loadState(id);
      return state && (state.status === 'FAILED' || state.status === 'SUCCEEDED') ? state : undefined;
    });
    expect(load).toMatchObject({ status: 'FAILED', reason: 'interrupted' });
    // Reads recover once the database is back.
    await until('a read to succeed again', async () => (traffic.answers.some((answer) => answer.ok && answer.at > upAt + 200) ? true : undefined), 30_000);
    await traffic.stop();
    // While it was down, reads failed (they did not wait for it to come back), within the pool's
    // connection timeout (5 s); and no read was held past the request deadline (10 s).
    const failed = traffic.answers.filter((answer) => !answer.ok && answer.at >= downAt && answer.at <= upAt + 1_000);
    expect(failed.length).toBeGreaterThan(0);
    expect(Math.min(...failed.map((answer) => answer.ms))).toBeLessThan(5_500);
    expect(Math.max(...traffic.answers.map((answer) => answer.ms))).toBeLessThan(12_000);
    // Nothing of the interrupted load was applied; what was committed before is all there.
    expect(await pageCount()).toBe(pagesBefore);
    // The same files are accepted again, and apply.
    const again = await sendLoad();
    const second = await until('the load sent again to end', async () => {
      const state = await loadState(again);
      return state && (state.status === 'FAILED' || state.status === 'SUCCEEDED') ? state : undefined;
    });
    expect(second.status).toBe('SUCCEEDED');
    expect(await pageCount()).toBe(pagesBefore + PAGE_COUNT);
  }, 300_000);

  it('Redis killed mid-traffic: every read is still answered (cache and counters fall back), nothing exits', async () => {
    const traffic = readTraffic();
    await sleep(500);
    await redis.kill();
    const killedAt = Date.now();
    await sleep(2_000);
    await traffic.stop();
    const after = traffic.answers.filter((answer) => answer.at > killedAt);
    expect(after.length).toBeGreaterThan(5);
    expect(after.every((answer) => answer.ok)).toBe(true);
    expect((await api.fetch('http://reader/healthz')).status).toBe(200);
  }, 60_000);
});
