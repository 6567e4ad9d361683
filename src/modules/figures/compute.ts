import type { Catalogue } from '../catalogue/catalogue.js';
import { platformBit } from '../catalogue/platformMask.js';
import { type Day, daysBetween, type Interval, today } from './dates.js';
import { FULL, ORGANISATIONS, PLATFORMS, type StatsDetail } from './detail.js';
import type { HistoryFilter, RangeFilter, StatsFilter } from './filter.js';
import { cellsAsOf, EMPTY_STATS, foldStats, type OrganisationSet, type PageCell, type PlatformStats, type Stats } from './fold.js';
import { type ChangeSeries, type Growth, growthFromChanges, type HistoryPoint, historyFromChanges, historyFromObservations } from './history.js';
import {
  type Direction,
  selectOrganisationStats,
  selectPageObservations,
  selectTerritoryChanges,
  selectTerritoryStats,
  type TerritoryChangeRow,
  type TerritoryStatsRow,
} from './sql.js';

/**
 * The figures of many nodes under one filter: each function runs ONE statement for all the ids
 * it is given and folds the rows per node (DataLoaders call these once per distinct filter).
 */

/**
 * Direction of a figure as of `day` (sql.ts): backward (current minus the changes after the day)
 * when fewer days lie between it and today than between its month's first day (its checkpoint)
 * and it, else forward from the checkpoint. Both exact; each reads at most about a month of days.
 */
export function directionFor(day: Day, now: Day = today()): Direction {
  return daysBetween(day, now) < daysBetween(`${day.slice(0, 8)}01`, day) ? 'backward' : 'forward';
}

function group<T>(rows: readonly T[], idOf: (row: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const id = idOf(row);
    const list = groups.get(id);
    if (list) list.push(row);
    else groups.set(id, [row]);
  }
  return groups;
}

/**
 * Stats of territories' subtrees from the rollups, at `detail` (what the request reads, see
 * detail.ts; what is below it is left out and reading it throws). The catalogue may still be
 * loading: it is awaited alongside the statement, not before it.
 */
export async function territoryStats(
  ids: readonly number[],
  filter: StatsFilter,
  catalogue: Catalogue | Promise<Catalogue>,
  detail: StatsDetail = FULL,
): Promise<Map<number, Stats>> {
  const direction = filter.at ? directionFor(filter.at) : null;
  const [rows, platformsAndSectors] = await Promise.all([
    selectTerritoryStats(ids, filter, filter.at && direction ? { day: filter.at, direction } : null, detail),
    catalogue,
  ]);
  return foldTerritoryStats(ids, rows, filter, platformsAndSectors, detail);
}

/**
 * Stats of territories from their rollup rows (what `territoryStats`' statement, or a statement
 * built with `territoryStatsText`, returns for them at `detail`): one Stats per id, empty for an
 * id without rows.
 */
export function foldTerritoryStats(
  ids: readonly number[],
  rows: readonly TerritoryStatsRow[],
  filter: StatsFilter,
  catalogue: Catalogue,
  detail: StatsDetail,
): Map<number, Stats> {
  const direction = filter.at ? directionFor(filter.at) : null;
  const result = new Map<number, Stats>();
  for (const [id, own] of group(rows, (row) => row[1])) {
    let cells: PageCell[] = [];
    const sets: OrganisationSet[] = [];
    const changes: { sectorId: number; platformId: number; subscribers: bigint }[] = [];
    for (const [kind, , sectorId, key, n, subscribers, verifiedPages, verifiedSubscribers] of own) {
      if (kind === 0) {
        cells.push({
          sectorId,
          platformId: key,
          pages: n,
          subscribers: BigInt(subscribers ?? 0),
          verifiedPages: verifiedPages ?? 0,
          verifiedSubscribers: BigInt(verifiedSubscribers ?? 0),
        });
      } else if (kind === 1) sets.push({ sectorId, platformMask: key, organisations: n });
      else changes.push({ sectorId, platformId: key, subscribers: BigInt(subscribers ?? 0) });
    }
    if (direction) cells = cellsAsOf(cells, changes, direction === 'backward' ? 'subtract' : 'replace');
    result.set(id, partialStats(foldStats(cells, sets, filter.platformIds, catalogue), detail));
  }
  for (const id of ids) if (!result.has(id)) result.set(id, EMPTY_STATS);
  return result;
}

/** An object whose `names` throw when read: the prototype of a Stats (or entry) computed below FULL, for the figures it does not hold. */
function missing(detail: StatsDetail, prefix: string, names: readonly string[]): object {
  const proto: PropertyDescriptorMap = {};
  for (const name of names) {
    proto[name] = {
      get(): never {
        throw new Error(`Stats.${prefix}${name} was not computed (detail ${detail}): statsDetail missed a field`);
      },
    };
  }
  return Object.create(Object.prototype, proto) as object;
}

const MISSING_ORGANISATIONS_LEVEL = missing(ORGANISATIONS, '', ['bySector']);
const MISSING_PLATFORMS_LEVEL = missing(PLATFORMS, '', ['bySector', 'organisations', 'organisationsWithPages']);
const MISSING_PLATFORM_ORGANISATIONS = missing(PLATFORMS, 'byPlatform.', ['organisations']);

/**
 * Makes the figures a Stats was not computed for (below `detail`) throw when read, rather than
 * show a wrong number. The figures it holds are own properties of a fresh object whose prototype
 * holds throwing getters for the others (objects of one shape: cheap to build and to read, where
 * defining getters on each object made every one a slow dictionary object).
 */
function partialStats(stats: Stats, detail: StatsDetail): Stats {
  if (detail === FULL) return stats;
  if (detail === ORGANISATIONS) {
    const partial = Object.create(MISSING_ORGANISATIONS_LEVEL) as Stats;
    partial.subscribers = stats.subscribers;
    partial.pages = stats.pages;
    partial.organisations = stats.organisations;
    partial.organisationsWithPages = stats.organisationsWithPages;
    partial.verifiedPages = stats.verifiedPages;
    partial.verifiedSubscribers = stats.verifiedSubscribers;
    partial.byPlatform = stats.byPlatform;
    return partial;
  }
  const partial = Object.create(MISSING_PLATFORMS_LEVEL) as Stats;
  partial.subscribers = stats.subscribers;
  partial.pages = stats.pages;
  partial.verifiedPages = stats.verifiedPages;
  partial.verifiedSubscribers = stats.verifiedSubscribers;
  partial.byPlatform = stats.byPlatform.map((entry) => {
    const platform = Object.create(MISSING_PLATFORM_ORGANISATIONS) as PlatformStats;
    platform.platform = entry.platform;
    platform.subscribers = entry.subscribers;
    platform.pages = entry.pages;
    platform.verifiedPages = entry.verifiedPages;
    platform.verifiedSubscribers = entry.verifiedSubscribers;
    return platform;
  });
  return partial;
}

/** Per territory, the change series around (from, to], anchored at `from` (its figure from the checkpoints). */
async function territoryChangeSeries(ids: readonly number[], filter: RangeFilter, perDay: boolean): Promise<Map<number, ChangeSeries>> {
  const rows = await selectTerritoryChanges(ids, filter, { from: filter.from, to: filter.to, perDay });
  const byTerritory = group<TerritoryChangeRow>(rows, (row) => row.territory_id);
  const result = new Map<number, ChangeSeries>();
  for (const id of ids) {
    let atFrom = 0n;
    let atTo = 0n;
    const daily: { day: Day; delta: bigint }[] = [];
    for (const row of byTerritory.get(id) ?? []) {
      const value = BigInt(row.value);
      if (row.bucket === 'from') atFrom += value;
      else if (row.bucket === 'to') atTo += value;
      else daily.push({ day: row.bucket, delta: value });
    }
    // A growth's series is its one change over the range: the figure as of `to` minus as of `from`.
    if (!perDay) daily.push({ day: filter.to, delta: atTo - atFrom });
    result.set(id, { anchorDay: filter.from, anchor: atFrom, daily });
  }
  return result;
}

/** Subscriber histories of territories' subtrees over [from, to]. */
export async function territoryHistories(ids: readonly number[], filter: HistoryFilter): Promise<Map<number, HistoryPoint[]>> {
  const series = await territoryChangeSeries(ids, filter, true);
  return new Map([...series].map(([id, s]) => [id, historyFromChanges(s, filter.from, filter.to, filter.interval)]));
}

/** Growth of territories' subtrees between `from` and `to`. */
export async function territoryGrowths(ids: readonly number[], filter: RangeFilter): Promise<Map<number, Growth>> {
  const series = await territoryChangeSeries(ids, filter, false);
  return new Map([...series].map(([id, s]) => [id, growthFromChanges(s, filter.from, filter.to)]));
}

/**
 * Stats of organisations from their own pages: the same figures as a territory's, over one
 * organisation (organisations is 1; organisationsWithPages is 1 when it has an active page on a
 * filtered platform; bySector holds its sector).
 */
export async function organisationStats(
  ids: readonly number[],
  filter: { platformIds: number[] | null; at: Day | null },
  catalogue: Catalogue | Promise<Catalogue>,
): Promise<Map<number, Stats>> {
  const [rows, platformsAndSectors] = await Promise.all([selectOrganisationStats(ids, filter.platformIds, filter.at), catalogue]);
  const result = new Map<number, Stats>();
  for (const [id, own] of group(rows, (row) => row.organisation_id)) {
    const cells: PageCell[] = [];
    let mask = 0;
    for (const row of own) {
      if (row.platform_id === null) continue;
      cells.push({
        sectorId: row.sector_id,
        platformId: row.platform_id,
        pages: row.pages,
        subscribers: BigInt(row.subscribers),
        verifiedPages: row.verified_pages,
        verifiedSubscribers: BigInt(row.verified_subscribers),
      });
      mask |= platformBit(row.platform_id);
    }
    const sets = [{ sectorId: own[0].sector_id, platformMask: mask, organisations: 1 }];
    result.set(id, foldStats(cells, sets, filter.platformIds, platformsAndSectors));
  }
  for (const id of ids) if (!result.has(id)) result.set(id, EMPTY_STATS);
  return result;
}

/** Histories of pages over [from, to] from their observations. */
export async function pageHistories(ids: readonly number[], filter: { from: Day; to: Day; interval: Interval }): Promise<Map<number, HistoryPoint[]>> {
  const rows = await selectPageObservations(ids, filter.from, filter.to);
  const byPage = group(rows, (row) => row.page_id);
  return new Map(
    ids.map((id) => [
      id,
      historyFromObservations(
        (byPage.get(id) ?? []).map((row) => ({ day: row.day, subscribers: row.subscribers })),
        filter.from,
        filter.to,
        filter.interval,
      ),
    ]),
  );
}
