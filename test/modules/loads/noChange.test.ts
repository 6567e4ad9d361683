import { beforeAll, describe, expect, it } from 'vitest';
import { keyFor, loadTwoRegions } from '../../fixtures/twoRegions.js';
import { useTestDatabase } from '../../helpers/database.js';
import { csv } from '../../helpers/loads.js';
import { type ServerProcess, serverDataDir, startServer } from '../../helpers/server.js';

/**
 * A load that changes nothing (yesterday's file sent again) leaves the data version, the caches
 * and the ETags as they were, and says `changed: false`; one that changes something moves them.
 */

const { url, pool } = await useTestDatabase();
let server: ServerProcess;
let key: string;
const QUERY = '{ territory(code: "17000000") { name stats { subscribers } } }';
const OBSERVATIONS = 'platform,external_id,subscribers,observed_on';

beforeAll(async () => {
  await loadTwoRegions(pool); // school_a: 100 subscribers on 2026-11-01
  ({ secret: key } = await keyFor(pool, { name: 'ЦУР' }));
  server = await startServer(url, await serverDataDir(), { CACHE_MAX_AGE: '600' });
});

async function read(headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/graphql?query=${encodeURIComponent(QUERY)}`, { headers });
  const text = await response.text();
  return { status: response.status, etag: response.headers.get('etag'), body: text ? (JSON.parse(text) as any) : null };
}

async function version(): Promise<number> {
  return Number((await pool.query('SELECT version FROM data_version')).rows[0].version);
}

async function load(rows: (string | number)[][], query = ''): Promise<any> {
  const body = new FormData();
  body.append('observations.csv', new Blob([csv(OBSERVATIONS, rows)]), 'observations.csv');
  const sent = (await (await fetch(`${server.url}/v1/loads${query}`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body })).json()) as any;
  expect(sent.changed).toBe(false); // not ended yet
  for (let i = 0; i < 300; i++) {
    const got = (await (await fetch(`${server.url}/v1/loads/${sent.id}`, { headers: { authorization: `Bearer ${key}` } })).json()) as any;
    if (got.status === 'SUCCEEDED' || got.status === 'FAILED') return got;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the load did not end');
}

describe('a load that changes nothing', () => {
  it('keeps the data version and the ETag, says changed: false; a load that changes something moves both', { timeout: 60_000 }, async () => {
    const before = await read();
    expect(before.status).toBe(200);
    expect(before.etag).toBeTruthy();
    const versionBefore = await version();

    const same = await load([['VK', 'school_a', 100, '2026-11-01']]);
    expect(same).toMatchObject({ status: 'SUCCEEDED', changed: false, files: [{ file: 'observations.csv', rows: 1, inserted: 0, updated: 0, unchanged: 1 }] });
    expect(await version()).toBe(versionBefore);
    const after = await read();
    expect(after.etag).toBe(before.etag);
    expect(after.body).toEqual(before.body);
    expect((await read({ 'if-none-match': before.etag! })).status).toBe(304);
    // GraphQL says the same.
    const graphql = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ load(id: "${same.id}") { changed } }` }),
    });
    expect(((await graphql.json()) as any).data.load).toEqual({ changed: false });

    // A dry run that would change something: changed: true, but nothing moves.
    const dry = await load([['VK', 'school_a', 130, '2026-11-02']], '?dryRun=true');
    expect(dry).toMatchObject({ status: 'SUCCEEDED', dryRun: true, changed: true });
    expect(await version()).toBe(versionBefore);
    expect((await read()).etag).toBe(before.etag);
    // A failed load changed nothing.
    expect(await load([['VK', 'no_such_page', 1, '2026-11-02']])).toMatchObject({ status: 'FAILED', changed: false });
    expect(await version()).toBe(versionBefore);

    const changing = await load([['VK', 'school_a', 130, '2026-11-02']]);
    expect(changing).toMatchObject({ status: 'SUCCEEDED', changed: true, files: [{ inserted: 1 }] });
    expect(await version()).toBe(versionBefore + 1);
    // The cache is purged at the commit's notice (asynchronously): the next answers carry the new figures.
    let changed = await read();
    for (let i = 0; i < 100 && changed.etag === before.etag; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      changed = await read();
    }
    expect(changed.etag).not.toBe(before.etag);
    expect(changed.body.data.territory.stats.subscribers).not.toEqual(before.body.data.territory.stats.subscribers);
  });
});
