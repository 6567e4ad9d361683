import { GraphQLError } from 'graphql';
import { daysBetween, type Day, type Interval } from './dates.js';

/** A platform as the catalogue holds it (the shape of the `Platform` GraphQL object). */
export interface PlatformRow {
  id: number;
  code: string;
  name: string;
  hosts: string[];
}

/** A sector as the catalogue holds it (the shape of the `Sector` GraphQL object). */
export interface SectorRow {
  id: number;
  code: string;
  name: string;
}

/** Every platform and sector, by id order; loaded once per request. */
export interface Catalogue {
  platforms: PlatformRow[];
  sectors: SectorRow[];
}

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

/** The error a client gets for an argument it must fix; `extensions.code` is `BAD_USER_INPUT`. */
export function badUserInput(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...extensions } });
}

/** A stable string of a filter, for DataLoader keys and grouping keys by filter. */
export function filterKey(filter: object): string {
  return JSON.stringify(filter);
}

/**
 * Resolves a list of codes against the catalogue, case-insensitively. Absent or empty: no filter
 * (as everywhere in the API). An unknown code is the client's mistake: the error names it and
 * lists the known codes.
 */
function resolveCodes(
  argument: 'platforms' | 'sectors',
  codes: readonly string[] | null | undefined,
  known: readonly { id: number; code: string }[],
): number[] | null {
  if (!codes || codes.length === 0) return null;
  const byCode = new Map(known.map((entry) => [entry.code.toLowerCase(), entry.id]));
  const ids = new Set<number>();
  const unknown: string[] = [];
  for (const code of codes) {
    const id = byCode.get(code.trim().toLowerCase());
    if (id === undefined) unknown.push(code);
    else ids.add(id);
  }
  if (unknown.length) {
    const knownCodes = known.map((entry) => entry.code).sort();
    const what = argument === 'platforms' ? ['platform', 'platforms'] : ['sector', 'sectors'];
    throw badUserInput(
      `${argument}: unknown ${unknown.length === 1 ? what[0] : what[1]} ${unknown.map((c) => `"${c.slice(0, 40)}"`).join(', ')}. Known ${what[1]}: ${knownCodes.join(', ')}.`,
      { argument, known: knownCodes },
    );
  }
  return [...ids].sort((a, b) => a - b);
}

/** Platform and sector codes of a request resolved to ids. */
export function resolveScopeFilter(
  catalogue: Catalogue,
  args: { platforms?: readonly string[] | null; sectors?: readonly string[] | null },
): ScopeFilter {
  return {
    platformIds: resolveCodes('platforms', args.platforms, catalogue.platforms),
    sectorIds: resolveCodes('sectors', args.sectors, catalogue.sectors),
  };
}

/** Checks `from` ≤ `to` and, for a history, that the range is at most `maxDays` long. */
export function checkRange(from: Day, to: Day, maxDays?: number): void {
  if (from > to) throw badUserInput(`\`from\` (${from}) is after \`to\` (${to})`, { argument: 'from' });
  if (maxDays !== undefined && daysBetween(from, to) + 1 > maxDays) {
    throw badUserInput(`the range ${from}..${to} spans ${daysBetween(from, to) + 1} days; a history spans at most ${maxDays} days: split it into several requests`, {
      argument: 'to',
      maxDays,
    });
  }
}

/** Bit set of the platforms a filter keeps (bit = platform id - 1); every bit when unfiltered. */
export function platformMask(platformIds: readonly number[] | null): number {
  if (platformIds === null) return ~0;
  return platformIds.reduce((mask, id) => mask | (1 << (id - 1)), 0);
}
