import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createEdge, type Edge } from '../../../src/modules/edge/edge.js';
import { metrics } from '../../../src/modules/edge/metrics.js';
import { changesChannel, publishCommittedChanges } from '../../../src/modules/edge/relay.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { loadTwoRegions } from '../../fixtures/twoRegions.js';
import { useTestDatabase } from '../../helpers/database.js';
import { csv, writeLoad } from '../../helpers/loads.js';
import { redisForTests, TEST_REDIS_URL, testPrefix } from './redis.js';

/**
 * The route committed changes take to an API's listeners (the live figures): Redis pub/sub with
 * REDIS_URL, PostgreSQL NOTIFY without it or while Redis does not answer, each version told once.
 */

const { pool, url } = await useTestDatabase();
await loadTwoRegions(pool);
const withRedis = await redisForTests();
const opened: { close(): Promise<void> }[] = [];
let day = 1;

afterAll(async () => {
  publishCommittedChanges(undefined, '');
  for (const closable of opened) await closable.close();
});

/** An edge on the test database with `redisUrl`, and the versions its listeners are told. */
async function edgeWith(redisUrl: string | undefined, prefix = testPrefix()): Promise<{ edge: Edge; told: (number | undefined)[] }> {
  // The previous test's edges go first: each edge counts what it hears in the process-wide metric.
  for (const closable of opened.splice(0)) await closable.close();
  const edge = createEdge({ databaseUrl: url, config: { redisUrl, redisPrefix: prefix } });
  opened.push(edge);
  const told: (number | undefined)[] = [];
  edge.onDataChanged((version) => told.push(version));
  await edge.ready;
  await new Promise((resolve) => setTimeout(resolve, 200)); // the subscriber subscribed (or failed to)
  return { edge, told };
}

/** Commits one observation; returns the data version it committed. */
async function commitOne(): Promise<number> {
  const observedOn = `2026-10-${String(day++).padStart(2, '0')}`;
  const folder = await writeLoad({ 'observations.csv': csv('platform,external_id,subscribers,observed_on', [['VK', 'school_a', 100 + day, observedOn]]) });
  const result = await importFolder(pool, folder);
  expect(result.errors).toEqual([]);
  return Number(result.dataVersion!.version);
}

async function routeCount(route: 'redis' | 'notify'): Promise<number> {
  const { values } = await metrics.changesFollowed.get();
  return values.find((value) => value.labels.route === route)?.value ?? 0;
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  for (const started = Date.now(); Date.now() - started < ms; ) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('committed changes reach the live figures', () => {
  it('without Redis, through NOTIFY', async () => {
    const { told } = await edgeWith(undefined);
    const before = await routeCount('notify');
    const version = await commitOne();
    await until(() => told.length > 0);
    expect(told).toEqual([version]);
    expect(await routeCount('notify')).toBe(before + 1);
  });

  it('with a Redis that does not answer, through NOTIFY, without failing the load', async () => {
    const { told } = await edgeWith('redis://127.0.0.1:9');
    const version = await commitOne();
    await until(() => told.length > 0);
    expect(told).toEqual([version]);
  });

  it.runIf(withRedis)('with Redis, through Redis pub/sub: published by the committing process, told once', async () => {
    const prefix = testPrefix();
    const { told } = await edgeWith(TEST_REDIS_URL, prefix);
    const publisher = new Redis(TEST_REDIS_URL);
    const watcher = new Redis(TEST_REDIS_URL);
    opened.push({ close: async () => void (await Promise.all([publisher.quit(), watcher.quit()])) });
    const published: string[] = [];
    watcher.on('message', (_channel: string, message: string) => published.push(message));
    await watcher.subscribe(changesChannel(prefix));
    publishCommittedChanges(publisher, prefix);
    const [redisBefore, notifyBefore] = [await routeCount('redis'), await routeCount('notify')];
    const version = await commitOne();
    await until(() => told.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 800)); // past the NOTIFY's grace: it must not tell it again
    expect(published).toEqual([String(version)]);
    expect(told).toEqual([version]);
    expect(await routeCount('redis')).toBe(redisBefore + 1);
    expect(await routeCount('notify')).toBe(notifyBefore);
  });

  it.runIf(withRedis)('with Redis but a committer that does not publish, NOTIFY stands in after the grace, once', async () => {
    const { told } = await edgeWith(TEST_REDIS_URL);
    publishCommittedChanges(undefined, '');
    const notifyBefore = await routeCount('notify');
    const version = await commitOne();
    await until(() => told.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(told).toEqual([version]);
    expect(await routeCount('notify')).toBe(notifyBefore + 1);
  });
});
