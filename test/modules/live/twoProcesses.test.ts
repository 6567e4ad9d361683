import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changesChannel } from '../../../src/modules/edge/relay.js';
import { keyFor, loadTwoRegions } from '../../fixtures/twoRegions.js';
import { useTestDatabase } from '../../helpers/database.js';
import { csv } from '../../helpers/loads.js';
import { redisForTests, TEST_REDIS_URL, testPrefix } from '../edge/redis.js';
import { openSse, openWs, type SseStream } from './streams.js';

/**
 * Live figures across two real API processes on one database and one Redis: a load sent to one
 * reaches the subscribers of the other, over SSE and over WebSocket, once, and only those whose
 * territory's figures changed. Stream limits are tried as an attacker would (many streams from
 * one address) while another client keeps being served.
 */

const { url, pool } = await useTestDatabase();
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const children: ChildProcess[] = [];
const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gospubliki-live-'));
const withRedis = await redisForTests();
const prefix = testPrefix();
const PER_ADDRESS = 4;
const PER_KEY = 2;
let a: number;
let b: number;
const streams: SseStream[] = [];
/** What was published on the Redis channel of committed changes (a test's own subscription). */
const published: string[] = [];
let watcher: Redis | undefined;

afterAll(async () => {
  await watcher?.quit();
  for (const stream of streams) stream.close();
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
      RATE_LIMIT_POINTS: '100000',
      // The tests play several clients from 127.0.0.1 through X-Forwarded-For.
      TRUST_PROXY: '127.0.0.1',
      LIVE_MAX_STREAMS_PER_ADDRESS: String(PER_ADDRESS),
      LIVE_MAX_STREAMS_PER_KEY: String(PER_KEY),
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

const LIVE = `subscription Live($territory: String!, $platforms: [String!]) {
  figuresChanged(territory: $territory, platforms: $platforms) { territory { code name } stats { subscribers pages byPlatform { platform { code } subscribers } } dataVersion }
}`;

let loader: { secret: string };
let day = 1;

/** Sends an observation of school A (Vladimir) or B (Kirov) to process A, and waits until it is applied. */
async function load(page: 'school_a' | 'school_b', subscribers: number): Promise<void> {
  const body = new FormData();
  const observedOn = `2026-11-${String(1 + day++).padStart(2, '0')}`;
  body.append('observations.csv', new Blob([csv('platform,external_id,subscribers,observed_on', [['VK', page, subscribers, observedOn]])]), 'observations.csv');
  const sent = await fetch(`http://127.0.0.1:${a}/v1/loads`, { method: 'POST', headers: { authorization: `Bearer ${loader.secret}` }, body });
  expect(sent.status).toBe(202);
  const { id } = (await sent.json()) as { id: string };
  for (let i = 0; i < 200; i++) {
    const state = (await (await fetch(`http://127.0.0.1:${a}/v1/loads/${id}`, { headers: { authorization: `Bearer ${loader.secret}` } })).json()) as {
      status: string;
    };
    if (state.status === 'SUCCEEDED') return;
    if (state.status === 'FAILED') throw new Error(JSON.stringify(state));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the load did not finish');
}

/** An SSE subscription on process B, from `client` (an X-Forwarded-For address), once it has started. */
async function subscribe(variables: Record<string, unknown>, client = '198.51.100.1'): Promise<SseStream> {
  const stream = await openSse(`http://127.0.0.1:${b}/graphql`, LIVE, variables, { 'x-forwarded-for': client });
  streams.push(stream);
  // The subscription reads its baseline when its stream starts: give it that moment.
  await new Promise((resolve) => setTimeout(resolve, 400));
  return stream;
}

beforeAll(async () => {
  await loadTwoRegions(pool);
  if (!withRedis) return;
  loader = await keyFor(pool, { name: 'live loader' });
  watcher = new Redis(TEST_REDIS_URL);
  watcher.on('message', (_channel: string, message: string) => published.push(message));
  await watcher.subscribe(changesChannel(prefix));
  [a, b] = await Promise.all([startServer(), startServer()]);
});

describe('figuresChanged across two processes', () => {
  if (!withRedis) {
    it('not run: no Redis answers at 127.0.0.1:6379 (start one, or set TEST_REDIS_URL)', () => {
      console.warn('live two-process tests not run: no Redis');
    });
    return;
  }

  it('sends one event over SSE and over WebSocket to the subscribers of a changed territory only, with keep-alives', async () => {
    const vladimir = await subscribe({ territory: '17000000' });
    const telegram = await subscribe({ territory: '17000000', platforms: ['TELEGRAM'] });
    const kirov = await subscribe({ territory: '33000000' });
    expect([vladimir.status, telegram.status, kirov.status]).toEqual([200, 200, 200]);
    const ws = openWs(`ws://127.0.0.1:${b}/graphql`, LIVE, { territory: '17701000' });
    await new Promise((resolve) => setTimeout(resolve, 400));

    await load('school_a', 150);
    const event = await vladimir.next();
    expect(event.errors).toBeUndefined();
    expect(event.data.figuresChanged.territory).toEqual({ code: '17000000', name: 'Владимирская область' });
    expect(Number(event.data.figuresChanged.stats.subscribers)).toBe(150);
    expect(event.data.figuresChanged.dataVersion).toBeGreaterThan(0);
    // It went through Redis: process A published the version it committed, and process B's live
    // figures were told by Redis, not by its NOTIFY (which only stands in while Redis is silent).
    expect(published).toEqual([String(event.data.figuresChanged.dataVersion)]);
    const routes = await (await fetch(`http://127.0.0.1:${b}/metrics`)).text();
    expect(routes).toMatch(/gospubliki_live_changes_total\{route="redis"\} 1\n/);
    expect(routes).not.toMatch(/gospubliki_live_changes_total\{route="notify"\} [1-9]/);
    await ws.settled(0);
    expect(ws.errors).toEqual([]);
    expect(Number(ws.events[0].data.figuresChanged.stats.subscribers)).toBe(150);

    // A load elsewhere: only Kirov's subscriber hears of it; Vladimir's got exactly one event so far.
    await load('school_b', 260);
    expect(Number((await kirov.next()).data.figuresChanged.stats.subscribers)).toBe(260);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(vladimir.events).toHaveLength(1);
    expect(ws.events).toHaveLength(1);
    // Nothing on TELEGRAM changed: that filter's subscriber heard nothing at all.
    expect(telegram.events).toHaveLength(0);
    expect(kirov.events).toHaveLength(1);
    // Keep-alive comments keep flowing (Yoga's interval; shortened under NODE_ENV=test).
    expect(vladimir.comments).toBeGreaterThan(1);
    await ws.close();
  });

  it('refuses a malformed or unknown territory and a too costly or too deep subscription, clearly', async () => {
    const bad = await openSse(`http://127.0.0.1:${b}/graphql`, LIVE, { territory: '17.0' }, { 'x-forwarded-for': '198.51.100.2' });
    streams.push(bad);
    expect((await bad.next()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const unknown = await openSse(`http://127.0.0.1:${b}/graphql`, LIVE, { territory: '99000000' }, { 'x-forwarded-for': '198.51.100.2' });
    streams.push(unknown);
    expect((await unknown.next()).errors[0].extensions.code).toBe('NOT_FOUND');
    const deep = `subscription { figuresChanged(territory: "RU") { territory { ${'parent { '.repeat(30)}code${' }'.repeat(30)} } } }`;
    const tooDeep = await openSse(`http://127.0.0.1:${b}/graphql`, deep, {}, { 'x-forwarded-for': '198.51.100.2' });
    streams.push(tooDeep);
    expect((await tooDeep.next()).errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    const wide = `subscription { figuresChanged(territory: "RU") { territory { children(first: 100) { nodes { children(first: 100) { nodes { children(first: 100) { nodes { code } } } } } } } } }`;
    const costly = openWs(`ws://127.0.0.1:${b}/graphql`, wide, {});
    await costly.settled(0);
    expect(JSON.stringify([...costly.events, ...costly.errors])).toContain('QUERY_TOO_COMPLEX');
    await costly.close();
  });

  it('refuses streams above the limit of one address (SSE and WebSocket alike), while another client is served and can subscribe', async () => {
    const attacker = '203.0.113.66';
    const held: SseStream[] = [];
    for (let i = 0; i < PER_ADDRESS; i++) held.push(await openSse(`http://127.0.0.1:${b}/graphql`, LIVE, { territory: 'RU' }, { 'x-forwarded-for': attacker }));
    streams.push(...held);
    expect(held.map((stream) => stream.status)).toEqual(Array(PER_ADDRESS).fill(200));
    // Many more tries from the same address: every one refused with TOO_MANY_STREAMS.
    const tries = await Promise.all(
      Array.from({ length: 20 }, () => openSse(`http://127.0.0.1:${b}/graphql`, LIVE, { territory: 'RU' }, { 'x-forwarded-for': attacker })),
    );
    streams.push(...tries);
    for (const refused of tries) {
      const first = await refused.next();
      expect(first.errors[0].extensions.code).toBe('TOO_MANY_STREAMS');
      expect(first.errors[0].message).toContain(`${PER_ADDRESS} may be open at once from one client address`);
    }
    // The attacker's address has no more room over WebSocket either (WebSockets honour the
    // trusted proxy's X-Forwarded-For like HTTP).
    const ws = openWs(`ws://127.0.0.1:${b}/graphql`, LIVE, { territory: 'RU' }, { 'x-forwarded-for': attacker });
    await ws.settled(0);
    expect(JSON.stringify([...ws.events, ...ws.errors])).toContain('TOO_MANY_STREAMS');
    await ws.close();
    // Another client: its query is answered and its stream opens.
    const started = Date.now();
    const other = await fetch(`http://127.0.0.1:${b}/graphql?query=${encodeURIComponent('{ territory(code: "RU") { name } }')}`, {
      headers: { 'x-forwarded-for': '198.51.100.77' },
    });
    expect(other.status).toBe(200);
    expect(((await other.json()) as any).data.territory.name).toBe('Российская Федерация');
    console.info(`another client's query while the attacker holds ${PER_ADDRESS} streams and was refused 20 more: ${Date.now() - started} ms`);
    const welcome = await openSse(`http://127.0.0.1:${b}/graphql`, LIVE, { territory: 'RU' }, { 'x-forwarded-for': '198.51.100.77' });
    streams.push(welcome);
    expect(welcome.status).toBe(200);
    // A stream closed gives its room back.
    held[0].close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const again = await openSse(`http://127.0.0.1:${b}/graphql`, LIVE, { territory: 'RU' }, { 'x-forwarded-for': attacker });
    streams.push(again);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(again.events.filter((event) => event.errors)).toEqual([]);
  });

  it('counts a key’s streams per key, whatever addresses they come from; an unknown key opens nothing', async () => {
    const key = await keyFor(pool, { name: 'live dashboard' });
    const auth = (client: string) => ({ authorization: `Bearer ${key.secret}`, 'x-forwarded-for': client });
    const mine: SseStream[] = [];
    for (const client of ['192.0.2.1', '192.0.2.2']) mine.push(await openSse(`http://127.0.0.1:${b}/graphql`, LIVE, { territory: 'RU' }, auth(client)));
    streams.push(...mine);
    expect(mine.map((stream) => stream.status)).toEqual([200, 200]);
    const third = await openSse(`http://127.0.0.1:${b}/graphql`, LIVE, { territory: 'RU' }, auth('192.0.2.3'));
    streams.push(third);
    const refusal = await third.next();
    expect(refusal.errors[0].extensions.code).toBe('TOO_MANY_STREAMS');
    expect(refusal.errors[0].message).toContain(`${PER_KEY} may be open at once per API key`);
    // The same address without the key is another client, with room of its own.
    const anonymous = await openSse(`http://127.0.0.1:${b}/graphql`, LIVE, { territory: 'RU' }, { 'x-forwarded-for': '192.0.2.3' });
    streams.push(anonymous);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(anonymous.events.filter((event) => event.errors)).toEqual([]);
    // A made-up key (a fresh budget per guess, if keys were not checked) is refused before any stream.
    const guessed = await openSse(
      `http://127.0.0.1:${b}/graphql`,
      LIVE,
      { territory: 'RU' },
      { authorization: 'Bearer gp_guessed', 'x-forwarded-for': '192.0.2.9' },
    );
    streams.push(guessed);
    expect(guessed.status).toBe(401);
  });
});
