import { type Day, type Interval, pointDates } from './dates.js';

/** One point of a subscriber series: the figure as of `date`. */
export interface HistoryPoint {
  date: Day;
  subscribers: bigint;
}

/** Subscriber figures as of two days and their difference. */
export interface Growth {
  from: Day;
  to: Day;
  subscribersFrom: bigint;
  subscribersTo: bigint;
  change: bigint;
}

/**
 * A scope's subscriber figure around a range (from, to]: the figure as of one end (`anchorDay`,
 * either `from` or `to`) and the daily changes inside the range. Enough to give the figure as of
 * any day of [from, to].
 */
export interface ChangeSeries {
  anchorDay: Day;
  anchor: bigint;
  /** Change of the figure on each day in (from, to] that has one. */
  daily: readonly { day: Day; delta: bigint }[];
}

/** The figure as of `from`, whichever end the series is anchored at. */
function figureAtFrom(series: ChangeSeries, from: Day): bigint {
  if (series.anchorDay === from) return series.anchor;
  return series.daily.reduce((figure, { delta }) => figure - delta, series.anchor);
}

/** History points over [from, to]: a point for day D is the figure as of D. */
export function historyFromChanges(series: ChangeSeries, from: Day, to: Day, interval: Interval): HistoryPoint[] {
  const daily = [...series.daily].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  let figure = figureAtFrom(series, from);
  let next = 0;
  return pointDates(from, to, interval).map((date) => {
    while (next < daily.length && daily[next].day <= date) figure += daily[next++].delta;
    return { date, subscribers: figure };
  });
}

/** Growth between `from` and `to`: the figure as of `to` minus the figure as of `from`. */
export function growthFromChanges(series: ChangeSeries, from: Day, to: Day): Growth {
  const subscribersFrom = figureAtFrom(series, from);
  const change = series.daily.reduce((sum, { delta }) => sum + delta, 0n);
  return { from, to, subscribersFrom, subscribersTo: subscribersFrom + change, change };
}

/**
 * History of one page from its observations: the latest one on or before `from` (if any) and
 * every one in (from, to]. A point is the latest count on or before its day; 0 before the first.
 */
export function historyFromObservations(observations: readonly { day: Day; subscribers: number }[], from: Day, to: Day, interval: Interval): HistoryPoint[] {
  const sorted = [...observations].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  let figure = 0n;
  let next = 0;
  return pointDates(from, to, interval).map((date) => {
    while (next < sorted.length && sorted[next].day <= date) figure = BigInt(sorted[next++].subscribers);
    return { date, subscribers: figure };
  });
}
