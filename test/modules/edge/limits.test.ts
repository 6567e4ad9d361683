import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { readEdgeConfig } from '../../../src/modules/edge/config.js';
import { historyPoints, operationCost } from '../../../src/modules/edge/cost.js';
import { PAGES_PER_ORGANISATION } from '../../../src/modules/page/limits.js';
import { schema } from '../../../src/schema.js';
import type { Api } from '../../../src/yoga.js';
import { loadFixture } from '../../fixtures/readApi.js';
import { useTestDatabase } from '../../helpers/database.js';
import { countStatements, createTestApi, type GraphQLResponse } from '../../helpers/executor.js';

const { pool } = await useTestDatabase();
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const defaults = readEdgeConfig({});
let api: Api;

beforeAll(async () => {
  await loadFixture(pool);
  // The defaults, as a server with no limit variables set has them (no rate limit: not tested here).
  api = createTestApi({ edge: { config: { ...defaults, ratePoints: 0 } } });
});

async function post(query: string, variables: Record<string, unknown> = {}, operationName?: string): Promise<GraphQLResponse> {
  const response = await api.fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables, operationName }),
  });
  return (await response.json()) as GraphQLResponse;
}

/** A refusal: one QUERY_TOO_COMPLEX error, no data, no SQL statement, answered quickly. */
async function refused(query: string, variables: Record<string, unknown> = {}, operationName?: string) {
  const started = performance.now();
  const { result, statements } = await countStatements(() => post(query, variables, operationName));
  const ms = performance.now() - started;
  expect(result.errors, JSON.stringify(result)).toHaveLength(1);
  expect(result.errors![0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
  expect(result.data ?? null).toBeNull();
  expect(statements).toBe(0);
  expect(ms).toBeLessThan(500);
  return result.errors![0];
}

/** Variables that make every example and benchmark operation run (the widest the runner uses). */
const VARIABLES: Record<string, unknown> = {
  code: '17000000',
  from: '2026-08-28',
  to: '2026-11-25',
  search: 'петушин',
  externalId: 'admin-17',
  id: 'x',
};

function operationsIn(dir: string): { file: string; name: string; text: string }[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .flatMap((file) => {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      return parse(text)
        .definitions.filter((d) => d.kind === 'OperationDefinition')
        .map((d) => ({ file, name: (d as { name?: { value: string } }).name!.value, text }));
    });
}

describe('limits before execution', () => {
  it('allow every operation of examples/ and bench/queries/ with the default limits', async () => {
    const operations = [...operationsIn(path.join(ROOT, 'examples')), ...operationsIn(path.join(ROOT, 'bench/queries'))];
    expect(operations.length).toBeGreaterThanOrEqual(10);
    for (const { file, name, text } of operations) {
      const declared = new Set([...text.matchAll(/\$(\w+)\s*:/g)].map((m) => m[1]));
      const variables = Object.fromEntries(Object.entries(VARIABLES).filter(([key]) => declared.has(key)));
      const cost = operationCost(schema, parse(text), variables, name, {});
      expect(cost, `${file} ${name}`).toBeLessThanOrEqual(defaults.maxCost);
      const response = await post(text, variables, name);
      const codes = (response.errors ?? []).map((e) => e.extensions?.code);
      expect(codes, `${file} ${name}: ${JSON.stringify(response.errors)}`).not.toContain('QUERY_TOO_COMPLEX');
      expect(response.extensions?.cost, file).toEqual({ requested: cost, limit: defaults.maxCost });
    }
  });

  it('counts a list by its first/last, a history by its points, with the variables of the request', async () => {
    const query = 'query NestedChildren($n: Int) { territories(first: $n) { nodes { code children(first: $n) { nodes { code parent { code } } } } } }';
    // 1 (connection) + n × (1 territory + 1 children connection + n × (1 child + 1 parent))
    expect(operationCost(schema, parse(query), { n: 5 }, undefined, {})).toBe(1 + 5 * (2 + 5 * 2));
    // Costs are remembered per document object: the same object with other variables costs anew.
    const document = parse(query);
    for (const n of [5, 6, 5, 100, 6]) expect(operationCost(schema, document, { n }, undefined, {})).toBe(1 + n * (2 + n * 2));
    // Variables JSON cannot write are costed, not remembered.
    expect(operationCost(schema, document, { n: 5, x: 1n }, undefined, {})).toBe(1 + 5 * (2 + 5 * 2));
    expect((await post(query, { n: 5 })).errors).toBeUndefined();
    // The same document (validated once, cached by Yoga) with a larger variable is refused.
    const error = await refused(query, { n: 100 });
    expect(error.extensions).toMatchObject({ cost: 1 + 100 * (2 + 100 * 2), limit: defaults.maxCost });
    expect(error.message).toContain('cost');
    expect(historyPoints('2026-01-01', '2026-01-31', 'DAY')).toBe(31);
    expect(historyPoints('2026-01-01', '2026-12-31', 'WEEK')).toBe(54);
    expect(historyPoints('2024-01-01', '2026-12-30', 'DAY')).toBe(1095);
    const histories = `{ territories(first: 20) { nodes { history(from: "2024-01-01", to: "2026-12-30") { date } } } }`;
    expect((await refused(histories)).extensions?.cost).toBe(1 + 20 * (1 + 1095));
  });

  it('cannot be bypassed with fragment spreads, inline fragments or nested fragments', async () => {
    const spread = `
      fragment Kids on Territory { children(first: 100) { nodes { ...Leaf } } }
      fragment Leaf on Territory { code parent { code } }
      { territories(first: 100) { nodes { ...Kids } } }`;
    const inline = '{ territories(first: 100) { nodes { ... on Territory { children(first: 100) { nodes { ... { code parent { code } } } } } } } }';
    // 1 (connection) + 100 × (1 nodes + 1 children + 100 × (1 nodes + 1 parent))
    const expected = 1 + 100 * (2 + 100 * 2);
    expect((await refused(spread)).extensions?.cost).toBe(expected);
    expect((await refused(inline)).extensions?.cost).toBe(expected);
    // A fragment spread twice is counted twice.
    const twice = `fragment F on Territory { children(first: 100) { nodes { code } } }
      { territories(first: 50) { nodes { ...F ... on Territory { again: children(first: 100) { nodes { code } } } } } }`;
    expect((await refused(twice)).extensions?.cost).toBe(1 + 50 * (1 + 2 * (1 + 100)));
  });

  it('counts every alias: many cheap-looking aliases add up', async () => {
    const one = 'a0: territories(first: 100) { nodes { children(first: 25) { nodes { code } } } }';
    expect((await post(`{ ${one} }`)).errors).toBeUndefined();
    const three = [0, 1, 2, 3].map((i) => one.replace('a0', `a${i}`)).join(' ');
    expect((await refused(`{ ${three} }`)).extensions?.cost).toBe(4 * (1 + 100 * (2 + 25)));
  });

  it('costs the operation that runs, not the first one of the document', async () => {
    const document = `query Cheap { platforms { code } }
      query Dear { territories(first: 100) { nodes { children(first: 100) { nodes { code } } } } }`;
    expect((await post(document, {}, 'Cheap')).errors).toBeUndefined();
    await refused(document, {}, 'Dear');
  });

  it('limit aliases, depth (fragments flattened), tokens and directives, each as QUERY_TOO_COMPLEX', async () => {
    const aliases = `{ ${Array.from({ length: defaults.maxAliases + 1 }, (_, i) => `p${i}: platforms { code }`).join(' ')} }`;
    expect((await refused(aliases)).extensions).toMatchObject({ rule: 'aliases', limit: defaults.maxAliases });

    const nest = (levels: number) => `{ territory(code: "17646101001") { ${'parent { '.repeat(levels)}code${' }'.repeat(levels)} } }`;
    expect((await post(nest(defaults.maxDepth - 2))).errors).toBeUndefined();
    expect((await refused(nest(defaults.maxDepth + 1))).extensions).toMatchObject({ rule: 'depth', limit: defaults.maxDepth });
    const fragments = Array.from(
      { length: defaults.maxDepth + 1 },
      (_, i) => `fragment F${i} on Territory { parent { ${i === defaults.maxDepth ? 'code' : `...F${i + 1}`} } }`,
    );
    expect((await refused(`${fragments.join('\n')}\n{ territory(code: "RU") { ...F0 } }`)).extensions).toMatchObject({ rule: 'depth' });

    const tokens = `{ platforms { ${'code '.repeat(defaults.maxTokens)} } }`;
    expect((await refused(tokens)).extensions).toMatchObject({ rule: 'tokens', limit: defaults.maxTokens });

    const directives = `{ platforms { ${Array.from({ length: defaults.maxDirectives + 1 }, (_, i) => `c${i}: code @include(if: true)`).join(' ')} } }`;
    expect((await refused(directives)).extensions).toMatchObject({ rule: 'directives', limit: defaults.maxDirectives });
  });

  it('refuses anything that could return more than about ten thousand objects', async () => {
    const big = '{ organisations(first: 100) { nodes { pages { history(from: "2026-01-01", to: "2026-01-10") { date } } } } }';
    expect((await refused(big)).extensions?.cost).toBeGreaterThan(10_000);
    const nodes = `{ nodes(ids: [${Array.from({ length: 100 }, (_, i) => `"x${i}"`).join(',')}]) { id } }`;
    expect(operationCost(schema, parse(nodes), {}, undefined, {})).toBe(100);
    // 1 + 100 × (1 nodes + PAGES_PER_ORGANISATION pages + PAGES_PER_ORGANISATION × 10 points)
    expect((await refused(big)).extensions?.cost).toBe(1 + 100 * (1 + PAGES_PER_ORGANISATION + PAGES_PER_ORGANISATION * 10));
  });

  it('are configurable', async () => {
    const strict = createTestApi({ edge: { config: { ...defaults, maxCost: 3, ratePoints: 0 } } });
    const response = await strict.fetch('http://test/graphql?query={platforms{code}sectors{code}}');
    const body = (await response.json()) as GraphQLResponse;
    expect(body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: 20, limit: 3 });
    await strict.close();
  });
});
