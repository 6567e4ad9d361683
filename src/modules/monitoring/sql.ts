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
