/** Calendar dates as UTC day numbers (days since 1970-01-01), so arithmetic is exact. */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Parses YYYY-MM-DD into a day number; throws on impossible dates. */
export function parseIsoDate(text: string): number {
  const match = ISO_DATE.exec(text);
  if (!match) throw new Error(`Expected a date as YYYY-MM-DD, got "${text}"`);
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const day = ms / MS_PER_DAY;
  if (formatIsoDate(day) !== text) throw new Error(`Not a calendar date: "${text}"`);
  return day;
}

/** Formats a day number as YYYY-MM-DD. */
export function formatIsoDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Today's date in UTC as YYYY-MM-DD. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}
