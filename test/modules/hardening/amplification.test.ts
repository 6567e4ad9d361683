import { beforeAll, describe, expect, it } from 'vitest';
import { readEdgeConfig } from '../../../src/modules/edge/config.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { PAGES_PER_ORGANISATION } from '../../../src/modules/page/limits.js';
import type { Api } from '../../../src/yoga.js';
import { loadFixture } from '../../fixtures/readApi.js';
import { whileAttacking } from '../../helpers/attack.js';
import { useTestDatabase } from '../../helpers/database.js';
import { countStatements, createTestApi, type GraphQLResponse } from '../../helpers/executor.js';
import { csv, writeLoad } from '../../helpers/loads.js';

/**
 * Amplification through a list the cost function could not size: one organisation with 1,000
 * pages, and `pages { organisation { pages … } }` asked twice in one request. The list stops at
 * PAGES_PER_ORGANISATION (LIST_TOO_LONG above it) and is costed at that size; every page is
 * reachable through `pagesConnection`, costed by its `first`.
 */
const { pool } = await useTestDatabase();
const BIG = 'museum-kaluga';
const PAGE_COUNT = 1000;
let api: Api;

beforeAll(async () => {
  await loadFixture(pool);
  const pages = Array.from({ length: PAGE_COUNT }, (_, i) => ['VK', `museum_${i}`, BIG, `https://vk.com/museum_${i}`, `Музей ${i}`, 'false', 'ACTIVE']);
  const result = await importFolder(
    pool,
    await writeLoad({ 'pages.csv': csv('platform,external_id,organisation_external_id,url,name,verified,status', pages) }),
  );
  expect(result.errors).toEqual([]);
  api = createTestApi({ edge: { config: { ...readEdgeConfig({}), ratePoints: 0 } } });
}, 60_000);

async function post(query: string): Promise<{ body: string; json: GraphQLResponse }> {
  const response = await api.fetch('http://attacker/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const body = await response.text();
  return { body, json: JSON.parse(body) as GraphQLResponse };
}

const NESTED = `organisation(externalId: "${BIG}") { pages { id organisation { pages { id url name externalId verified status } } } }`;

describe('a list whose length the cost function cannot know', () => {
  it('refuses the nested pages of a 1,000-page organisation, twice in one request, before building the answer', async () => {
    const before = await pool.query('SELECT count(*)::int AS n FROM page');
    const { result, slowestHealthMs } = await whileAttacking(api, () => countStatements(() => post(`{ a: ${NESTED} b: ${NESTED} }`)));
    const { json, body } = result.result;
    expect(json.data).toEqual({ a: null, b: null });
    expect(json.errors?.map((error) => error.extensions?.code)).toEqual(['LIST_TOO_LONG', 'LIST_TOO_LONG']);
    expect(json.errors?.[0].message).toContain('pagesConnection');
    // Nothing of the 1,000 pages was read into the answer: a few hundred bytes, a few statements.
    expect(body.length).toBeLessThan(2_000);
    expect(result.statements).toBeLessThanOrEqual(4);
    // Another client is not kept waiting (it waited 7-9 s before the cap).
    expect(slowestHealthMs).toBeLessThan(1_000);
    expect((await pool.query('SELECT count(*)::int AS n FROM page')).rows).toEqual(before.rows);
  });

  it('costs the list at its cap, so four levels of it are refused before anything runs', async () => {
    const level = (inner: string) => `pages { organisation { ${inner} } }`;
    const deeper = `{ organisation(externalId: "${BIG}") { ${level(level(level('pages { id }')))} } }`;
    const { result, statements } = await countStatements(() => post(deeper));
    expect(result.json.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
    expect(result.json.errors?.[0].extensions?.cost).toBeGreaterThan(PAGES_PER_ORGANISATION ** 3);
    expect(statements).toBe(0);
  });

  it('still lists the pages of an organisation with a handful', async () => {
    const { json } = await post('{ organisation(externalId: "admin-17") { pages { externalId } } }');
    expect(json.errors).toBeUndefined();
    expect(json.data?.organisation.pages.map((page: { externalId: string }) => page.externalId).sort()).toEqual(['adm33', 'adm33tg']);
  });

  it('pages through every one of the 1,000 with pagesConnection, costed by first', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let round = 0; round < 20; round++) {
      const query = `{ organisation(externalId: "${BIG}") { pagesConnection(first: 100${after ? `, after: "${after}"` : ''}) { totalCount pageInfo { hasNextPage endCursor } nodes { externalId } } } }`;
      const { json } = await post(query);
      expect(json.errors).toBeUndefined();
      const connection = json.data?.organisation.pagesConnection;
      expect(connection.totalCount).toBe(PAGE_COUNT + 1);
      seen.push(...connection.nodes.map((node: { externalId: string }) => node.externalId));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(PAGE_COUNT + 1);
    const { json } = await post(`{ organisation(externalId: "${BIG}") { pagesConnection(last: 2) { nodes { externalId } } } }`);
    expect(json.data?.organisation.pagesConnection.nodes).toHaveLength(2);
  });

  it('costs a push payload at the most items a push takes', async () => {
    const { json } = await post('mutation { upsertPages(input: { pages: [] }) { pages { organisation { pages { id } } } } }');
    expect(json.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });
});

describe('the response-size cap, on every transport', () => {
  const LIMIT = 30_000;
  // About 100 × 3 × 120 bytes: above the cap, within the cost limit.
  const slice = (name: string, size: string) => `${name}: pagesConnection(${size}) { nodes { id externalId url name verified status } }`;
  const LARGE = `{ organisation(externalId: "${BIG}") { ${slice('a', 'first: 100')} ${slice('b', 'last: 100')} ${slice('c', 'first: 100, status: ACTIVE')} } }`;
  const ACCEPTS = ['application/json', 'application/graphql-response+json', 'text/event-stream', 'multipart/mixed'];

  for (const accept of ACCEPTS) {
    it(`refuses an answer above the cap with Accept: ${accept}`, async () => {
      const small = createTestApi({ edge: { config: { ...readEdgeConfig({}), ratePoints: 0, maxResponseBytes: LIMIT } } });
      const uncapped = await api.fetch('http://test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: LARGE }),
      });
      const whole = await uncapped.text();
      expect(whole.length, whole.slice(0, 300)).toBeGreaterThan(LIMIT);
      const response = await small.fetch('http://attacker/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept },
        body: JSON.stringify({ query: LARGE }),
      });
      const body = await response.text();
      expect(body).toContain('RESPONSE_TOO_LARGE');
      expect(body).not.toContain('museum_');
      expect(body.length).toBeLessThan(2_000);
      await small.close();
    });
  }

  it('lets an answer under the cap through on a streaming transport', async () => {
    const small = createTestApi({ edge: { config: { ...readEdgeConfig({}), ratePoints: 0, maxResponseBytes: LIMIT } } });
    const response = await small.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: `{ organisation(externalId: "${BIG}") { pagesConnection(first: 3) { nodes { externalId } } } }` }),
    });
    const body = await response.text();
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(body).toContain('museum_');
    await small.close();
  });
});
