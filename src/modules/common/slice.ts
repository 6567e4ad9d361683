import { badUserInput } from './errors.js';

/**
 * Slices of Relay connections, by position. A cursor is an opaque token holding the position of an item in
 * its ordered list and the name of the list it came from; lists are ordered with a unique
 * tie-breaker (the id), so a position names one item as long as the data does not change
 * between requests (data changes come in daily loads). Position cursors work for every order,
 * including computed ones (relevance, subscribers), and make `last`/`before` as cheap as
 * `first`/`after`.
 */

/** Slice size when neither `first` nor `last` is given. */
export const DEFAULT_SLICE_SIZE = 20;
/** Largest `first` or `last`. */
export const MAX_SLICE_SIZE = 100;

/** Which positions of an ordered list a slice shows (Relay's algorithm, by position). */
export interface SliceArgs {
  /** First position that may show (one past the `after` cursor). */
  from: number;
  /** Position of the `before` cursor (shown positions are below it), or null. */
  before: number | null;
  /** Show at most this many from the start of the range, or null. */
  first: number | null;
  /** Show at most this many from the end of the range, or null. */
  last: number | null;
}

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

export function decodeCursor(list: string, cursor: string, argument: 'after' | 'before'): number {
  const decoded = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString() : '';
  const match = /^c1:([a-z-]+):(\d{1,9})$/.exec(decoded);
  if (!match || match[1] !== list) {
    throw badUserInput(
      `${argument}: "${cursor.slice(0, 60)}" is not a cursor of this list. Pass an edge \`cursor\`, \`pageInfo.endCursor\` or \`pageInfo.startCursor\` returned by this same field, or omit ${argument} to start from the ${argument === 'after' ? 'beginning' : 'end'}.`,
      argument,
    );
  }
  return Number(match[2]);
}

function checkSize(value: number | null | undefined, argument: 'first' | 'last'): number | null {
  if (value == null) return null;
  if (value < 0 || value > MAX_SLICE_SIZE) {
    throw badUserInput(
      `${argument} must be between 0 and ${MAX_SLICE_SIZE} (got ${value}). Ask for at most ${MAX_SLICE_SIZE} items and page on with ${argument === 'first' ? '`after: pageInfo.endCursor`' : '`before: pageInfo.startCursor`'}.`,
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
    throw badUserInput('Pass either first (with after) to page forwards or last (with before) to page backwards, not both.', 'last');
  }
  if (first === null && last === null) first = DEFAULT_SLICE_SIZE;
  const from = args.after == null ? 0 : decodeCursor(list, args.after, 'after') + 1;
  const before = args.before == null ? null : decodeCursor(list, args.before, 'before');
  return { from, before, first, last };
}

/**
 * The positions shown, [start, end), once the list size is known (`total`); with `total`
 * unknown, `end` may be Infinity only when `last` is absent (the callers then read one row past
 * the slice to learn whether more follow).
 */
export function sliceRange(slice: SliceArgs, total = Infinity): { start: number; end: number } {
  let end = slice.before === null ? total : Math.min(slice.before, total);
  if (slice.first !== null) end = Math.min(end, slice.from + slice.first);
  const start = slice.last === null ? slice.from : Math.max(slice.from, end - slice.last);
  return { start, end: Math.max(start, end) };
}
