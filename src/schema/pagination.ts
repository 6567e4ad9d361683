import { builder } from '../builder.js';
import type { SliceArgs } from '../db/sql/tree.js';
import { badInput } from './errors.js';

/**
 * Relay connections by position. A cursor is an opaque token holding the position of an item in
 * its ordered list and the name of the list it came from; lists are ordered with a unique
 * tie-breaker (the id), so a position names one item as long as the data does not change
 * between requests (data changes come in daily loads). Position cursors work for every order,
 * including computed ones (relevance, subscribers), and make `last`/`before` as cheap as
 * `first`/`after`.
 */

/** Page size when neither `first` nor `last` is given. */
export const DEFAULT_PAGE_SIZE = 20;
/** Largest `first` or `last`. */
export const MAX_PAGE_SIZE = 100;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

const CURSOR_VERSION = 'c1';

export function encodeCursor(list: string, position: number): string {
  return Buffer.from(`${CURSOR_VERSION}:${list}:${position}`).toString('base64url');
}

function decodeCursor(list: string, cursor: string, argument: 'after' | 'before'): number {
  const decoded = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString() : '';
  const match = /^c1:([a-z-]+):(\d{1,9})$/.exec(decoded);
  if (!match || match[1] !== list) {
    throw badInput(
      `${argument}: "${cursor.slice(0, 60)}" is not a cursor of this list. Pass an edge \`cursor\`, \`pageInfo.endCursor\` or \`pageInfo.startCursor\` returned by this same field, or omit ${argument} to start from the ${argument === 'after' ? 'beginning' : 'end'}.`,
      argument,
    );
  }
  return Number(match[2]);
}

function checkSize(value: number | null | undefined, argument: 'first' | 'last'): number | null {
  if (value == null) return null;
  if (value < 0 || value > MAX_PAGE_SIZE) {
    throw badInput(
      `${argument} must be between 0 and ${MAX_PAGE_SIZE} (got ${value}). Ask for at most ${MAX_PAGE_SIZE} items and page on with ${argument === 'first' ? '`after: pageInfo.endCursor`' : '`before: pageInfo.startCursor`'}.`,
      argument,
    );
  }
  return value;
}

/**
 * The slice a connection's arguments ask for, validated: `first`/`last` within 0..100 (default
 * `first: 20`), not both, and cursors of this list. Throws BAD_USER_INPUT otherwise.
 */
export function sliceArgs(list: string, args: ConnectionArgs): SliceArgs {
  let first = checkSize(args.first, 'first');
  const last = checkSize(args.last, 'last');
  if (first !== null && last !== null) {
    throw badInput('Pass either first (with after) to page forwards or last (with before) to page backwards, not both.', 'last');
  }
  if (first === null && last === null) first = DEFAULT_PAGE_SIZE;
  const from = args.after == null ? 0 : decodeCursor(list, args.after, 'after') + 1;
  const before = args.before == null ? null : decodeCursor(list, args.before, 'before');
  return { from, before, first, last };
}

/**
 * The positions shown, [start, end), once the list size is known (`total`); with `total`
 * unknown, `end` may be Infinity only when `last` is absent (the callers then read one row past
 * the page to learn whether more follow).
 */
export function sliceRange(slice: SliceArgs, total = Infinity): { start: number; end: number } {
  let end = slice.before === null ? total : Math.min(slice.before, total);
  if (slice.first !== null) end = Math.min(end, slice.from + slice.first);
  const start = slice.last === null ? slice.from : Math.max(slice.from, end - slice.last);
  return { start, end: Math.max(start, end) };
}

/** The object a connection field resolves to (see `connectionType`). */
export interface ConnectionResult<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  /** The size of the whole list; computed only when asked for. */
  totalCount: () => Promise<number>;
}

/** A connection from the nodes at positions start.. of list `list`. */
export function connectionResult<T>(
  list: string,
  nodes: T[],
  start: number,
  more: { hasNextPage: boolean },
  totalCount: () => Promise<number>,
): ConnectionResult<T> {
  const edges = nodes.map((node, i) => ({ cursor: encodeCursor(list, start + i), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: more.hasNextPage,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}

/** Memoises an async computation (a count asked for by `totalCount` and by the paging itself). */
export function once<T>(compute: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => (promise ??= compute());
}

/**
 * One page of a list that is read by position (`read(offset, limit)`) and counted on demand
 * (`count`): reads one row past the page to learn whether more follow, and counts first only
 * when `last` is given without `before`.
 */
export async function pageByPosition<T>(
  list: string,
  slice: SliceArgs,
  read: (offset: number, limit: number) => Promise<T[]>,
  count: () => Promise<number>,
): Promise<ConnectionResult<T>> {
  const total = once(count);
  const known = slice.last !== null && slice.before === null ? await total() : undefined;
  const { start, end } = sliceRange(slice, known);
  const size = end - start;
  // A bounded `before` caps the page: nothing at or after it shows, whatever the list holds.
  const capped = slice.before !== null && end >= slice.before;
  const rows = size > 0 || (!capped && known === undefined) ? await read(start, size + 1) : [];
  const nodes = rows.slice(0, size);
  const hasNextPage = known !== undefined ? end < known : capped ? true : rows.length > size;
  return connectionResult(list, nodes, start, { hasNextPage }, total);
}

/** One page of a list whose slice and size a partitioned query computed (`page.ids`, `page.total`). */
export function pageOfPartition<T>(list: string, slice: SliceArgs, total: number, nodes: T[]): ConnectionResult<T> {
  const { start, end } = sliceRange(slice, total);
  return connectionResult(list, nodes, start, { hasNextPage: end < total }, () => Promise.resolve(total));
}

/**
 * `<Name>Connection` and `<Name>Edge` for a node type: edges, nodes, pageInfo and totalCount.
 * Resolve connection fields with a `ConnectionResult`.
 */
export function connectionType(type: Parameters<typeof builder.connectionObject>[0]['type'], name: string, plural: string) {
  return builder.connectionObject(
    {
      type,
      name: `${name}Connection`,
      description: `A page of ${plural}, with cursors to fetch the next or previous page and the size of the whole list.`,
      fields: (t) => ({
        totalCount: t.int({
          description: `How many ${plural} the whole list holds (every page together), whatever \`first\`/\`last\` ask for.`,
          resolve: (parent) => (parent as unknown as ConnectionResult<unknown>).totalCount(),
        }),
      }),
    },
    { name: `${name}Edge`, description: `One of the ${plural} of a page, with its cursor.` },
  );
}
