/**
 * Subscriber history of a page: slow growth towards its end-date size with a little
 * noise (so counts occasionally dip), on the days the scale's schedule picks.
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
