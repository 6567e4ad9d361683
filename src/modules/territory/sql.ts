import { prisma } from '../../db/prisma.js';
import { query, queryArrays } from '../../db/sql.js';
import type { Territory } from '../../generated/prisma/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { SliceArgs } from '../common/slice.js';
import { and, byAnchor, type Direction, inSlice, type PartitionSlice } from '../common/sliceSql.js';
import type { StatsDetail } from '../figures/detail.js';
import { type TerritoryStatsRow, territoryStatsText } from '../figures/sql.js';
import { type SearchSpec, searchCloseness, searchedRows, searchTier } from '../search/rank.js';

/**
 * The territory lists: which territories a list holds, in which order, and which slice of it
 * is shown. Each statement returns ids (the rows themselves are then read by Prisma with the
 * GraphQL selection); the children of many parents are one statement for all of them.
 * Paging is by position in the ordered list (0-based); see src/modules/common/slice.ts.
 */

const { sql, empty } = Prisma;

export type TerritoryOrderField = 'NAME' | 'CODE' | 'SUBSCRIBERS' | 'COVERAGE' | 'COMPLIANCE' | 'GROWTH' | 'STALE_SHARE' | 'RELEVANCE';

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
  /** COMPLIANCE: the bit set of the required platforms (src/modules/catalogue/platformMask.ts). */
  requiredMask?: number;
  /** GROWTH: the subscriber change is measured over (from, to]. */
  from?: string;
  to?: string;
  /** STALE_SHARE: a page whose latest observation is before this day (or that has none) is stale. */
  since?: string;
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
        // The current subscriber figure of each row's subtree: its platform rollup rows summed (one per platform).
        joins: sql`LEFT JOIN LATERAL (SELECT sum(r.subscribers) AS subscribers FROM territory_platform_rollup r WHERE r.territory_id = t.id) s ON TRUE`,
        orderBy: sql`coalesce(s.subscribers, 0) ${dir}, t.search_name, t.name, t.id`,
      };
    case 'COVERAGE':
    case 'COMPLIANCE': {
      // COVERAGE: organisations of the subtree with an active page anywhere; COMPLIANCE: with one on every required platform;
      // each over the subtree's organisations (0 for none, as Compliance.share), from the organisation rollup's platform sets.
      const hit =
        order.field === 'COVERAGE' ? sql`r.platform_mask <> 0` : sql`r.platform_mask & ${order.requiredMask ?? 0}::int = ${order.requiredMask ?? 0}::int`;
      return {
        joins: sql`LEFT JOIN LATERAL (SELECT sum(r.organisations) FILTER (WHERE ${hit}) AS hit, sum(r.organisations) AS total
                                        FROM territory_organisation_rollup r WHERE r.territory_id = t.id) m ON TRUE`,
        orderBy: sql`coalesce(m.hit::numeric / nullif(m.total, 0), 0) ${dir}, t.search_name, t.name, t.id`,
      };
    }
    case 'GROWTH':
      return {
        // The change of each row's subtree's subscriber figure over (from, to]: the sum of its daily changes in that range.
        joins: sql`LEFT JOIN LATERAL (SELECT sum(c.delta) AS change FROM territory_subscriber_change c
                                       WHERE c.territory_id = t.id AND c.day > ${order.from}::date AND c.day <= ${order.to}::date) g ON TRUE`,
        orderBy: sql`coalesce(g.change, 0) ${dir}, t.search_name, t.name, t.id`,
      };
    case 'STALE_SHARE':
      return {
        // Each row's subtree's active pages counted before the cut-off day (or never: '-infinity') over all its active pages,
        // from the freshness rollup (0 for none, as Freshness.staleShare).
        joins: sql`LEFT JOIN LATERAL (SELECT sum(f.pages) FILTER (WHERE f.observed_on < ${order.since}::date) AS stale, sum(f.pages) AS total
                                        FROM territory_freshness_rollup f WHERE f.territory_id = t.id) z ON TRUE`,
        orderBy: sql`coalesce(z.stale::numeric / nullif(z.total, 0), 0) ${dir}, t.search_name, t.name, t.id`,
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

/** The territory with this code, as Prisma's `territory.findUnique` without a selection would return it (null when none). */
export async function territoryByCode(code: string): Promise<Territory | null> {
  // One territory by its unique code, every column.
  const rows = await query<Territory>(`SELECT ${TERRITORY_COLUMNS} FROM territory t WHERE t.code = $1`, [code]);
  return rows[0] ?? null;
}

/** One parent's slice of children, with every column of each child, and how many children it has. */
export interface ChildPartition {
  total: number;
  nodes: Territory[];
}

/**
 * What a read of territories takes along in the same statement, when the GraphQL selection
 * below it asks for it (src/modules/territory/readAhead.ts): the unfiltered current Stats of the
 * territories read, at a detail (src/modules/figures/detail.ts); null when not asked.
 */
export type StatsAlong = StatsDetail | null;

/** A slice of children to read along with their parent, and the detail of their Stats to read with them. */
export interface ChildrenAlong {
  order: TerritoryOrder;
  slice: SliceArgs;
  stats: StatsAlong;
}

/**
 * The rows of the statements below, as arrays of 11 columns, the same columns holding different
 * things in different parts (rows of one width: every NULL a row carries is parsed, and padding
 * each stats row with a territory's nine columns made Q1's statement ~0.15 ms slower):
 *
 * | part | i1 | i2 | i3 | i4 | t1 | name … path |
 * |---|---|---|---|---|---|---|
 * | 0: the territory asked by code | id | parent id | depth | NULL | code | its columns |
 * | 1: a child inside its parent's slice | id | parent id | depth | position | code | its columns |
 * | 2: a parent's child count | parent id | NULL | NULL | count | NULL | NULL |
 * | 30 + kind: a rollup row of the territory's own Stats | territory id | sector id | key | n | subscribers | verified pages (text), verified subscribers, NULL … |
 * | 40 + kind: a rollup row of a child's Stats | territory id | sector id | key | n | subscribers | verified pages (text), verified subscribers, NULL … |
 * | 50: the territory's organisations with one exact platform set, every sector | territory id | platform mask | organisations | NULL | NULL | NULL |
 *
 * (kind, territory id, sector id, key, n, subscribers, verified pages, verified subscribers) is a `TerritoryStatsRow` (figures/sql.ts).
 */
type AlongRow = [
  part: number,
  i1: number,
  i2: number | null,
  i3: number | null,
  i4: number | null,
  t1: string | null,
  name: string | null,
  searchName: string | null,
  level: Territory['level'] | null,
  status: Territory['status'] | null,
  path: number[] | null,
];

/** A territory's columns in the layout above (parts 0 and 1; alias `t`). */
const ALONG_TERRITORY = `t.id, t.parent_id, t.depth, %POSITION%, t.code, t.name, t.search_name, t.level::text, t.status::text, t.path`;
const NO_TERRITORY_TAIL = 'NULL::text, NULL::text, NULL::text, NULL::text, NULL::int[]';

function territoryOf(row: AlongRow): Territory {
  return {
    id: row[1],
    code: row[5]!,
    name: row[6]!,
    searchName: row[7]!,
    level: row[8]!,
    status: row[9]!,
    parentId: row[2],
    depth: row[3]!,
    path: row[10]!,
  };
}

/** The UNION ALL branch of the rollup rows (part `part` + kind) of the unfiltered current Stats, at `detail`, of the territories whose id `territories` selects. */
function statsAlong(part: 30 | 40, territories: string, detail: StatsDetail): string {
  const stats = territoryStatsText({ territories: `territory_id IN (${territories})`, sectors: null, platforms: null, asOf: null, detail });
  return `UNION ALL
    SELECT ${part} + s.kind, s.territory_id, s.sector_id, s.key, s.n, s.subscribers, s.verified_pages::text, s.verified_subscribers,
           NULL::text, NULL::text, NULL::int[]
      FROM (${stats}) s(kind, territory_id, sector_id, key, n, subscribers, verified_pages, verified_subscribers)`;
}

/**
 * The CTEs `ranked` (the current children of the parents `parents` (a condition on `t.parent_id`)
 * selects, numbered per parent in `order`, with each parent's child count) and `sliced` (those
 * inside the slice), then the branches of their rows (parts 1 and 2) and, when asked, of their
 * Stats (part 40).
 */
function childrenParts(parents: Prisma.Sql, along: ChildrenAlong): { ctes: Prisma.Sql; branches: Prisma.Sql } {
  const { joins, orderBy } = territoryOrdering(along.order, undefined);
  const ctes = sql`
    ranked AS (
      SELECT t.parent_id AS anchor, t.id,
             (row_number() OVER (PARTITION BY t.parent_id ORDER BY ${orderBy}) - 1)::int AS idx,
             (count(*) OVER (PARTITION BY t.parent_id))::int AS total
        FROM territory t ${joins}
       WHERE ${parents} AND t.status = 'ACTIVE'),
    sliced AS (SELECT * FROM ranked WHERE ${inSlice(along.slice)})`;
  const branches = sql`
    SELECT 1, ${Prisma.raw(ALONG_TERRITORY.replace('%POSITION%', 'r.idx'))}
      FROM sliced r JOIN territory t ON t.id = r.id
    UNION ALL
    SELECT DISTINCT 2, anchor, NULL::int, NULL::int, total, NULL::text, ${Prisma.raw(NO_TERRITORY_TAIL)}
      FROM ranked
    ${Prisma.raw(along.stats === null ? '' : statsAlong(40, 'SELECT id FROM sliced', along.stats))}`;
  return { ctes, branches };
}

/** What a statement of this kind returned, sorted out: the children per parent and the Stats rows. */
interface AlongResult {
  territory: Territory | null;
  /** Part 50: the territory's organisations per exact platform set (src/modules/monitoring), when asked. */
  platformSets: { platformMask: number; organisations: number }[];
  children: Map<number, ChildPartition>;
  stats: TerritoryStatsRow[];
  childStats: TerritoryStatsRow[];
}

async function readAlong(statement: Prisma.Sql): Promise<AlongResult> {
  const rows = await queryArrays<AlongRow>(statement.text, statement.values);
  const result: AlongResult = { territory: null, platformSets: [], children: new Map(), stats: [], childStats: [] };
  const partition = (anchor: number) => {
    let found = result.children.get(anchor);
    if (!found) {
      found = { total: 0, nodes: [] };
      result.children.set(anchor, found);
    }
    return found;
  };
  const positions = new Map<Territory, number>();
  for (const row of rows) {
    const part = row[0];
    if (part === 0) result.territory = territoryOf(row);
    else if (part === 1) {
      const child = territoryOf(row);
      positions.set(child, row[4]!);
      partition(child.parentId!).nodes.push(child);
    } else if (part === 2) partition(row[1]).total = row[4]!;
    else if (part === 50) result.platformSets.push({ platformMask: row[2]!, organisations: row[3]! });
    else {
      const stats = [(part % 10) as 0 | 1 | 2, row[1], row[2]!, row[3]!, row[4]!, row[5], row[6] === null ? null : Number(row[6]), row[7]] as TerritoryStatsRow;
      (part < 40 ? result.stats : result.childStats).push(stats);
    }
  }
  // The union has no order: each slice is put back in the order of its positions.
  for (const { nodes } of result.children.values()) nodes.sort((a, b) => (positions.get(a) ?? 0) - (positions.get(b) ?? 0));
  return result;
}

/**
 * `childSlices` and the rows of every child in them, in ONE statement (rather than the slices,
 * then the rows by id through Prisma): for each parent, its slice's rows in order and its child
 * count; with `along.stats`, the rollup rows of the unfiltered Stats of those children too.
 */
export async function childSlicesWithRows(
  parentIds: readonly number[],
  along: ChildrenAlong,
): Promise<{ children: Map<number, ChildPartition>; childStats: TerritoryStatsRow[] }> {
  const { ctes, branches } = childrenParts(sql`t.parent_id = ANY(${[...parentIds]}::int[])`, along);
  // The current (not retired) children of every parent asked for, numbered per parent in the requested order, then: one row
  // per child inside its parent's slice with every column (part 1), one row per parent with its child count (part 2), and
  // the rollup rows of the children's Stats when asked (part 40 + kind).
  const { children, childStats } = await readAlong(sql`WITH ${ctes} ${branches}`);
  return { children, childStats };
}

/**
 * The territory with this code (null when none) and, in the same statement, what the selection
 * below it asks for: its own Stats (`stats`), and one slice of its children (`children`) with
 * their Stats. One round trip where there were up to three (docs/performance.md).
 */
export async function territoryByCodeAlong(code: string, stats: StatsAlong, children: ChildrenAlong | null, platformSets = false): Promise<AlongResult> {
  const parts = children ? childrenParts(sql`t.parent_id = (SELECT id FROM root)`, children) : null;
  // The territory with this code, every column (part 0); the rollup rows of its unfiltered current Stats when asked (part 30 + kind);
  // and when asked, its current children numbered in the requested order: those inside the slice with every column (part 1),
  // its child count (part 2), and the rollup rows of their Stats (part 40 + kind).
  return readAlong(sql`
    WITH root AS (SELECT * FROM territory WHERE code = ${code})${parts ? sql`, ${parts.ctes}` : empty}
    SELECT 0, ${Prisma.raw(ALONG_TERRITORY.replace('%POSITION%', 'NULL::int'))} FROM root t
    ${Prisma.raw(stats === null ? '' : statsAlong(30, 'SELECT id FROM root', stats))}
    ${Prisma.raw(platformSets ? PLATFORM_SETS_ALONG : '')}
    ${parts ? sql`UNION ALL ${parts.branches}` : empty}`);
}

/** The UNION ALL branch of part 50: the root's organisations per exact platform set, summed over every sector (as src/modules/monitoring/sql.ts reads them). */
const PLATFORM_SETS_ALONG = `UNION ALL
    SELECT 50, territory_id, platform_mask, sum(organisations)::int, NULL::int, NULL::text, ${NO_TERRITORY_TAIL}
      FROM territory_organisation_rollup WHERE territory_id IN (SELECT id FROM root)
     GROUP BY territory_id, platform_mask HAVING sum(organisations) > 0`;
