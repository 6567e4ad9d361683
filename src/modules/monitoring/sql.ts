import { queryArrays } from '../../db/sql.js';

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
