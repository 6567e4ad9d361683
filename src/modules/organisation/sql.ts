import { prisma } from '../../db/prisma.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { SliceArgs } from '../common/slice.js';
import { and, byAnchor, type Direction, inSlice, type PartitionSlice } from '../common/sliceSql.js';
import { type SearchSpec, searchCloseness, searchedRows, searchTier } from '../search/rank.js';

/**
 * The organisation lists: which organisations a list holds, in which order, and which slice of
 * it is shown (ids; Prisma then reads the rows with the GraphQL selection). The organisations
 * of many territories are one statement for all of them.
 */

const { sql } = Prisma;

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
  /** Lacks an active page on at least one of the platforms of this bit set (not compliant with them). */
  missingMask?: number;
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
  if (c.missingMask !== undefined) where.push(sql`(o.platform_mask & ${c.missingMask}::int) <> ${c.missingMask}::int`);
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
  // One slice of a filtered, ordered list of organisations.
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
 * For each territory, one slice of its organisations (located in its subtree, or in it alone
 * without `includeDescendants`) matching `conditions`, and how many there are.
 */
export async function organisationSlices(
  territoryIds: readonly number[],
  includeDescendants: boolean,
  conditions: OrganisationConditions,
  order: OrganisationOrder,
  slice: SliceArgs,
): Promise<Map<number, PartitionSlice>> {
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
