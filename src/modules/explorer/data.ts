import { prisma } from '../../db/prisma.js';
import type { PlatformRow } from '../catalogue/catalogue.js';
import { MAX_SLICE_SIZE } from '../common/slice.js';
import { addDays, type Day, today } from '../figures/dates.js';
import { NO_FILTER } from '../figures/filter.js';
import type { Stats } from '../figures/fold.js';
import type { Growth, HistoryPoint } from '../figures/history.js';
import { createLoaders } from '../loaders.js';
import type { Compliance } from '../monitoring/compliance.js';
import { type Freshness, territoryFreshness } from '../monitoring/freshness.js';
import { complianceFilter, territoryCompliance } from '../monitoring/service.js';
import { territoryOrder } from '../territory/args.js';
import { type ExplorerQuery, SORTS } from './query.js';

/**
 * What the explorer page shows of a territory, through the same services as the GraphQL fields
 * (figures' loaders, monitoring's compliance, the territory module's ranked children), so every
 * number on the page is the API's.
 */

/** Days of history the chart shows (a year, weekly) and of the growth the children are compared on. */
export const HISTORY_DAYS = 364;
export const GROWTH_DAYS = 90;
/** A page not counted for this many days is stale (`freshness`' default). */
export const STALE_DAYS = 30;
/** Children shown in the table: one full page of `children` (the export lists them all). */
export const CHILDREN_SHOWN = MAX_SLICE_SIZE;

export interface PlaceRef {
  code: string;
  name: string;
  level: string;
}

export interface ChildFigures extends PlaceRef {
  stats: Stats;
  compliance: Compliance;
  growth: Growth;
}

export interface ExplorerData {
  territory: PlaceRef;
  ancestors: PlaceRef[];
  platforms: PlatformRow[];
  required: PlatformRow[];
  stats: Stats;
  compliance: Compliance;
  /** Active pages not counted for STALE_DAYS days (freshness). */
  freshness: Freshness;
  growth: Growth;
  history: HistoryPoint[];
  from: Day;
  growthFrom: Day;
  to: Day;
  children: { total: number; nodes: ChildFigures[] };
}

const place = (row: { code: string; name: string; level: string }): PlaceRef => ({ code: row.code, name: row.name, level: row.level });

/** The page's figures for the territory with this (normalised) code; null when none has it. Unknown platform codes throw BAD_USER_INPUT. */
export async function explorerData(code: string, query: ExplorerQuery, now = new Date()): Promise<ExplorerData | null> {
  const loaders = createLoaders();
  const catalogue = await loaders.catalogue();
  const filter = complianceFilter(catalogue, { required: query.required });
  const territory = await prisma().territory.findUnique({ where: { code } });
  if (!territory) return null;
  const to = today(now);
  const from = addDays(to, -HISTORY_DAYS);
  const growthFrom = addDays(to, -GROWTH_DAYS);
  const order = territoryOrder(
    { field: SORTS[query.sort], direction: query.direction, from: growthFrom, to },
    filter.required.map((p) => p.id),
  );
  const scope = { platformIds: null, sectorIds: null };
  const [ancestors, stats, compliance, freshness, growth, history, children] = await Promise.all([
    loaders.territoriesById({}).loadMany(territory.path.slice(0, -1)),
    loaders.territoryStats.load({ id: territory.id, filter: NO_FILTER }),
    territoryCompliance(loaders, territory.id, filter),
    territoryFreshness(loaders, territory.id, STALE_DAYS),
    loaders.territoryGrowth.load({ id: territory.id, filter: { ...scope, from: growthFrom, to } }),
    loaders.territoryHistory.load({ id: territory.id, filter: { ...scope, from, to, interval: 'WEEK' } }),
    loaders.children({}, order, { from: 0, before: null, first: CHILDREN_SHOWN, last: null }).load(territory.id),
  ]);
  const nodes = await Promise.all(
    children.nodes.map(async (child) => {
      const [childStats, childCompliance, childGrowth] = await Promise.all([
        loaders.territoryStats.load({ id: child.id, filter: NO_FILTER }),
        territoryCompliance(loaders, child.id, filter),
        loaders.territoryGrowth.load({ id: child.id, filter: { ...scope, from: growthFrom, to } }),
      ]);
      return { ...place(child), stats: childStats, compliance: childCompliance, growth: childGrowth };
    }),
  );
  return {
    territory: place(territory),
    ancestors: ancestors.filter((row): row is NonNullable<typeof row> & PlaceRef => row !== null && !(row instanceof Error)).map(place),
    platforms: catalogue.platforms,
    required: filter.required,
    stats,
    compliance,
    freshness,
    growth,
    history,
    from,
    growthFrom,
    to,
    children: { total: children.total, nodes },
  };
}
