import type { PlatformRow } from '../catalogue/catalogue.js';
import { platformBit, platformMask } from '../catalogue/platformMask.js';

/** Organisations of a scope with exactly one set of platforms they have an active page on. */
export interface PlatformSet {
  /** Bit set (bit = platform id − 1, src/modules/catalogue/platformMask.ts); 0: no active page. */
  platformMask: number;
  organisations: number;
}

/** Organisations of a scope without an active page on one required platform. */
export interface PlatformGap {
  platform: PlatformRow;
  organisations: number;
}

/** How many organisations of a scope have an active page on every required platform. */
export interface Compliance {
  organisations: number;
  compliant: number;
  /** compliant / organisations; 0 when the scope has no organisation (see `shareOf`). */
  share: number;
  /** One entry per required platform, in the order of the platforms' ids. */
  missing: PlatformGap[];
}

/**
 * `part / whole` as a share in 0–1, and 0 for a scope without organisations: an empty territory
 * is never shown (or ranked) as a success. The territory orders COVERAGE and COMPLIANCE use the
 * same rule (src/modules/territory/sql.ts).
 */
export function shareOf(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

/** The compliance of a scope from its platform sets, for the required platforms (rows of the catalogue, distinct). */
export function complianceOf(sets: readonly PlatformSet[], required: readonly PlatformRow[]): Compliance {
  const mask = platformMask(required.map((platform) => platform.id));
  let organisations = 0;
  let compliant = 0;
  const missing = required.map((platform) => ({ platform, bit: platformBit(platform.id), organisations: 0 }));
  for (const set of sets) {
    organisations += set.organisations;
    if ((set.platformMask & mask) === mask) compliant += set.organisations;
    for (const gap of missing) if ((set.platformMask & gap.bit) === 0) gap.organisations += set.organisations;
  }
  return {
    organisations,
    compliant,
    share: shareOf(compliant, organisations),
    missing: missing.map(({ platform, organisations: count }) => ({ platform, organisations: count })),
  };
}
