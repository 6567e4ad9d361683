import { builder } from '../../builder.js';
import { encodeCursor, type SliceArgs, sliceRange } from './slice.js';

/**
 * Relay connections built from slices (see slice.ts): the edges with their cursors, pageInfo and
 * a totalCount computed only when asked for.
 */

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
 * One slice of a list that is read by position (`read(offset, limit)`) and counted on demand
 * (`count`): reads one row past the slice to learn whether more follow, and counts first only
 * when `last` is given (the end `last` counts back from is the list's end or `before`, whichever
 * comes first: a `before` past the end of the list gives the last items).
 */
export async function sliceByPosition<T>(
  list: string,
  slice: SliceArgs,
  read: (offset: number, limit: number) => Promise<T[]>,
  count: () => Promise<number>,
): Promise<ConnectionResult<T>> {
  const total = once(count);
  const known = slice.last !== null ? await total() : undefined;
  const { start, end } = sliceRange(slice, known);
  const size = end - start;
  // A bounded `before` caps the slice: nothing at or after it shows, whatever the list holds.
  const capped = slice.before !== null && end >= slice.before;
  const rows = size > 0 || (!capped && known === undefined) ? await read(start, size + 1) : [];
  const nodes = rows.slice(0, size);
  const hasNextPage = known !== undefined ? end < known : capped ? true : rows.length > size;
  return connectionResult(list, nodes, start, { hasNextPage }, total);
}

/** One slice of a list whose slice and size a partitioned query computed (`partition.ids`, `partition.total`). */
export function sliceOfPartition<T>(list: string, slice: SliceArgs, total: number, nodes: T[]): ConnectionResult<T> {
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
