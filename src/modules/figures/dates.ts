/**
 * Calendar-day arithmetic on `YYYY-MM-DD` strings (UTC, no time zone can shift a day), and the
 * dates of a history's points.
 */

/** A calendar day written `YYYY-MM-DD`. */
export type Day = string;

/** Whole-history intervals of a series. */
export type Interval = 'DAY' | 'WEEK' | 'MONTH';

const MS_PER_DAY = 86_400_000;

function toTime(day: Day): number {
  return Date.parse(`${day}T00:00:00Z`);
}

function fromTime(time: number): Day {
  return new Date(time).toISOString().slice(0, 10);
}

/** `day` moved by `days` (negative: back). */
export function addDays(day: Day, days: number): Day {
  return fromTime(toTime(day) + days * MS_PER_DAY);
}

/** Days from `from` to `to` (0 when equal, negative when `to` is earlier). */
export function daysBetween(from: Day, to: Day): number {
  return Math.round((toTime(to) - toTime(from)) / MS_PER_DAY);
}

/** Today's date in UTC. */
export function today(now: Date = new Date()): Day {
  return now.toISOString().slice(0, 10);
}

/** Last day of the ISO week (Monday to Sunday) holding `day`. */
export function endOfWeek(day: Day): Day {
  const weekday = (new Date(toTime(day)).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(day, 6 - weekday);
}

/** Last day of the calendar month holding `day`. */
export function endOfMonth(day: Day): Day {
  const date = new Date(toTime(day));
  return fromTime(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0));
}

/**
 * The dates of a history's points over [from, to]: every day for `DAY`; for `WEEK` (ISO weeks,
 * Monday to Sunday) and `MONTH` (calendar months) the last day of each period that meets the
 * range, the last one clamped to `to`. Ascending; `to` is always the last point.
 */
export function pointDates(from: Day, to: Day, interval: Interval): Day[] {
  const dates: Day[] = [];
  if (from > to) return dates;
  const periodEnd = interval === 'DAY' ? (day: Day) => day : interval === 'WEEK' ? endOfWeek : endOfMonth;
  for (let day = periodEnd(from); ; day = periodEnd(addDays(day, 1))) {
    if (day >= to) {
      dates.push(to);
      return dates;
    }
    dates.push(day);
  }
}
