import { prisma } from '../../db/prisma.js';
import { queryArrays } from '../../db/sql.js';
import { Prisma } from '../../generated/prisma/client.js';
import { FULL, PLATFORMS, type StatsDetail } from './detail.js';

/**
 * Read-side SQL of the subscriber figures: every statement reads the maintained rollups (see
 * rollup.ts) or one organisation's / page's own rows, never a subtree's pages. Each statement
 * serves MANY nodes under ONE filter (`= ANY($ids)`), so a DataLoader batch costs one statement
 * per distinct filter; the rows come back raw and compute.ts folds them.
 *
 * Figures as of a past day D come from territory_subscriber_change in one of two directions,
 * both exact (the current sum equals the sum of every change):
 * - `backward`: current sum (territory_page_rollup) minus the changes after D: reads the days
 *   after D, cheap for recent days (dashboards);
 * - `forward`: the sum of the changes up to D: reads the days up to D, cheap for old days.
 */

/** Which end the figure of a past day is computed from (see the module comment). */
export type Direction = 'backward' | 'forward';

/** The filters of a territory statement, ids resolved (null = no filter). */
export interface TerritoryFilterIds {
  platformIds: number[] | null;
  sectorIds: number[] | null;
}

function sectorCondition(filter: TerritoryFilterIds): Prisma.Sql {
  return filter.sectorIds ? Prisma.sql`AND sector_id = ANY(${filter.sectorIds}::int[])` : Prisma.empty;
}

function platformCondition(filter: TerritoryFilterIds): Prisma.Sql {
  return filter.platformIds ? Prisma.sql`AND platform_id = ANY(${filter.platformIds}::int[])` : Prisma.empty;
}

/**
 * One rollup row of `selectTerritoryStats`, as a tuple: [kind, territory id, sector id, key, n, subscribers].
 * kind 0: page cell (key = platform id, n = active pages, subscribers = their current sum);
 * kind 1: organisation set (key = platform mask, n = organisations, subscribers null);
 * kind 2: change sum of a cell (key = platform id, n = 0, subscribers = the cell's sum of changes).
 * Below `FULL` detail the rows are summed over sectors and carry sector id 0. Subscribers come as
 * decimal strings (exact past 2^53).
 */
export type TerritoryStatsRow = [kind: 0 | 1 | 2, territoryId: number, sectorId: number, key: number, n: number, subscribers: string | null];

/**
 * Rollup rows of many territories' subtrees under one filter, for Stats at `detail`
 * (src/modules/figures/detail.ts):
 * - kind 0, territory_page_rollup: active pages and current subscribers per (sector, platform),
 *   narrowed by both filters; below FULL, per platform (summed over the sectors in the filter, or,
 *   with no sector filter, read summed from territory_platform_rollup: one row per platform);
 * - kind 1, from ORGANISATIONS up, territory_organisation_rollup: organisations per (sector,
 *   exact platform set), narrowed by sector only (the platform filter does not narrow
 *   organisations); below FULL, per platform set;
 * - kind 2, only with `asOf`: per (sector, platform) (below FULL: per platform), the sum of
 *   subscriber changes after the day (`backward`: subtract from kind 0) or up to and including it
 *   (`forward`: replaces kind 0's subscribers).
 * One statement, so all of it comes from one snapshot. Sent with `pg` directly (src/db/sql.ts),
 * rows as arrays: a region's 30 children at FULL detail are about 2,000 rows, by platform with no
 * sector filter about 120 (docs/performance.md).
 */
export function selectTerritoryStats(
  territoryIds: readonly number[],
  filter: TerritoryFilterIds,
  asOf: { day: string; direction: Direction } | null,
  detail: StatsDetail = FULL,
): Promise<TerritoryStatsRow[]> {
  // $1 territory ids, then the sector ids and the platform ids when filtered (each filter left out
  // of the text when absent, so that it reads the rows summed over what it does not filter), then the day of `asOf`.
  const values: unknown[] = [territoryIds];
  const placeholder = (value: unknown): string => `$${values.push(value)}`;
  const sectors = filter.sectorIds ? `sector_id = ANY(${placeholder(filter.sectorIds)}::int[])` : null;
  const platforms = filter.platformIds ? `platform_id = ANY(${placeholder(filter.platformIds)}::int[])` : null;
  const day = asOf ? `${placeholder(asOf.day)}::date` : null;
  // The Stats rollup rows of many territories under one filter (kinds above).
  return queryArrays<TerritoryStatsRow>(
    territoryStatsText({
      territories: 'territory_id = ANY($1::int[])',
      sectors,
      platforms,
      asOf: asOf && day ? { day, direction: asOf.direction } : null,
      detail,
    }),
    values,
  );
}

/**
 * The text of `selectTerritoryStats`' statement, its conditions given as SQL text (placeholders
 * or subqueries of the statement it is part of, never values): which territories (`territories`,
 * a condition on `territory_id`), which sectors and platforms (null: every one), and the day of
 * `asOf` (a placeholder). Its rows are `TerritoryStatsRow`s. Exported so that another module's
 * statement can take the figures of the territories it reads in the same round trip
 * (src/modules/territory/sql.ts, docs/performance.md): the rows are still folded here (compute.ts).
 */
export function territoryStatsText(o: {
  territories: string;
  sectors: string | null;
  platforms: string | null;
  asOf: { day: string; direction: Direction } | null;
  detail: StatsDetail;
}): string {
  const full = o.detail === FULL;
  const sector = full ? 'sector_id' : '0';
  const bySector = full ? ', sector_id' : '';
  const narrowed = o.sectors ? `${o.territories} AND ${o.sectors}` : o.territories;
  const onPlatforms = o.platforms ? ` AND ${o.platforms}` : '';
  const pages = full
    ? `SELECT 0 AS kind, territory_id, sector_id, platform_id AS key, pages AS n, subscribers::text AS subscribers
         FROM territory_page_rollup WHERE ${narrowed}${onPlatforms}`
    : o.sectors
      ? `SELECT 0 AS kind, territory_id, 0, platform_id, sum(pages)::int, sum(subscribers)::text
         FROM territory_page_rollup WHERE ${narrowed}${onPlatforms}
        GROUP BY territory_id, platform_id`
      : // Every sector: one row per platform, already summed (territory_platform_rollup).
        `SELECT 0 AS kind, territory_id, 0, platform_id, pages, subscribers::text
         FROM territory_platform_rollup WHERE ${o.territories}${onPlatforms}`;
  const organisations =
    o.detail === PLATFORMS
      ? ''
      : full
        ? `UNION ALL
       SELECT 1, territory_id, sector_id, platform_mask, organisations, NULL
         FROM territory_organisation_rollup WHERE ${narrowed}`
        : `UNION ALL
       SELECT 1, territory_id, 0, platform_mask, sum(organisations)::int, NULL
         FROM territory_organisation_rollup WHERE ${narrowed}
        GROUP BY territory_id, platform_mask`;
  const changes = o.asOf
    ? `UNION ALL
       SELECT 2, territory_id, ${sector}, platform_id, 0, sum(delta)::text
         FROM territory_subscriber_change
        WHERE ${narrowed}${onPlatforms} AND ${o.asOf.direction === 'backward' ? `day > ${o.asOf.day}` : `day <= ${o.asOf.day}`}
        GROUP BY territory_id${bySector}, platform_id`
    : '';
  return `${pages}
${organisations}
${changes}`;
}

/** One row of `selectTerritoryChanges`. */
export interface TerritoryChangeRow {
  territory_id: number;
  /**
   * `before`: sum of changes up to `from`; `after`: sum of changes after `to`; `current`: current
   * sum; `range`: sum of changes in (from, to]; else a day `YYYY-MM-DD` in (from, to] and its change.
   */
  bucket: string;
  value: bigint;
}

/**
 * Subscriber changes of many territories' subtrees around a range (from, to], narrowed by both
 * filters: per day in the range (`perDay`, for a history) or summed (for a growth), plus what
 * anchors the series at one end: `forward`, the sum up to `from` ("before"); `backward`, the
 * current sum ("current") and the sum after `to` ("after"). One index range scan of
 * territory_subscriber_change per territory.
 */
export function selectTerritoryChanges(
  territoryIds: readonly number[],
  filter: TerritoryFilterIds,
  range: { from: string; to: string; perDay: boolean; direction: Direction },
): Promise<TerritoryChangeRow[]> {
  const ids = [...territoryIds];
  const { from, to } = range;
  const inRange = range.perDay ? Prisma.sql`day::text` : Prisma.sql`'range'`;
  const current =
    range.direction === 'backward'
      ? Prisma.sql`
      UNION ALL
      SELECT territory_id, 'current', sum(subscribers)::bigint
        FROM territory_page_rollup
       WHERE territory_id = ANY(${ids}::int[]) ${sectorCondition(filter)} ${platformCondition(filter)}
       GROUP BY territory_id`
      : Prisma.empty;
  return prisma().$queryRaw<TerritoryChangeRow[]>(Prisma.sql`
    SELECT territory_id,
           CASE WHEN day <= ${from}::date THEN 'before' WHEN day <= ${to}::date THEN ${inRange} ELSE 'after' END AS bucket,
           sum(delta)::bigint AS value
      FROM territory_subscriber_change
     WHERE territory_id = ANY(${ids}::int[]) ${sectorCondition(filter)} ${platformCondition(filter)}
       AND ${range.direction === 'backward' ? Prisma.sql`day > ${from}::date` : Prisma.sql`day <= ${to}::date`}
     GROUP BY 1, 2
    ${current}`);
}

/** One row of `selectOrganisationStats`: an organisation's active pages on one platform (platform null: none). */
export interface OrganisationStatsRow {
  organisation_id: number;
  sector_id: number;
  platform_id: number | null;
  pages: number;
  subscribers: bigint;
}

/**
 * Figures of many organisations from their own pages: per (organisation, platform), active pages
 * on the filtered platforms and the sum of their latest counts (on or before `at` when given: the
 * latest observation by then, by the observation primary key). An organisation without such a
 * page still returns one row, with platform null.
 */
export function selectOrganisationStats(organisationIds: readonly number[], platformIds: number[] | null, at: string | null): Promise<OrganisationStatsRow[]> {
  const ids = [...organisationIds];
  const platforms = platformIds ? Prisma.sql`AND p.platform_id = ANY(${platformIds}::int[])` : Prisma.empty;
  const count = at ? Prisma.sql`h.subscribers` : Prisma.sql`p.subscribers`;
  const asOf = at
    ? Prisma.sql`LEFT JOIN LATERAL (SELECT b.subscribers FROM observation b
                                      WHERE b.page_id = p.id AND b.observed_on <= ${at}::date
                                      ORDER BY b.observed_on DESC LIMIT 1) h ON true`
    : Prisma.empty;
  return prisma().$queryRaw<OrganisationStatsRow[]>(Prisma.sql`
    SELECT g.id AS organisation_id, g.sector_id, p.platform_id, count(p.id)::int AS pages, coalesce(sum(${count}), 0)::bigint AS subscribers
      FROM organisation g
      LEFT JOIN page p ON p.organisation_id = g.id AND p.status = 'ACTIVE' ${platforms}
      ${asOf}
     WHERE g.id = ANY(${ids}::int[])
     GROUP BY g.id, g.sector_id, p.platform_id`);
}

/** One observation of a page. */
export interface ObservationRow {
  page_id: number;
  day: string;
  subscribers: number;
}

/**
 * Observations of many pages needed for their history over [from, to]: each page's latest one on
 * or before `from` (by the primary key, newest first) and every one in (from, to].
 */
export function selectPageObservations(pageIds: readonly number[], from: string, to: string): Promise<ObservationRow[]> {
  const ids = [...pageIds];
  return prisma().$queryRaw<ObservationRow[]>(Prisma.sql`
    SELECT i.id AS page_id, l.observed_on::text AS day, l.subscribers
      FROM unnest(${ids}::int[]) AS i(id)
      CROSS JOIN LATERAL (SELECT observed_on, subscribers FROM observation
                           WHERE page_id = i.id AND observed_on <= ${from}::date
                           ORDER BY observed_on DESC LIMIT 1) l
    UNION ALL
    SELECT page_id, observed_on::text, subscribers
      FROM observation
     WHERE page_id = ANY(${ids}::int[]) AND observed_on > ${from}::date AND observed_on <= ${to}::date`);
}
