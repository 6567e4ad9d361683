import { prisma } from '../../db/prisma.js';
import { query } from '../../db/sql.js';
import type { Territory } from '../../generated/prisma/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { SliceArgs } from '../common/slice.js';
import { and, byAnchor, type Direction, inSlice, type PartitionSlice } from '../common/sliceSql.js';
import { type SearchSpec, searchCloseness, searchedRows, searchTier } from '../search/rank.js';

/**
 * The territory lists: which territories a list holds, in which order, and which slice of it
 * is shown. Each statement returns ids (the rows themselves are then read by Prisma with the
 * GraphQL selection); the children of many parents are one statement for all of them.
 * Paging is by position in the ordered list (0-based); see src/modules/common/slice.ts.
 */

const { sql, empty } = Prisma;

export type TerritoryOrderField = 'NAME' | 'CODE' | 'SUBSCRIBERS' | 'RELEVANCE';

export interface TerritoryConditions {
  levels?: string[];
  /** The subtree of this code, itself included (an unknown code matches nothing). */
  withinCode?: string;
  /** The direct children of this code (an unknown code matches nothing). */
  parentCode?: string;
  search?: SearchSpec;
}

export interface TerritoryOrder {
  field: TerritoryOrderField;
  direction: Direction;
}

function territoryWhere(c: TerritoryConditions): Prisma.Sql[] {
  // Lists hold current territories only: a retired one is reached by its code or id alone.
  const where: Prisma.Sql[] = [sql`t.status = 'ACTIVE'`];
  if (c.levels?.length) where.push(sql`t.level = ANY(${c.levels}::"TerritoryLevel"[])`);
  // path holds the ids from the root down to the row itself: containing X's id = X's subtree.
  if (c.withinCode !== undefined) where.push(sql`t.path @> ARRAY[(SELECT id FROM territory WHERE code = ${c.withinCode})]`);
  if (c.parentCode !== undefined) where.push(sql`t.parent_id = (SELECT id FROM territory WHERE code = ${c.parentCode})`);
  return where;
}

/** The territories matching `c`, as a FROM item aliased `t`. */
function territorySource(c: TerritoryConditions): Prisma.Sql {
  const where = and(territoryWhere(c));
  if (c.search) return sql`${searchedRows(sql`territory`, sql`t`, where, sql`t.search_name`, c.search)} t`;
  return sql`(SELECT * FROM territory t WHERE ${where}) t`;
}

/** Joins and ORDER BY for an order; ties are broken by name, then id, so positions are stable. */
function territoryOrdering(order: TerritoryOrder, search: SearchSpec | undefined): { joins: Prisma.Sql; orderBy: Prisma.Sql } {
  const dir = order.direction === 'DESC' ? sql`DESC` : sql`ASC`;
  switch (order.field) {
    case 'CODE':
      return { joins: empty, orderBy: sql`t.code ${dir}, t.id ${dir}` };
    case 'SUBSCRIBERS':
      return {
        // The current subscriber figure of each row's subtree: its rollup rows summed over sectors and platforms.
        joins: sql`LEFT JOIN LATERAL (SELECT sum(r.subscribers) AS subscribers FROM territory_page_rollup r WHERE r.territory_id = t.id) s ON TRUE`,
        orderBy: sql`coalesce(s.subscribers, 0) ${dir}, t.search_name, t.name, t.id`,
      };
    case 'RELEVANCE':
      if (search) {
        return {
          joins: empty,
          orderBy: sql`${searchTier(sql`t.search_name`, search)}, t.depth, ${searchCloseness(sql`t.search_name`, search)} DESC, length(t.search_name), t.search_name, t.id`,
        };
      }
      return { joins: empty, orderBy: sql`t.search_name, t.name, t.id` };
    case 'NAME':
      return { joins: empty, orderBy: sql`t.search_name ${dir}, t.name ${dir}, t.id ${dir}` };
  }
}

/** Ids of the territories matching `conditions`, in `order`, positions offset..offset+limit-1. */
export async function territoryIds(conditions: TerritoryConditions, order: TerritoryOrder, offset: number, limit: number): Promise<number[]> {
  const { joins, orderBy } = territoryOrdering(order, conditions.search);
  // One slice of a filtered, ordered list of territories.
  const rows = await prisma().$queryRaw<{ id: number }[]>(sql`
    SELECT t.id FROM ${territorySource(conditions)} ${joins}
     ORDER BY ${orderBy}
    OFFSET ${offset} LIMIT ${limit}`);
  return rows.map((row) => row.id);
}

/** How many territories match `conditions`. */
export async function territoryCount(conditions: TerritoryConditions): Promise<number> {
  // The size of a filtered list of territories.
  const rows = await prisma().$queryRaw<{ total: number }[]>(sql`
    SELECT count(*)::int AS total FROM ${territorySource(conditions)}`);
  return rows[0]?.total ?? 0;
}

/** For each parent, one slice of its children in `order`, and how many children it has. */
export async function childSlices(parentIds: readonly number[], order: TerritoryOrder, slice: SliceArgs): Promise<Map<number, PartitionSlice>> {
  const { joins, orderBy } = territoryOrdering(order, undefined);
  // The current (not retired) children of every parent asked for, numbered per parent in the requested order; the rows
  // of each parent's slice come back as one array, with the parent's child count.
  const rows = await prisma().$queryRaw<{ anchor: number; total: number; ids: number[] }[]>(sql`
    WITH ranked AS (
      SELECT t.parent_id AS anchor, t.id,
             (row_number() OVER (PARTITION BY t.parent_id ORDER BY ${orderBy}) - 1)::int AS idx,
             (count(*) OVER (PARTITION BY t.parent_id))::int AS total
        FROM territory t ${joins}
       WHERE t.parent_id = ANY(${[...parentIds]}::int[]) AND t.status = 'ACTIVE')
    SELECT anchor, total, coalesce(array_agg(id ORDER BY idx) FILTER (WHERE ${inSlice(slice)}), '{}') AS ids
      FROM ranked GROUP BY anchor, total`);
  return byAnchor(rows);
}

/**
 * Every column of a territory row (alias `t`) under the names and types Prisma gives them: what
 * the plain-row reads below return in place of a Prisma query when the GraphQL selection asks no
 * relation (src/modules/common/selection.ts `isPlainRows`).
 */
const TERRITORY_COLUMNS = `t.id, t.code, t.name, t.search_name AS "searchName", t.level::text AS level, t.status::text AS status,
       t.parent_id AS "parentId", t.depth, t.path`;

/** The fields of a Prisma territory row (what TERRITORY_COLUMNS returns). */
export const TERRITORY_FIELDS = ['id', 'code', 'name', 'searchName', 'level', 'status', 'parentId', 'depth', 'path'] as const;

/** TERRITORY_COLUMNS' place in a row that holds no territory. */
const NO_TERRITORY = 'NULL::int, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::int, NULL::int, NULL::int[]';

/** The territory with this code, as Prisma's `territory.findUnique` without a selection would return it (null when none). */
export async function territoryByCode(code: string): Promise<Territory | null> {
  // One territory by its unique code, every column.
  const rows = await query<Territory>(`SELECT ${TERRITORY_COLUMNS} FROM territory t WHERE t.code = $1`, [code]);
  return rows[0] ?? null;
}

/**
 * `childSlices` and the rows of every child in them, in ONE statement (rather than the slices,
 * then the rows by id through Prisma): for each parent, its slice's rows in order and its child count.
 */
export async function childSlicesWithRows(
  parentIds: readonly number[],
  order: TerritoryOrder,
  slice: SliceArgs,
): Promise<Map<number, { total: number; nodes: Territory[] }>> {
  const { joins, orderBy } = territoryOrdering(order, undefined);
  // The current (not retired) children of every parent asked for, numbered per parent in the requested order, then: one row
  // per child inside its parent's slice with every column (idx >= 0), and one row per parent with its child count (idx = -1).
  const statement = sql`
    WITH ranked AS (
      SELECT t.parent_id AS anchor, t.id,
             (row_number() OVER (PARTITION BY t.parent_id ORDER BY ${orderBy}) - 1)::int AS idx,
             (count(*) OVER (PARTITION BY t.parent_id))::int AS total
        FROM territory t ${joins}
       WHERE t.parent_id = ANY(${[...parentIds]}::int[]) AND t.status = 'ACTIVE')
    SELECT r.anchor, r.total, r.idx, ${Prisma.raw(TERRITORY_COLUMNS)}
      FROM ranked r JOIN territory t ON t.id = r.id
     WHERE ${inSlice(slice)}
    UNION ALL
    SELECT DISTINCT anchor, total, -1, ${Prisma.raw(NO_TERRITORY)}
      FROM ranked
     ORDER BY 1, 3`;
  const rows = await query<Territory & { anchor: number; total: number; idx: number }>(statement.text, statement.values);
  const result = new Map<number, { total: number; nodes: Territory[] }>();
  for (const { anchor, total, idx, ...territory } of rows) {
    let partition = result.get(anchor);
    if (!partition) {
      partition = { total, nodes: [] };
      result.set(anchor, partition);
    }
    if (idx >= 0) partition.nodes.push(territory);
  }
  return result;
}
