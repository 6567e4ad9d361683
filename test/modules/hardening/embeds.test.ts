import { beforeAll, describe, expect, it } from 'vitest';
import { readEdgeConfig } from '../../../src/modules/edge/config.js';
import { EMBED_COST } from '../../../src/modules/embed/plugin.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import type { Api } from '../../../src/yoga.js';
import { loadFixture } from '../../fixtures/readApi.js';
import { useTestDatabase } from '../../helpers/database.js';
import { countStatements, createTestApi } from '../../helpers/executor.js';
import { csv, writeLoad } from '../../helpers/loads.js';
import { redisForTests, TEST_REDIS_URL, testPrefix } from '../edge/redis.js';

/**
 * Embeds under the same rate budget as GraphQL and behind a server-side cache: 80 embed requests
 * with varied parameters used to leave the client's budget untouched, and each one read the
 * database.
 */
const { pool, url } = await useTestDatabase();
const defaults = readEdgeConfig({});

beforeAll(async () => {
  await loadFixture(pool);
});

const VARIANTS = ['', '?platforms=VK', '?platforms=VK,OK', '?sectors=culture', '?theme=dark', '?lang=en', '?label=x', '?junk=1', '?junk=2&theme=light'];
const PATHS = ['/embed/v1/territories/17000000/subscribers.svg', '/embed/v1/territories/17000000/organisations.svg', '/embed/v1/territories/17000000'];

function embedUrls(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `http://portal-reader${PATHS[i % PATHS.length]}${VARIANTS[i % VARIANTS.length]}`);
}

async function subscribersBadge(api: Api, query = ''): Promise<string> {
  const response = await api.fetch(`http://reader/embed/v1/territories/17000000/subscribers.svg${query}`);
  expect(response.status).toBe(200);
  return response.text();
}

describe('embeds', () => {
  it('take cost points from the client’s rate budget: 80 varied requests run it out, and GraphQL is refused too', async () => {
    const points = 20 * EMBED_COST;
    const api = createTestApi({ edge: { config: { ...defaults, ratePoints: points } } });
    const statuses: number[] = [];
    for (const embed of embedUrls(80)) {
      const response = await api.fetch(embed);
      await response.arrayBuffer();
      statuses.push(response.status);
      if (response.status === 429) {
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(response.headers.get('ratelimit-remaining')).toBe('0');
      }
    }
    expect(statuses.slice(0, 20).every((status) => status === 200)).toBe(true);
    expect(statuses.slice(20).every((status) => status === 429)).toBe(true);
    const graphql = await api.fetch('http://portal-reader/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ platforms { code } }' }),
    });
    expect(graphql.status).toBe(429);
    // Scripts and styles read no figures and cost nothing.
    expect((await api.fetch('http://portal-reader/embed/v1/gospubliki.js')).status).toBe(200);
    await api.close();
  });

  it('are served from the server-side cache (no statement), whatever junk parameters they carry, until a load commits', async () => {
    const api = createTestApi({ edge: { config: { ...defaults, ratePoints: 0 }, databaseUrl: url } });
    await api.edge.ready;
    const first = await subscribersBadge(api);
    const again = await countStatements(() => subscribersBadge(api, '?junk=1&utm_source=x'));
    expect(again.result).toBe(first);
    expect(again.statements).toBe(0);
    const frame = await api.fetch('http://reader/embed/v1/territories/17000000?theme=dark');
    const etag = frame.headers.get('etag')!;
    const conditional = await countStatements(
      async () => await api.fetch('http://reader/embed/v1/territories/17000000?theme=dark', { headers: { 'if-none-match': etag } }),
    );
    expect(conditional.result.status).toBe(304);
    expect(conditional.statements).toBe(0);
    // A committed load purges it: the next badge shows the new figure.
    const result = await importFolder(
      pool,
      await writeLoad({ 'observations.csv': csv('platform,external_id,subscribers,observed_on', [['VK', 'adm33', 9_000_000, '2025-06-01']]) }),
    );
    expect(result.errors).toEqual([]);
    await expect.poll(async () => (await subscribersBadge(api)) !== first).toBe(true);
    await api.close();
  });

  it('with Redis: one process finds what another rendered', async () => {
    if (!(await redisForTests())) return;
    const config = { ...defaults, ratePoints: 0, redisUrl: TEST_REDIS_URL, redisPrefix: testPrefix() };
    const one = createTestApi({ edge: { config } });
    const two = createTestApi({ edge: { config } });
    await Promise.all([one.edge.ready, two.edge.ready]);
    const badge = await subscribersBadge(one, '?platforms=VK');
    const served = await countStatements(() => subscribersBadge(two, '?platforms=VK'));
    expect(served.result).toBe(badge);
    expect(served.statements).toBe(0);
    await one.close();
    await two.close();
  });
});
