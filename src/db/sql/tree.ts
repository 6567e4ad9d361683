import { Prisma } from '../../generated/prisma/client.js';
import { searchCloseness, searchedRows, searchTier, type SearchSpec } from '../../services/search/rank.js';
import { prisma } from '../prisma.js';

/**
 * The read API's list queries: which territories and organisations a list holds, in which order,
 * and which slice of it a page shows. Each returns ids (the rows themselves are then read by
 * Prisma with the GraphQL selection); lists below many parents at once (the children of every
 * territory on a page, their organisations) are one statement for all parents, partitioned by
 * parent with window functions.
 *
 * Paging is by position in the ordered list (0-based); see src/schema/pagination.ts.
 */

const { sql, join, empty } = Prisma;

/** Which positions of an ordered list a page shows (Relay's algorithm, by position). */
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

/** The page of one partition: every id in the slice, in order, and how many rows the whole list has. */
export interface PartitionPage {
  total: number;
  ids: number[];
}

export type Direction = 'ASC' | 'DESC';

function and(conditions: Prisma.Sql[]): Prisma.Sql {
  return conditions.length ? join(conditions, ' AND ') : sql`TRUE`;
}

/**
 * Rows of `ranked` (columns anchor, id, idx, total) inside the slice. The end of the range depends
 * on each partition's total (`last` without `before` counts back from the end), so it is
 * computed per row; LEAST and GREATEST ignore the NULLs of absent arguments.
 */
function inSlice(slice: SliceArgs): Prisma.Sql {
  const end = sql`LEAST(total, ${slice.before}::int, ${slice.first === null ? null : slice.from + slice.first}::int)`;
  return sql`idx >= GREATEST(${slice.from}::int, ${end} - ${slice.last}::int) AND idx < ${end}`;
}

/** Collects `anchor, total, ids` rows into pages keyed by anchor. */
function byAnchor(rows: { anchor: number; total: number; ids: number[] }[]): Map<number, PartitionPage> {
  return new Map(rows.map((row) => [row.anchor, { total: row.total, ids: row.ids }]));
}

// ---------------------------------------------------------------------------------------------
// Territories

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
  const where: Prisma.Sql[] = [];
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
  // One page of a filtered, ordered list of territories.
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

/** For each parent, one page of its children in `order`, and how many children it has. */
export async function childPages(parentIds: readonly number[], order: TerritoryOrder, slice: SliceArgs): Promise<Map<number, PartitionPage>> {
  const { joins, orderBy } = territoryOrdering(order, undefined);
  // The children of every parent asked for, numbered per parent in the requested order; the rows
  // of each parent's slice come back as one array, with the parent's child count.
  const rows = await prisma().$queryRaw<{ anchor: number; total: number; ids: number[] }[]>(sql`
    WITH ranked AS (
      SELECT t.parent_id AS anchor, t.id,
             (row_number() OVER (PARTITION BY t.parent_id ORDER BY ${orderBy}) - 1)::int AS idx,
             (count(*) OVER (PARTITION BY t.parent_id))::int AS total
        FROM territory t ${joins}
       WHERE t.parent_id = ANY(${[...parentIds]}::int[]))
    SELECT anchor, total, coalesce(array_agg(id ORDER BY idx) FILTER (WHERE ${inSlice(slice)}), '{}') AS ids
      FROM ranked GROUP BY anchor, total`);
  return byAnchor(rows);
}

// ---------------------------------------------------------------------------------------------
// Organisations

export type OrganisationOrderField = 'NAME' | 'SUBSCRIBERS' | 'RELEVANCE';

export interface OrganisationOrder {
  field: OrganisationOrderField;
  direction: Direction;
}

export interface OrganisationConditions {
  /** Located in the subtree of this code, itself included (an unknown code matches nothing). */
  withinCode?: string;
  sectorIds?: number[];
  kinds?: string[];
  /** Has an active page on one of the platforms of this bit set (bit = platform id - 1). */
  platformMask?: number;
  /** True: no active page at all; false: at least one. */
  withoutPages?: boolean;
  search?: SearchSpec;
  inn?: string;
}

function organisationWhere(c: OrganisationConditions): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (c.withinCode !== undefined) {
    where.push(sql`o.territory_id IN (SELECT id FROM territory WHERE path @> ARRAY[(SELECT id FROM territory WHERE code = ${c.withinCode})])`);
  }
  if (c.sectorIds?.length) where.push(sql`o.sector_id = ANY(${c.sectorIds}::int[])`);
  if (c.kinds?.length) where.push(sql`o.kind = ANY(${c.kinds}::"OrganisationKind"[])`);
  // platform_mask is maintained with the rollups: bit (platform id - 1) set while the organisation
  // has an active page on that platform.
  if (c.platformMask !== undefined) where.push(sql`(o.platform_mask & ${c.platformMask}::int) <> 0`);
  if (c.withoutPages === true) where.push(sql`o.platform_mask = 0`);
  if (c.withoutPages === false) where.push(sql`o.platform_mask <> 0`);
  if (c.inn !== undefined) where.push(sql`o.inn = ${c.inn}`);
  return where;
}

/**
 * The organisations matching `c`, as a FROM item aliased `o`. With a search that no name matches
 * word for word, the near misses are those of the whole filter (the territory a nested list
 * belongs to does not narrow that test).
 */
function organisationSource(c: OrganisationConditions): Prisma.Sql {
  const where = and(organisationWhere(c));
  if (c.search) return sql`${searchedRows(sql`organisation`, sql`o`, where, sql`o.search_name`, c.search)} o`;
  return sql`(SELECT * FROM organisation o WHERE ${where}) o`;
}

function organisationOrderBy(order: OrganisationOrder, search: SearchSpec | undefined): Prisma.Sql {
  const dir = order.direction === 'DESC' ? sql`DESC` : sql`ASC`;
  switch (order.field) {
    case 'SUBSCRIBERS':
      return sql`o.subscribers ${dir}, o.search_name, o.name, o.id`;
    case 'RELEVANCE':
      if (search) {
        return sql`${searchTier(sql`o.search_name`, search)}, ${searchCloseness(sql`o.search_name`, search)} DESC, length(o.search_name), o.search_name, o.id`;
      }
      return sql`o.search_name, o.name, o.id`;
    case 'NAME':
      return sql`o.search_name ${dir}, o.name ${dir}, o.id ${dir}`;
  }
}

/** Ids of the organisations matching `conditions`, in `order`, positions offset..offset+limit-1. */
export async function organisationIds(conditions: OrganisationConditions, order: OrganisationOrder, offset: number, limit: number): Promise<number[]> {
  // One page of a filtered, ordered list of organisations.
  const rows = await prisma().$queryRaw<{ id: number }[]>(sql`
    SELECT o.id FROM ${organisationSource(conditions)}
     ORDER BY ${organisationOrderBy(order, conditions.search)}
    OFFSET ${offset} LIMIT ${limit}`);
  return rows.map((row) => row.id);
}

/** How many organisations match `conditions`. */
export async function organisationCount(conditions: OrganisationConditions): Promise<number> {
  // The size of a filtered list of organisations.
  const rows = await prisma().$queryRaw<{ total: number }[]>(sql`
    SELECT count(*)::int AS total FROM ${organisationSource(conditions)}`);
  return rows[0]?.total ?? 0;
}

/**
 * For each territory, one page of its organisations (located in its subtree, or in it alone
 * without `includeDescendants`) matching `conditions`, and how many there are.
 */
export async function organisationPages(
  territoryIds: readonly number[],
  includeDescendants: boolean,
  conditions: OrganisationConditions,
  order: OrganisationOrder,
  slice: SliceArgs,
): Promise<Map<number, PartitionPage>> {
  const anchors = [...territoryIds];
  const organisations = organisationSource(conditions);
  const orderBy = organisationOrderBy(order, conditions.search);
  // Each matching organisation once per territory asked for that holds it: located in the
  // territory's subtree (the territories whose path contains it, one GIN index probe per
  // territory asked for) or in the territory alone.
  const scoped = includeDescendants
    ? sql`SELECT a.anchor, o.* FROM unnest(${anchors}::int[]) AS a(anchor)
            JOIN territory t ON t.path @> ARRAY[a.anchor]
            JOIN ${organisations} ON o.territory_id = t.id`
    : sql`SELECT o.territory_id AS anchor, o.* FROM ${organisations} WHERE o.territory_id = ANY(${anchors}::int[])`;
  // The organisations of every territory asked for, numbered per territory in the requested
  // order; each territory's slice comes back as one array, with its organisation count.
  const rows = await prisma().$queryRaw<{ anchor: number; total: number; ids: number[] }[]>(sql`
    WITH ranked AS (
      SELECT o.anchor, o.id,
             (row_number() OVER (PARTITION BY o.anchor ORDER BY ${orderBy}) - 1)::int AS idx,
             (count(*) OVER (PARTITION BY o.anchor))::int AS total
        FROM (${scoped}) o)
    SELECT anchor, total, coalesce(array_agg(id ORDER BY idx) FILTER (WHERE ${inSlice(slice)}), '{}') AS ids
      FROM ranked GROUP BY anchor, total`);
  return byAnchor(rows);
}

// ---------------------------------------------------------------------------------------------
// Catalogue

/** Every platform and sector code with its id. */
export async function catalogueCodes(): Promise<{ kind: 'platform' | 'sector'; id: number; code: string }[]> {
  // The codes filters may name: platforms and sectors, both small tables.
  return prisma().$queryRaw(sql`
    SELECT 'platform' AS kind, id, code FROM platform
    UNION ALL
    SELECT 'sector' AS kind, id, code FROM sector`);
}
