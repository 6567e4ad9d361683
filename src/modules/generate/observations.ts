/**
 * Subscriber history of a page: slow growth towards its end-date size with a little
 * noise (so counts occasionally dip), on the days the scale's schedule picks; a few pages
 * stop being counted weeks before the end date (stale) and a few jump overnight (`plantMonitoringCases`).
 */
import type { Observation, Platform } from './model.js';
import { type Random, WeightedTable } from './random.js';
import type { ObservationSchedule } from './scales.js';

/** Relative growth over the whole window, by platform (MAX is new and growing fast). */
const WINDOW_GROWTH: Readonly<Record<Platform, number>> = { VK: 0.04, OK: 0.01, TELEGRAM: 0.1, MAX: 0.45 };
const NOISE = 0.001;
/** Chance that a past point sits above the trend, i.e. the count later dips. */
const DIP_CHANCE = 0.04;
const DIP_SIZE = 0.01;

/** Picks observation days (as days before the end date, descending = chronological). */
export class ObservationDays {
  private readonly counts: WeightedTable<number> | null;

  constructor(
    private readonly schedule: ObservationSchedule,
    private readonly windowDays: number,
  ) {
    this.counts =
      schedule.kind === 'random' ? new WeightedTable(Object.entries(schedule.counts).map(([count, weight]) => [Number(count), weight] as const)) : null;
  }

  pick(rng: Random): number[] {
    const schedule = this.schedule;
    if (schedule.kind === 'regular') {
      const points = Math.min(schedule.points, Math.floor(this.windowDays / schedule.everyDays) + 1);
      return Array.from({ length: points }, (_, i) => (points - 1 - i) * schedule.everyDays);
    }
    const count = (this.counts as WeightedTable<number>).pick(rng);
    const days = schedule.includeEndDate ? [...rng.distinctInts(count, 1, this.windowDays), 0] : rng.distinctInts(count, 0, this.windowDays);
    return days.sort((a, b) => b - a);
  }
}

/**
 * The page's counts on the given days. `size` is the count at the end date; earlier
 * points are discounted by the platform's growth and jittered (day 0 is exact).
 */
export function observeSubscribers(platform: Platform, size: number, days: readonly number[], windowDays: number, rng: Random): Observation[] {
  const growth = WINDOW_GROWTH[platform] * (0.3 + 1.4 * rng.next());
  return days.map((daysBefore) => {
    if (daysBefore === 0) return { daysBefore, subscribers: Math.max(0, Math.round(size)) };
    const trend = Math.exp((-growth * daysBefore) / windowDays);
    const jitter = 1 + NOISE * rng.normal() + (rng.chance(DIP_CHANCE) ? DIP_SIZE : 0);
    return { daysBefore, subscribers: Math.max(0, Math.round(size * trend * jitter)) };
  });
}

/** Share of pages whose observations stop weeks before the end date: `Territory.freshness` finds them stale. */
export const STALE_PAGE_SHARE = 0.04;
/** A stale page's latest observation is at least this many days before the end date. */
export const STALE_PAGE_DAYS = 35;
/** Share of pages with a planted overnight jump (a bought audience), and its size: `anomalies` lists them. */
export const JUMP_PAGE_SHARE = 0.001;
export const JUMP_SIZE = 0.4;

/**
 * The monitoring's cases planted in a page's series (drawn from the page's own random stream, so
 * the output stays the same for a seed): now and then the series stops before the last
 * STALE_PAGE_DAYS days; more rarely its count jumps by JUMP_SIZE overnight on one of its days
 * after the first (the counts before it are scaled down, so the end-date count, which the
 * calibration aims at, is kept, and an observation on the day before shows the old level).
 */
export function plantMonitoringCases(series: readonly Observation[], rng: Random): Observation[] {
  if (series.length < 2) return [...series];
  if (rng.chance(STALE_PAGE_SHARE)) {
    const kept = series.filter((point) => point.daysBefore >= STALE_PAGE_DAYS);
    if (kept.length > 0) return kept;
  }
  if (!rng.chance(JUMP_PAGE_SHARE)) return [...series];
  const at = rng.int(1, series.length - 1);
  const jumpDay = series[at]!.daysBefore;
  const lower = (subscribers: number) => Math.round(subscribers / (1 + JUMP_SIZE));
  const planted = series.map((point, i) => (i < at ? { ...point, subscribers: lower(point.subscribers) } : point));
  // The day before the jump, at the old level, unless it is already an observation day.
  if (series[at - 1]!.daysBefore > jumpDay + 1) planted.splice(at, 0, { daysBefore: jumpDay + 1, subscribers: lower(series[at]!.subscribers) });
  return planted;
}
