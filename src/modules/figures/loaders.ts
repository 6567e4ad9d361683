import DataLoader from 'dataloader';
import type { Catalogue } from '../catalogue/catalogue.js';
import { foldTerritoryStats, organisationStats, pageHistories, territoryGrowths, territoryHistories, territoryStats } from './compute.js';
import type { Day, Interval } from './dates.js';
import { FULL, PLATFORMS, type StatsDetail } from './detail.js';
import { filterKey, type HistoryFilter, NO_FILTER, type RangeFilter, type StatsFilter } from './filter.js';
import type { Stats } from './fold.js';
import type { Growth, HistoryPoint } from './history.js';
import type { TerritoryStatsRow } from './sql.js';

/** A loader key: a node's database id and the (resolved) filter its figure is asked under. */
export interface FigureKey<F> {
  id: number;
  filter: F;
}

/** A territory stats key: the filter, and the detail the field reads (FULL when left out). */
export interface TerritoryStatsKey extends FigureKey<StatsFilter> {
  detail?: StatsDetail;
}

/** Filter of an organisation's stats. */
export interface OrganisationStatsFilter {
  platformIds: number[] | null;
  at: Day | null;
}

/** Filter of a page's history. */
export interface PageHistoryFilter {
  from: Day;
  to: Day;
  interval: Interval;
}

/** Loaders of subscriber figures (stats, history, growth), keyed by node and filter. */
export interface FigureLoaders {
  territoryStats: DataLoader<TerritoryStatsKey, Stats, string>;
  territoryHistory: DataLoader<FigureKey<HistoryFilter>, HistoryPoint[], string>;
  territoryGrowth: DataLoader<FigureKey<RangeFilter>, Growth, string>;
  organisationStats: DataLoader<FigureKey<OrganisationStatsFilter>, Stats, string>;
  pageHistory: DataLoader<FigureKey<PageHistoryFilter>, HistoryPoint[], string>;
  /**
   * Hands the rollup rows of territories' unfiltered current Stats at `detail`, read along with
   * the territories themselves (src/modules/territory/readAhead.ts), to `territoryStats`: their
   * `stats` fields (without arguments: NO_FILTER) then resolve without a statement of their own.
   */
  primeTerritoryStats(ids: readonly number[], rows: readonly TerritoryStatsRow[], detail: StatsDetail): Promise<void>;
}

/**
 * A DataLoader over (id, filter) keys: a batch is split by filter and each distinct filter costs
 * one `fetch` (one SQL statement) for all its ids; the groups run concurrently.
 */
function figureLoader<F, V>(fetch: (ids: number[], filter: F) => Promise<Map<number, V>>): DataLoader<FigureKey<F>, V, string> {
  return new DataLoader<FigureKey<F>, V, string>(
    async (keys) => {
      const groups = new Map<string, { filter: F; ids: Set<number> }>();
      for (const key of keys) {
        const k = filterKey(key.filter as object);
        const entry = groups.get(k) ?? { filter: key.filter, ids: new Set<number>() };
        entry.ids.add(key.id);
        groups.set(k, entry);
      }
      const results = new Map<string, Map<number, V>>();
      await Promise.all(
        [...groups].map(async ([k, { filter, ids }]) => {
          results.set(
            k,
            await fetch(
              [...ids].sort((a, b) => a - b),
              filter,
            ),
          );
        }),
      );
      return keys.map((key) => {
        const value = results.get(filterKey(key.filter as object))?.get(key.id);
        return value === undefined ? new Error(`no figures for node ${key.id}`) : value;
      });
    },
    { cacheKeyFn: (key) => `${key.id}|${filterKey(key.filter as object)}`, maxBatchSize: 1000 },
  );
}

/**
 * Territory stats: like `figureLoader`, and each filter's statement is made at the highest detail
 * any key of the batch asks (one statement per filter still); a key is cached with its detail, so
 * a later field asking more reads again rather than get less than it asks.
 */
function territoryStatsLoader(catalogue: () => Promise<Catalogue>): DataLoader<TerritoryStatsKey, Stats, string> {
  return new DataLoader<TerritoryStatsKey, Stats, string>(
    async (keys) => {
      const groups = new Map<string, { filter: StatsFilter; ids: Set<number>; detail: StatsDetail }>();
      for (const key of keys) {
        const k = filterKey(key.filter);
        const entry = groups.get(k) ?? { filter: key.filter, ids: new Set<number>(), detail: PLATFORMS };
        entry.ids.add(key.id);
        entry.detail = Math.max(entry.detail, key.detail ?? FULL) as StatsDetail;
        groups.set(k, entry);
      }
      const results = new Map<string, Map<number, Stats>>();
      await Promise.all(
        [...groups].map(async ([k, { filter, ids, detail }]) => {
          results.set(
            k,
            await territoryStats(
              [...ids].sort((a, b) => a - b),
              filter,
              catalogue(),
              detail,
            ),
          );
        }),
      );
      return keys.map((key) => results.get(filterKey(key.filter))?.get(key.id) ?? new Error(`no figures for node ${key.id}`));
    },
    { cacheKeyFn: (key) => `${key.id}|${key.detail ?? FULL}|${filterKey(key.filter)}`, maxBatchSize: 1000 },
  );
}

/** The figure loaders; `catalogue` is the request's one catalogue (see the catalogue module). */
export function createFigureLoaders(catalogue: () => Promise<Catalogue>): FigureLoaders {
  const territoryStatsByKey = territoryStatsLoader(catalogue);
  return {
    territoryStats: territoryStatsByKey,
    async primeTerritoryStats(ids, rows, detail) {
      const stats = foldTerritoryStats(ids, rows, NO_FILTER, await catalogue(), detail);
      // A Stats read at one detail answers every lower one.
      for (const [id, value] of stats) {
        for (let level = PLATFORMS; level <= detail; level++) territoryStatsByKey.prime({ id, filter: NO_FILTER, detail: level as StatsDetail }, value);
      }
    },
    territoryHistory: figureLoader((ids, filter: HistoryFilter) => territoryHistories(ids, filter)),
    territoryGrowth: figureLoader((ids, filter: RangeFilter) => territoryGrowths(ids, filter)),
    organisationStats: figureLoader((ids, filter: OrganisationStatsFilter) => organisationStats(ids, filter, catalogue())),
    pageHistory: figureLoader((ids, filter: PageHistoryFilter) => pageHistories(ids, filter)),
  };
}
