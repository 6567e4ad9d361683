/**
 * The platform bit mask, the one place it is defined: bit (platform id − 1) is set for each
 * platform. `organisation.platform_mask` and `territory_organisation_rollup.platform_mask` hold
 * the platforms an organisation has an active page on; a platform filter is a mask too.
 * Platform ids are small (platforms are a short table), so a 32-bit mask holds them all. The SQL
 * that maintains the masks (src/modules/loads/pipeline/sql) writes the same bit as
 * `1 << (platform_id - 1)`.
 */

/** The bit of one platform. */
export function platformBit(platformId: number): number {
  return 1 << (platformId - 1);
}

/** The mask of these platforms; every bit when `platformIds` is null (no platform filter). */
export function platformMask(platformIds: readonly number[] | null): number {
  if (platformIds === null) return ~0;
  return platformIds.reduce((mask, id) => mask | platformBit(id), 0);
}
