import { query, queryArrays } from '../../db/sql.js';

/**
 * Read-side SQL of the monitoring figures. Compliance comes from `territory_organisation_rollup`
 * alone: it keeps, per territory subtree and sector, how many organisations have exactly each set
 * of platforms with an active page (the platform mask), so "an active page on every required
 * platform" is a condition on the mask and no organisation is counted twice.
 */

/** One row of `selectOrganisationSets`: [territory id, platform mask, organisations with exactly that mask]. */
export type OrganisationSetRow = [territoryId: number, platformMask: number, organisations: number];

/**
 * The organisations of many territories' subtrees per exact platform set, summed over the sectors
 * of the filter (null: every sector). One statement for every territory and every set of required
 * platforms asked under one sector filter (the required platforms are applied when folding).
 */
export function selectOrganisationSets(territoryIds: readonly number[], sectorIds: readonly number[] | null): Promise<OrganisationSetRow[]> {
  // Per territory and exact platform set: the organisations of its subtree in the sectors asked (every sector when $2 is null).
  return queryArrays<OrganisationSetRow>(
    `SELECT territory_id, platform_mask, sum(organisations)::int
       FROM territory_organisation_rollup
      WHERE territory_id = ANY($1::int[]) AND ($2::int[] IS NULL OR sector_id = ANY($2::int[]))
      GROUP BY territory_id, platform_mask
     HAVING sum(organisations) > 0`,
    [territoryIds, sectorIds],
  );
}

/** One row of `selectFreshness`: [territory id, active pages, stale pages, oldest latest-observation day of an observed page or null]. */
export type FreshnessRow = [territoryId: number, pages: number, stalePages: number, oldestObservedOn: string | null];

/**
 * Freshness of many territories' subtrees for one cut-off day, from `territory_freshness_rollup`
 * alone (active pages per day of their latest observation, '-infinity' for never observed): one
 * index range per territory, however many pages its subtree holds.
 */
export function selectFreshness(territoryIds: readonly number[], cutoff: string): Promise<FreshnessRow[]> {
  // Per territory: its active pages, those whose latest observation is before the cut-off day or that have none (stale),
  // and the earliest latest-observation day among its observed ones.
  return queryArrays<FreshnessRow>(
    `SELECT territory_id, sum(pages)::int, coalesce(sum(pages) FILTER (WHERE observed_on < $2::date), 0)::int,
            min(observed_on) FILTER (WHERE observed_on > '-infinity'::date)::text
       FROM territory_freshness_rollup
      WHERE territory_id = ANY($1::int[])
      GROUP BY territory_id`,
    [territoryIds, cutoff],
  );
}

/** One row of `selectAnomalies`: [page id, day, since, before, after, how many steps the whole list holds]. */
export type AnomalyRow = [pageId: number, day: string, since: string, before: number, after: number, total: number];

/** What `anomalies` reads: the subtree's root code, the days and the thresholds (at or above ANOMALY_FLOOR). */
export interface AnomalySpec {
  withinCode: string;
  from: string;
  to: string;
  minChange: number;
  minChangePercent: number;
}

/** The conditions of an anomaly listing on `territory_anomaly` (placeholders $1–$5 of the spec's values). */
const ANOMALIES_WHERE = `territory_id = (SELECT id FROM territory WHERE code = $1) AND day >= $2::date AND day <= $3::date
        AND abs(after::bigint - before) >= $4::bigint AND abs(after::bigint - before)::float8 * 100 >= $5::float8 * before`;

function anomalyValues(spec: AnomalySpec): unknown[] {
  return [spec.withinCode, spec.from, spec.to, spec.minChange, spec.minChangePercent];
}

/**
 * One slice of the candidate jumps of a subtree in [from, to] passing the thresholds, newest
 * first (then page id, descending): one backward range of the primary key (territory, day, page)
 * of the subtree's root, however deep the subtree.
 */
export function selectAnomalies(spec: AnomalySpec, offset: number, limit: number): Promise<AnomalyRow[]> {
  // The steps of the subtree's pages in the range passing both thresholds, newest first, one slice of them, each row with
  // the number of all of them (the connection's totalCount, without a second statement).
  return queryArrays<AnomalyRow>(
    `SELECT a.page_id, a.day::text, a.since::text, a.before, a.after, (count(*) OVER ())::int FROM territory_anomaly a
      WHERE ${ANOMALIES_WHERE}
      ORDER BY a.day DESC, a.page_id DESC
     OFFSET $6 LIMIT $7`,
    [...anomalyValues(spec), offset, limit],
  );
}

/** How many candidate jumps of a subtree in [from, to] pass the thresholds. */
export async function countAnomalies(spec: AnomalySpec): Promise<number> {
  // The number of the subtree's steps in the range passing both thresholds (the same range of the primary key).
  const rows = await queryArrays<[number]>(`SELECT count(*)::int FROM territory_anomaly WHERE ${ANOMALIES_WHERE}`, anomalyValues(spec));
  return rows[0]?.[0] ?? 0;
}

/** A page row as Prisma's `page.findUnique` without a selection returns it (the columns under their Prisma names). */
export interface PageRow {
  id: number;
  platformId: number;
  externalId: string;
  organisationId: number;
  url: string;
  name: string;
  verified: boolean;
  status: 'ACTIVE' | 'ARCHIVED';
  subscribers: number | null;
  observedOn: Date | null;
}

/**
 * The pages of many anomalies by id, every column: one primary-key lookup per page, for the
 * `Anomaly.page` field (its relations, when asked, are then loaded by the Prisma plugin).
 */
export async function selectPages(ids: readonly number[]): Promise<PageRow[]> {
  // Pages by id, every column, under Prisma's names (the day as a timestamp at UTC midnight, as Prisma reads a DATE).
  const rows = await query<Omit<PageRow, 'observedOn'> & { observedOn: string | null }>(
    `SELECT id, platform_id AS "platformId", external_id AS "externalId", organisation_id AS "organisationId", url, name, verified,
            status::text AS status, subscribers, observed_on::text AS "observedOn"
       FROM page WHERE id = ANY($1::int[])`,
    [ids],
  );
  return rows.map((row) => ({ ...row, observedOn: row.observedOn === null ? null : new Date(`${row.observedOn}T00:00:00Z`) }));
}
