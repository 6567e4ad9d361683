import { beforeAll, describe, expect, it } from 'vitest';
import { readEdgeConfig } from '../../../src/modules/edge/config.js';
import { ORGANISATION_SEARCH_COST } from '../../../src/modules/edge/cost.js';
import type { Api } from '../../../src/yoga.js';
import { loadFixture } from '../../fixtures/readApi.js';
import { leaksInternals, whileAttacking } from '../../helpers/attack.js';
import { useTestDatabase } from '../../helpers/database.js';
import { countStatements, createTestApi, type GraphQLResponse } from '../../helpers/executor.js';

/**
 * Wildcard-only and very short search terms: they would read every name of the table (the
 * trigram index needs 3 letters or digits in a row); 30 of them in one request took 2-3 s and
 * starved the pool. Each is refused as BAD_USER_INPUT before any statement runs.
 */
const { pool } = await useTestDatabase();
let api: Api;

beforeAll(async () => {
  await loadFixture(pool);
  api = createTestApi({ edge: { config: { ...readEdgeConfig({}), ratePoints: 0 } } });
});

const TERMS = [
  '%',
  '_',
  '%%',
  '__',
  '%_%',
  '\\%',
  'а',
  'ab',
  'я%',
  '1',
  '12',
  '..',
  '%%%%',
  '____',
  ' % ',
  '-',
  '*',
  '?',
  '«»',
  'д к',
  'a_b',
  '%a%',
  'ё',
  'x%y',
  '1 2',
  '(%)',
  '%25',
  '::',
  'ab cd',
  '_%_%_',
];

async function post(query: string): Promise<GraphQLResponse> {
  const response = await api.fetch('http://attacker/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const body = await response.text();
  expect(leaksInternals(body)).toBe(false);
  return JSON.parse(body) as GraphQLResponse;
}

describe('search terms that would scan whole tables', () => {
  it('refuses 30 wildcard-only and short terms in one request, before any statement', async () => {
    expect(TERMS).toHaveLength(30);
    const fields = TERMS.map((term, i) =>
      i % 2 === 0
        ? `t${i}: territories(filter: { search: ${JSON.stringify(term)} }, first: 1) { totalCount }`
        : `o${i}: organisations(filter: { search: ${JSON.stringify(term)} }, first: 1) { totalCount }`,
    );
    const { result, slowestHealthMs } = await whileAttacking(api, () => countStatements(() => post(`{ ${fields.join(' ')} }`)));
    // The lists are non-null: the first refusal nulls the whole answer.
    expect(result.result.data ?? null).toBeNull();
    expect(result.result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.search' });
    expect(result.statements).toBe(0);
    expect(slowestHealthMs).toBeLessThan(1_000);
  });

  it('refuses each of them on its own, with a message saying what to send', async () => {
    for (const term of TERMS) {
      const { result, statements } = await countStatements(() => post(`{ organisations(filter: { search: ${JSON.stringify(term)} }) { totalCount } }`));
      expect(result.errors, term).toHaveLength(1);
      expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0].message).toMatch(/at least 3 letters or digits in a row/);
      expect(statements).toBe(0);
    }
  });

  it('still searches by a partial word of 3 letters, with short words and wildcards beside it', async () => {
    const names = async (term: string) => {
      const response = await post(`{ territories(filter: { search: ${JSON.stringify(term)} }) { nodes { name } } }`);
      expect(response.errors).toBeUndefined();
      return response.data?.territories.nodes.map((node: { name: string }) => node.name);
    };
    expect(await names('пет')).toContain('Петушки');
    expect(await names('г петушки')).toContain('Город Петушки');
    expect(await names('100%_')).toEqual([]); // wildcards are literal characters
  });
});

describe('organisation searches, which read every name holding the term', () => {
  // Review: 30 aliased `organisations(filter: { search }) { totalCount }` cost 30 points and took
  // 5 s of database time at the national scale (another client's query waited 2 s).
  const searches = (count: number) =>
    `{ ${Array.from({ length: count }, (_, i) => `o${i}: organisations(filter: { search: "школ${i}" }) { totalCount }`).join(' ')} }`;

  it('cost what they read: 30 in one request are refused before any statement, with another client fast', async () => {
    const { result, slowestHealthMs } = await whileAttacking(api, () => countStatements(() => post(searches(30))));
    expect(result.result.data ?? null).toBeNull();
    expect(result.result.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: 30 * (1 + ORGANISATION_SEARCH_COST) });
    expect(result.statements).toBe(0);
    expect(slowestHealthMs).toBeLessThan(1_000);
  });

  it('still answer one at a time, and say their cost; a territory search and a blank term add nothing', async () => {
    const one = await post(searches(1));
    expect(one.errors).toBeUndefined();
    expect(one.extensions?.cost).toMatchObject({ requested: 1 + ORGANISATION_SEARCH_COST });
    const territories = await post('{ territories(filter: { search: "пет" }) { totalCount } }');
    expect(territories.extensions?.cost).toMatchObject({ requested: 1 });
    const blank = await post('{ organisations(filter: { search: "  " }) { totalCount } }');
    expect(blank.extensions?.cost).toMatchObject({ requested: 1 });
  });
});
