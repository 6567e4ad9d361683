import fc from 'fast-check';
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  getNamedType,
  isEnumType,
  isLeafType,
  isNonNullType,
  isObjectType,
  parse,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { operationCost } from '../../../src/modules/edge/cost.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { PAGES_PER_ORGANISATION } from '../../../src/modules/page/limits.js';
import { schema } from '../../../src/schema.js';
import { loadFixture } from '../../fixtures/readApi.js';
import { useTestDatabase } from '../../helpers/database.js';
import { execute } from '../../helpers/executor.js';
import { csv, writeLoad } from '../../helpers/loads.js';

/**
 * The cost function is an upper bound on the objects an answer holds, for random queries over
 * the schema (fast-check picks a seed; the query is built by walking the schema's types from
 * Query, choosing fields, sizes and arguments at random). An organisation holds exactly
 * PAGES_PER_ORGANISATION pages, so the capped list is met at its bound.
 */
const { pool } = await useTestDatabase();

beforeAll(async () => {
  await loadFixture(pool);
  const pages = Array.from({ length: PAGES_PER_ORGANISATION - 1 }, (_, i) => [
    'OK',
    `kaluga_${i}`,
    'museum-kaluga',
    `https://ok.ru/kaluga_${i}`,
    `Музей ${i}`,
    'true',
    'ACTIVE',
  ]);
  const result = await importFolder(
    pool,
    await writeLoad({ 'pages.csv': csv('platform,external_id,organisation_external_id,url,name,verified,status', pages) }),
  );
  expect(result.errors).toEqual([]);
});

/** A small seeded generator (mulberry32), so fast-check's seed decides the whole query and shrinks it. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (max: number) => Math.floor(next() * (max + 1)), pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] };
}
type Random = ReturnType<typeof random>;

/** A value for an argument the walk knows how to fill, or undefined (the field is then left out when the argument is required). */
function argumentValue(arg: GraphQLArgument, rnd: Random): string | undefined {
  const values: Record<string, () => string> = {
    first: () => String(rnd.int(4)),
    last: () => String(rnd.int(4)),
    code: () => JSON.stringify(rnd.pick(['RU', '17000000', '17646000', '29000000'])),
    externalId: () => JSON.stringify(rnd.pick(['admin-17', 'museum-kaluga', 'school-petushki-1'])),
    platform: () => '"VK"',
    from: () => JSON.stringify(rnd.pick(['2025-03-01', '2025-01-01'])),
    to: () => JSON.stringify(rnd.pick(['2025-04-30', '2025-06-30'])),
    interval: () => rnd.pick(['DAY', 'WEEK', 'MONTH']),
    required: () => '["VK", "OK"]',
    within: () => '"17000000"',
  };
  const make = values[arg.name];
  if (make) return make();
  const type = isNonNullType(arg.type) ? arg.type.ofType : (arg.type as GraphQLInputType);
  if (isEnumType(type) && isNonNullType(arg.type)) return rnd.pick(type.getValues()).name;
  return undefined;
}

function fieldArguments(field: GraphQLField<unknown, unknown>, rnd: Random): string | null {
  const parts: string[] = [];
  for (const arg of field.args) {
    const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
    if (!required && rnd.next() < 0.6) continue;
    if (arg.name === 'last' && parts.some((part) => part.startsWith('first'))) continue;
    if (arg.name === 'first' && parts.some((part) => part.startsWith('last'))) continue;
    const value = argumentValue(arg, rnd);
    if (value === undefined) {
      if (required) return null;
      continue;
    }
    parts.push(`${arg.name}: ${value}`);
  }
  return parts.length ? `(${parts.join(', ')})` : '';
}

/** A selection set on `type`, at most `depth` levels deep. */
function selection(type: GraphQLObjectType, depth: number, rnd: Random): string {
  const fields = Object.values(type.getFields()).filter(
    (field) => !field.name.startsWith('__') && !['node', 'nodes', 'load', 'loads', 'viewer'].includes(field.name),
  );
  const leaves = fields.filter((field) => isLeafType(getNamedType(field.type)));
  const objects = fields.filter((field) => isObjectType(getNamedType(field.type)));
  const chosen: string[] = [];
  if (leaves.length) chosen.push(rnd.pick(leaves).name);
  const count = depth > 0 ? rnd.int(Math.min(3, objects.length)) : 0;
  for (let i = 0; i < count; i++) {
    const field = rnd.pick(objects);
    const args = fieldArguments(field, rnd);
    if (args === null) continue;
    chosen.push(`f${i}: ${field.name}${args} { ${selection(getNamedType(field.type) as GraphQLObjectType, depth - 1, rnd)} }`);
  }
  if (!chosen.length) chosen.push('__typename');
  return chosen.join(' ');
}

/** Objects in an answer: every JSON object below `data` (a list's items each count). */
function objects(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + objects(item), 0);
  if (value === null || typeof value !== 'object') return 0;
  return 1 + Object.values(value).reduce((sum: number, item) => sum + objects(item), 0);
}

describe('the cost function', () => {
  it('is an upper bound on the objects returned, for random queries over the schema', async () => {
    const query = schema.getQueryType()!;
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer(), async (seed) => {
        const rnd = random(seed);
        const text = `{ ${selection(query, 4, rnd)} }`;
        const cost = operationCost(schema, parse(text), {}, undefined, {});
        const response = await execute(text);
        if (response.data) answered++;
        const returned = objects(response.data ?? null) - (response.data ? 1 : 0);
        expect(returned, text).toBeLessThanOrEqual(cost);
      }),
      { numRuns: 150 },
    );
    expect(answered).toBeGreaterThan(100);
  }, 120_000);
});
