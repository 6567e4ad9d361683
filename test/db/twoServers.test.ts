import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeKey } from '../../src/modules/keys/keys.js';
import { keyFor, loadTwoRegions } from '../fixtures/twoRegions.js';
import { useTestDatabase } from '../helpers/database.js';
import { csv } from '../helpers/loads.js';
import { redisForTests, TEST_REDIS_URL, testPrefix } from '../modules/edge/redis.js';

/**
 * Two real API processes on one database and one Redis, as behind a load balancer: what one
 * learns (a revoke, a committed load, a client's spending) the other knows at once.
 */

const { url, pool } = await useTestDatabase();
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const children: ChildProcess[] = [];
const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gospubliki-two-'));
const withRedis = await redisForTests();
const prefix = testPrefix();
let a: number;
let b: number;

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await fs.rm(dataDir, { recursive: true, force: true });
});

function startServer(): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: url,
      DATA_DIR: dataDir,
      PORT: '0',
      DEMO: '0',
      LOG_LEVEL: 'info',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      RATE_LIMIT_POINTS: '300',
      CACHE_MAX_AGE: '600',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const match = /"port":(\d+),"startupMs"/.exec(log);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${log}`)));
  });
}

function graphql(port: number, query: string, headers: Record<string, string> = {}) {
  return fetch(`http://127.0.0.1:${port}/graphql?query=${encodeURIComponent(query)}`, { headers });
}

/** A POST: always executed (never served from the cache), so it always spends points. */
function post(port: number, query: string, headers: Record<string, string> = {}) {
  return fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
}

async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('never became true');
}

beforeAll(async () => {
  await loadTwoRegions(pool);
  if (withRedis) [a, b] = await Promise.all([startServer(), startServer()]);
});

describe('two API processes on one database and one Redis', () => {
  if (!withRedis) {
    it('not run: no Redis answers at 127.0.0.1:6379 (start one, or set TEST_REDIS_URL)', () => {
      console.warn('two-server tests not run: no Redis');
    });
    return;
  }

  it('refuse a revoked key in both at once', async () => {
    const key = await keyFor(pool, { name: 'two servers' });
    const auth = { authorization: `Bearer ${key.secret}` };
    expect((await graphql(a, '{ viewer { name } }', auth)).status).toBe(200);
    expect((await graphql(b, '{ viewer { name } }', auth)).status).toBe(200);
    await revokeKey(pool, key.id);
    await eventually(async () => (await graphql(a, '{ viewer { name } }', auth)).status === 401);
    await eventually(async () => (await graphql(b, '{ viewer { name } }', auth)).status === 401);
  });

  it("show a load sent to one on the other's next read, though the other had cached the figure", async () => {
    const query = '{ territory(code: "17000000") { stats { subscribers } } }';
    const figure = async (port: number) => Number(((await (await graphql(port, query)).json()) as any).data.territory.stats.subscribers);
    const before = await figure(b);
    expect(await figure(b)).toBe(before); // now cached in Redis
    const key = await keyFor(pool, { name: 'loader' });
    const body = new FormData();
    body.append(
      'observations.csv',
      new Blob([csv('platform,external_id,subscribers,observed_on', [['VK', 'school_a', 5000, '2026-11-28']])]),
      'observations.csv',
    );
    const sent = await fetch(`http://127.0.0.1:${a}/v1/loads`, { method: 'POST', headers: { authorization: `Bearer ${key.secret}` }, body });
    expect(sent.status).toBe(202);
    await eventually(async () => (await figure(b)) === before + 4900);
  });

  it("share the rate-limit counters: a client's spending on one counts on the other", async () => {
    const query = '{ platforms { code } sectors { code } }';
    const from = { 'x-forwarded-for': '203.0.113.9' }; // not trusted: the socket address counts
    const first = await post(a, query, from);
    const limit = Number(first.headers.get('ratelimit-limit'));
    const remainingOnA = Number(first.headers.get('ratelimit-remaining'));
    const onB = await post(b, query, from);
    expect(Number(onB.headers.get('ratelimit-limit'))).toBe(limit);
    expect(Number(onB.headers.get('ratelimit-remaining'))).toBeLessThan(remainingOnA);
    let status = 200;
    for (let i = 0; i < 40 && status !== 429; i++)
      status = (await post(i % 2 ? a : b, `{ platforms { code } sectors { code } q${i}: sectors { name } }`, from)).status;
    expect(status).toBe(429);
    expect((await post(a, query, from)).status).toBe(429);
    expect((await post(b, query, from)).status).toBe(429);
  });
});
