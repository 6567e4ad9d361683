import { prisma } from '../../db/prisma.js';
import { query, queryArrays } from '../../db/sql.js';
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
 *   after D, cheap for the last days (dashboards);
 * - `forward`: D's month's checkpoint (territory_subscriber_checkpoint: the sum of the changes
 *   before the month) plus the changes from the month's first day to D: at most a month of days,
 *   however long the history.
 */

/** Which end the figure of a past day is computed from (see the module comment). */
export type Direction = 'backward' | 'forward';

/** The filters of a territory statement, ids resolved (null = no filter). */
export interface TerritoryFilterIds {
  platformIds: number[] | null;
  sectorIds: number[] | null;
}

/**
 * One rollup row of `selectTerritoryStats`, as a tuple: [kind, territory id, sector id, key, n, subscribers,
 * verified pages, verified subscribers].
 * kind 0: page cell (key = platform id, n = active pages, subscribers = their current sum; verified
 * pages and verified subscribers: the same over the verified pages among them, always current);
 * kind 1: organisation set (key = platform mask, n = organisations, subscribers null);
 * kind 2: change sum of a cell (key = platform id, n = 0, subscribers = the cell's sum of changes).
 * Below `FULL` detail the rows are summed over sectors and carry sector id 0. Subscribers come as
 * decimal strings (exact past 2^53). Kinds 1 and 2 carry null verified figures.
 */
export type TerritoryStatsRow = [
  kind: 0 | 1 | 2,
  territoryId: number,
  sectorId: number,
  key: number,
  n: number,
  subscribers: string | null,
  verifiedPages: number | null,
  verifiedSubscribers: string | null,
];

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
    ? `SELECT 0 AS kind, territory_id, sector_id, platform_id AS key, pages AS n, subscribers::text AS subscribers,
              verified_pages, verified_subscribers::text AS verified_subscribers
         FROM territory_page_rollup WHERE ${narrowed}${onPlatforms}`
    : o.sectors
      ? `SELECT 0 AS kind, territory_id, 0, platform_id, sum(pages)::int, sum(subscribers)::text, sum(verified_pages)::int, sum(verified_subscribers)::text
         FROM territory_page_rollup WHERE ${narrowed}${onPlatforms}
        GROUP BY territory_id, platform_id`
      : // Every sector: one row per platform, already summed (territory_platform_rollup).
        `SELECT 0 AS kind, territory_id, 0, platform_id, pages, subscribers::text, verified_pages, verified_subscribers::text
         FROM territory_platform_rollup WHERE ${o.territories}${onPlatforms}`;
  const organisations =
    o.detail === PLATFORMS
      ? ''
      : full
        ? `UNION ALL
       SELECT 1, territory_id, sector_id, platform_mask, organisations, NULL, NULL, NULL
         FROM territory_organisation_rollup WHERE ${narrowed}`
        : `UNION ALL
       SELECT 1, territory_id, 0, platform_mask, sum(organisations)::int, NULL, NULL, NULL
         FROM territory_organisation_rollup WHERE ${narrowed}
        GROUP BY territory_id, platform_mask`;
  const changes = !o.asOf
    ? ''
    : o.asOf.direction === 'backward'
      ? `UNION ALL
       SELECT 2, territory_id, ${sector}, platform_id, 0, sum(delta)::text, NULL, NULL
         FROM territory_subscriber_change
        WHERE ${narrowed}${onPlatforms} AND day > ${o.asOf.day}
        GROUP BY territory_id${bySector}, platform_id`
      : `UNION ALL
       SELECT 2, territory_id, ${sector}, platform_id, 0, sum(v)::text, NULL, NULL FROM (${asOfCells(`${narrowed}${onPlatforms}`, o.asOf.day)}) x
        GROUP BY territory_id${bySector}, platform_id`;
  return `${pages}
${organisations}
${changes}`;
}

/**
 * The checkpoint month a figure as of `day` starts from: the latest month with checkpoints whose
 * first day is on or before it (null: none, the figure is the sum of every change up to the day).
 */
function checkpointMonth(day: string): string {
  return `(SELECT max(month) FROM subscriber_checkpoint_month WHERE month <= ${day})`;
}

/**
 * Rows (territory_id, sector_id, platform_id, v) whose sum per cell is the subscriber figure as of
 * `day` (SQL text of a date) of the cells `where` selects: the cell's checkpoint of the month
 * (territory_subscriber_checkpoint) and its changes from that month's first day to the day: at
 * most a month of change rows, however long the history.
 */
function asOfCells(where: string, day: string): string {
  return `SELECT territory_id, sector_id, platform_id, subscribers AS v FROM territory_subscriber_checkpoint
           WHERE month = ${checkpointMonth(day)} AND ${where}
          UNION ALL
          SELECT territory_id, sector_id, platform_id, delta FROM territory_subscriber_change
           WHERE ${where} AND day <= ${day} AND day >= coalesce(${checkpointMonth(day)}, '-infinity'::date)`;
}

/** One row of `selectTerritoryChanges`. */
export interface TerritoryChangeRow {
  territory_id: number;
  /** `from`: (part of) the figure as of `from`; `to`: (part of) the figure as of `to`; else a day `YYYY-MM-DD` in (from, to] and its change. */
  bucket: string;
  /** Decimal text (exact past 2^53). */
  value: string;
}

/**
 * Subscriber figures of many territories' subtrees around a range (from, to], narrowed by both
 * filters: the figure as of `from` (bucket `from`, from its month's checkpoint), and either each
 * day's change in the range (`perDay`, for a history) or the figure as of `to` (for a growth,
 * from its checkpoint too). So a growth reads two checkpoints and at most two months of change
 * rows whatever the range, and a history its range's days: neither depends on how much history is
 * stored.
 */
export function selectTerritoryChanges(
  territoryIds: readonly number[],
  filter: TerritoryFilterIds,
  range: { from: string; to: string; perDay: boolean },
): Promise<TerritoryChangeRow[]> {
  const values: unknown[] = [[...territoryIds], range.from, range.to];
  const conditions = ['territory_id = ANY($1::int[])'];
  if (filter.sectorIds) conditions.push(`sector_id = ANY($${values.push(filter.sectorIds)}::int[])`);
  if (filter.platformIds) conditions.push(`platform_id = ANY($${values.push(filter.platformIds)}::int[])`);
  const where = conditions.join(' AND ');
  const end = range.perDay
    ? `SELECT territory_id, day::text, sum(delta)::text FROM territory_subscriber_change
        WHERE ${where} AND day > $2::date AND day <= $3::date GROUP BY 1, 2`
    : `SELECT territory_id, 'to', sum(v)::text FROM (${asOfCells(where, '$3::date')}) x GROUP BY 1`;
  // The figure as of `from`, then the days of the range or the figure as of `to`.
  return query<TerritoryChangeRow>(
    `SELECT territory_id, 'from' AS bucket, sum(v)::text AS value FROM (${asOfCells(where, '$2::date')}) x GROUP BY 1
     UNION ALL
     ${end}`,
    values,
  );
}

/** One row of `selectOrganisationStats`: an organisation's active pages on one platform (platform null: none). */
export interface OrganisationStatsRow {
  organisation_id: number;
  sector_id: number;
  platform_id: number | null;
  pages: number;
  subscribers: bigint;
  /** The same over the verified pages among them (current, whatever `at`). */
  verified_pages: number;
  verified_subscribers: bigint;
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
    SELECT g.id AS organisation_id, g.sector_id, p.platform_id, count(p.id)::int AS pages, coalesce(sum(${count}), 0)::bigint AS subscribers,
           count(p.id) FILTER (WHERE p.verified)::int AS verified_pages, coalesce(sum(p.subscribers) FILTER (WHERE p.verified), 0)::bigint AS verified_subscribers
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
