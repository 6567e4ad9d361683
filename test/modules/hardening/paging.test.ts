import { encodeGlobalID } from '@pothos/plugin-relay';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { sliceByPosition } from '../../../src/modules/common/connection.js';
import { decodeCursor, encodeCursor, MAX_SLICE_SIZE, sliceArgs } from '../../../src/modules/common/slice.js';
import { loadFixture } from '../../fixtures/readApi.js';
import { useTestDatabase } from '../../helpers/database.js';
import { data, execute } from '../../helpers/executor.js';

/**
 * Cursors and node ids, as properties (fast-check): any slice of any list, asked by any
 * arguments (cursors past either end included), shows what Relay's algorithm over positions
 * shows; cursors and global ids round-trip. `territories(last: 2, before:)` with a cursor past
 * the end used to answer an empty page instead of the last two.
 */
const { pool } = await useTestDatabase();

beforeAll(async () => {
  await loadFixture(pool);
});

/** Relay's algorithm over positions: after < p < before, then the first or last few. */
function reference(size: number, args: { first?: number; after?: number; last?: number; before?: number }): number[] {
  let positions = Array.from({ length: size }, (_, p) => p).filter(
    (p) => (args.after === undefined || p > args.after) && (args.before === undefined || p < args.before),
  );
  if (args.first !== undefined) positions = positions.slice(0, args.first);
  if (args.last !== undefined) positions = positions.slice(Math.max(0, positions.length - args.last));
  return positions;
}

const size = fc.integer({ min: 0, max: 60 });
const position = fc.integer({ min: 0, max: 80 }); // past the end as often as not
const amount = fc.integer({ min: 0, max: MAX_SLICE_SIZE });
const forwards = fc.record({ first: amount, after: fc.option(position, { nil: undefined }) });
const backwards = fc.record({ last: amount, before: fc.option(position, { nil: undefined }) }, { requiredKeys: ['last'] });

describe('slices by position', () => {
  it('show what Relay’s algorithm shows, for any list and any arguments', async () => {
    await fc.assert(
      fc.asyncProperty(size, fc.oneof(forwards, backwards), async (n, args) => {
        const list = Array.from({ length: n }, (_, p) => p);
        const slice = sliceArgs('territories', {
          first: 'first' in args ? args.first : undefined,
          last: 'last' in args ? args.last : undefined,
          after: 'after' in args && args.after !== undefined ? encodeCursor('territories', args.after) : undefined,
          before: 'before' in args && args.before !== undefined ? encodeCursor('territories', args.before) : undefined,
        });
        const result = await sliceByPosition(
          'territories',
          slice,
          async (offset, limit) => list.slice(offset, offset + limit),
          async () => n,
        );
        const expected = reference(n, args);
        expect(result.edges.map((edge) => edge.node)).toEqual(expected);
        // Every cursor names its item's position.
        for (const edge of result.edges) expect(decodeCursor('territories', edge.cursor, 'after')).toBe(edge.node);
        if (expected.length > 0) expect(result.pageInfo.hasPreviousPage).toBe(expected[0] > 0);
        if ('first' in args) {
          // Forwards: more follow when one more item would show.
          expect(result.pageInfo.hasNextPage).toBe(reference(n, { after: args.after, first: args.first + 1 }).length > args.first);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('round-trip cursors of any list and position, and refuse any other text', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z-]{0,30}$/), fc.integer({ min: 0, max: 999_999_999 }), (list, at) => {
        expect(decodeCursor(list, encodeCursor(list, at), 'after')).toBe(at);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        let position: number | undefined;
        try {
          position = decodeCursor('territories', text, 'before');
        } catch (error) {
          expect((error as { extensions?: { code?: string } }).extensions?.code).toBe('BAD_USER_INPUT');
          return;
        }
        expect(encodeCursor('territories', position)).toBe(text);
      }),
    );
  });
});

describe('backward paging over the API', () => {
  it('territories(last: 2, before: a cursor past the end) answers the last two', async () => {
    const all = (await data('{ territories(first: 100) { nodes { code } } }')).territories.nodes.map((node: { code: string }) => node.code);
    expect(all.length).toBeGreaterThan(2);
    for (const past of [all.length, all.length + 1, 10_000]) {
      const answer = await data('query ($before: String) { territories(last: 2, before: $before) { nodes { code } pageInfo { hasPreviousPage } } }', {
        before: encodeCursor('territories', past),
      });
      expect(answer.territories.nodes.map((node: { code: string }) => node.code)).toEqual(all.slice(-2));
      expect(answer.territories.pageInfo.hasPreviousPage).toBe(true);
    }
    const children = await data(
      '{ territory(code: "17000000") { children(last: 1, before: "YzE6Y2hpbGRyZW46OTk5") { nodes { code } } all: children { nodes { code } } } }',
    );
    expect(children.territory.children.nodes).toEqual(children.territory.all.nodes.slice(-1));
  });
});

describe('node ids', () => {
  it('round-trip: the global id of any territory finds it; any other text is null, never an error', async () => {
    const rows = (await pool.query<{ id: number; code: string }>('SELECT id, code FROM territory')).rows;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...rows), async (row) => {
        const answer = await data('query ($id: ID!) { node(id: $id) { id ... on Territory { code } } }', { id: encodeGlobalID('Territory', row.id) });
        expect(answer.node).toEqual({ id: encodeGlobalID('Territory', row.id), code: row.code });
      }),
      { numRuns: 20 },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 60 }), fc.base64String({ maxLength: 60 })), async (text) => {
        const answer = await execute('query ($id: ID!) { node(id: $id) { id } }', { id: text });
        expect(answer.errors).toBeUndefined();
        expect(answer.data?.node === null || typeof answer.data?.node?.id === 'string').toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});
