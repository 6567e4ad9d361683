import { Prisma } from '../../generated/prisma/client.js';
import type { SliceArgs } from './slice.js';

/**
 * SQL pieces shared by the list statements of several modules: a list below many parents at
 * once is one statement for all parents, numbered per parent with window functions; these
 * keep the rows of each parent's slice.
 */

const { sql, join } = Prisma;

/** A slice of one partition (one parent's list): every id in the slice, in order, and how many rows the whole list has. */
export interface PartitionSlice {
  total: number;
  ids: number[];
}

export type Direction = 'ASC' | 'DESC';

/** The conditions joined with AND (TRUE when there are none). */
export function and(conditions: Prisma.Sql[]): Prisma.Sql {
  return conditions.length ? join(conditions, ' AND ') : sql`TRUE`;
}

/**
 * Rows of `ranked` (columns anchor, id, idx, total) inside the slice. The end of the range depends
 * on each partition's total (`last` without `before` counts back from the end), so it is
 * computed per row; LEAST and GREATEST ignore the NULLs of absent arguments.
 */
export function inSlice(slice: SliceArgs): Prisma.Sql {
  const end = sql`LEAST(total, ${slice.before}::int, ${slice.first === null ? null : slice.from + slice.first}::int)`;
  return sql`idx >= GREATEST(${slice.from}::int, ${end} - ${slice.last}::int) AND idx < ${end}`;
}

/** Collects `anchor, total, ids` rows into slices keyed by anchor. */
export function byAnchor(rows: { anchor: number; total: number; ids: number[] }[]): Map<number, PartitionSlice> {
  return new Map(rows.map((row) => [row.anchor, { total: row.total, ids: row.ids }]));
}
