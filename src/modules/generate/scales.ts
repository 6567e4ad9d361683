/**
 * The scales the generator knows, as one table. Tune numbers here.
 *
 * Calibration (demo and up): published figures put the Vladimir region (OKTMO 17000000)
 * at about 2,314 organisations and 1.4 million subscribers over VK + OK + Telegram, and
 * Russia at about 115 million subscribers over the same platforms. The generator pins
 * the reference region's organisation count, then rescales page sizes (one factor for
 * the reference region, one for the rest) so the end-date totals land on those figures.
 */

import type { PageMix } from './pages.js';

/** Vladimir region: the region the published figures describe in detail. */
export const REFERENCE_REGION = '17000000';

/** When subscriber counts are observed. */
export type ObservationSchedule =
  /** Every `everyDays` days back from the end date, `points` points per page. */
  | { kind: 'regular'; everyDays: number; points: number }
  /** Random distinct days in the window; count drawn from `counts` (count → weight). */
  | { kind: 'random'; counts: Readonly<Record<number, number>>; includeEndDate: boolean };

export interface Scale {
  name: ScaleName;
  /** Restrict to these regions (plus ancestors and descendants); absent = all regions. */
  regions?: readonly string[];
  /** Organisations in total (approximately: small regions get a floor). */
  organisations: number;
  /** Organisations pinned for the reference region; the rest share the remainder by weight. */
  referenceOrganisations?: number;
  /** Regional bodies (government, ministries…) placed on each region itself. */
  regionalBodies: number;
  /**
   * Most of a region's organisations that may be administrations. Every municipal
   * formation and settlement gets one when this allows; at low density it binds and
   * municipal formations go first.
   */
  administrationShare: number;
  /** Subscriber targets at the end date over VK + OK + Telegram, ACTIVE pages only. */
  calibration?: { referenceSubscribers?: number; totalSubscribers: number };
  observations: ObservationSchedule;
  /** Platforms and extra pages; absent = DEFAULT_PAGE_MIX (pages.ts). */
  pageMix?: PageMix;
  /** Days covered by observations, ending at the end date. */
  windowDays: number;
}

export type ScaleName = 'tiny' | 'small' | 'demo' | 'national' | 'russia';

export const SCALES: Readonly<Record<ScaleName, Scale>> = {
  /** For tests: Vladimir and Ivanovo only, weekly points. */
  tiny: {
    name: 'tiny',
    regions: [REFERENCE_REGION, '24000000'],
    organisations: 300,
    regionalBodies: 4,
    administrationShare: 0.15,
    observations: { kind: 'regular', everyDays: 7, points: 13 },
    windowDays: 90,
  },
  /** All territories, ~10k organisations, 3 random days + the end date per page. */
  small: {
    name: 'small',
    organisations: 10_000,
    regionalBodies: 4,
    administrationShare: 0.12,
    calibration: { totalSubscribers: 115_000_000 },
    observations: { kind: 'random', counts: { 3: 1 }, includeEndDate: true },
    windowDays: 90,
  },
  /**
   * README demo, loaded on first start; budget ≤ ~600k rows. Vladimir at full density
   * (2,314); the other regions share 12,686 organisations, about 1/15.6 of their
   * realistic ~197.7k, with page sizes scaled up so Russia still sums to ~115M.
   * 15k orgs × ~2.5 pages × (1 + 13 points) + 22k territories ≈ 560k rows.
   */
  demo: {
    name: 'demo',
    organisations: 15_000,
    referenceOrganisations: 2_314,
    regionalBodies: 8,
    administrationShare: 0.12,
    calibration: { referenceSubscribers: 1_400_000, totalSubscribers: 115_000_000 },
    observations: { kind: 'regular', everyDays: 7, points: 13 },
    windowDays: 90,
  },
  /**
   * The published national scale (issue 13): ~184k organisations (education ~83k), ~175k official
   * VK pages, MAX ~20k channels with ~2M subscribers; Vladimir ~2,314 organisations with a page on
   * VK, OK or Telegram and 1.4M subscribers over those three, Russia 115M. Every region at full
   * density (page sizes are not inflated). Observations every 45 days (3 points), to keep the load
   * within reach of a first start.
   */
  national: {
    name: 'national',
    organisations: 184_000,
    referenceOrganisations: 2_515,
    regionalBodies: 12,
    administrationShare: 0.5,
    calibration: { referenceSubscribers: 1_400_000, totalSubscribers: 115_000_000 },
    observations: { kind: 'regular', everyDays: 45, points: 3 },
    pageMix: {
      platformShare: { VK: 0.95, OK: 0.5, TELEGRAM: 0.42, MAX: 0.115 },
      platformReach: { VK: 1, OK: 0.45, TELEGRAM: 0.35, MAX: 0.21 },
      noPageShare: { AUTHORITY: 0.01, INSTITUTION: 0.08, OTHER: 0.15 },
      extraPageChance: 0.1,
    },
    windowDays: 90,
  },
  /** Full density: ~200k organisations, ~500k pages, ~3.2 random days per page. */
  russia: {
    name: 'russia',
    organisations: 200_000,
    referenceOrganisations: 2_314,
    regionalBodies: 12,
    administrationShare: 0.5,
    calibration: { referenceSubscribers: 1_400_000, totalSubscribers: 115_000_000 },
    observations: { kind: 'random', counts: { 2: 0.05, 3: 0.7, 4: 0.25 }, includeEndDate: false },
    windowDays: 90,
  },
};

export function isScaleName(value: string): value is ScaleName {
  return Object.hasOwn(SCALES, value);
}

/**
 * A scale with `days` days of daily history: one observation per page on each of the last `days`
 * days up to the end date (issue 21's history benchmarks: 7, 120, 365 days), everything else as
 * the scale has it.
 */
export function withHistoryDays(scale: Scale, days: number): Scale {
  if (!Number.isSafeInteger(days) || days < 1) throw new Error(`history days must be a whole number above 0, got ${days}`);
  return { ...scale, observations: { kind: 'regular', everyDays: 1, points: days }, windowDays: days };
}
