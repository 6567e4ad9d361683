import { type Catalogue, resolveCodes } from '../catalogue/catalogue.js';
import { badUserInput } from '../common/errors.js';
import { type Day, daysBetween, type Interval } from './dates.js';

/**
 * What a figure is narrowed to, with codes resolved to ids (sorted, distinct). `null` means no
 * filter (every platform / every sector).
 */
export interface ScopeFilter {
  platformIds: number[] | null;
  sectorIds: number[] | null;
}

/** A stats request: the scope filter and the day the subscriber figures are taken at (null: now). */
export interface StatsFilter extends ScopeFilter {
  at: Day | null;
}

/** A growth request: the scope filter and the two days compared. */
export interface RangeFilter extends ScopeFilter {
  from: Day;
  to: Day;
}

/** A history request: a range and the spacing of its points. */
export interface HistoryFilter extends RangeFilter {
  interval: Interval;
}

/** Longest range a `history` may span: 3 years (1,096 daily points at most). */
export const MAX_HISTORY_DAYS = 3 * 365 + 1;

/** The filter of a figure asked without arguments (every platform and sector, now): one shared, frozen value. */
export const NO_FILTER: StatsFilter = Object.freeze({ platformIds: null, sectorIds: null, at: null });
const NO_FILTER_KEY = JSON.stringify(NO_FILTER);

/** A stable string of a filter, for DataLoader keys and grouping keys by filter. */
export function filterKey(filter: object): string {
  return filter === NO_FILTER ? NO_FILTER_KEY : JSON.stringify(filter);
}

/** Platform and sector codes of a request resolved to ids. */
export function resolveScopeFilter(catalogue: Catalogue, args: { platforms?: readonly string[] | null; sectors?: readonly string[] | null }): ScopeFilter {
  return {
    platformIds: resolveCodes(catalogue, 'platform', args.platforms, 'platforms'),
    sectorIds: resolveCodes(catalogue, 'sector', args.sectors, 'sectors'),
  };
}

/** Checks `from` ≤ `to` and, for a history, that the range is at most `maxDays` long. */
export function checkRange(from: Day, to: Day, maxDays?: number): void {
  if (from > to) throw badUserInput(`\`from\` (${from}) is after \`to\` (${to})`, 'from');
  if (maxDays !== undefined && daysBetween(from, to) + 1 > maxDays) {
    throw badUserInput(
      `the range ${from}..${to} spans ${daysBetween(from, to) + 1} days; a history spans at most ${maxDays} days: split it into several requests`,
      'to',
      {
        maxDays,
      },
    );
  }
}
