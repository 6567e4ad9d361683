import { GraphQLError } from 'graphql';
import { prisma } from '../../db/prisma.js';
import { addDays, type Day, today } from '../figures/dates.js';
import { resolveScopeFilter, type ScopeFilter } from '../figures/filter.js';
import type { Stats } from '../figures/fold.js';
import type { Growth, HistoryPoint } from '../figures/history.js';
import { createLoaders, type Loaders } from '../loaders.js';
import type { EmbedQuery } from './query.js';
import type { FiguresData } from './view.js';
import { GROWTH_DAYS } from './words.js';

/**
 * The figures the server-rendered embeds show (badges, iframe page), through the figures
 * module's loaders: the same numbers as the API's `territory(code:)` fields, never other SQL.
 */

export interface EmbedTerritory {
  id: number;
  code: string;
  name: string;
}

/** Everything the iframe page shows of a territory. */
export interface EmbedFigures {
  territory: EmbedTerritory;
  stats: Stats;
  growth: Growth;
  history: HistoryPoint[];
  from: Day;
  to: Day;
}

/** True for an error the client must fix (a malformed code, an unknown platform or sector). */
export function isBadUserInput(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError && error.extensions?.code === 'BAD_USER_INPUT';
}

/** The territory with this (normalised) code, or null when none has it. */
export async function findTerritory(code: string): Promise<EmbedTerritory | null> {
  return prisma().territory.findUnique({ where: { code }, select: { id: true, code: true, name: true } });
}

/** Platform and sector codes resolved; an unknown one throws BAD_USER_INPUT. */
async function scopeOf(loaders: Loaders, query: Pick<EmbedQuery, 'platforms' | 'sectors'>): Promise<ScopeFilter> {
  return resolveScopeFilter(await loaders.catalogue(), query);
}

/** Current stats of a territory's subtree under the query's platforms and sectors. */
export async function loadStats(territory: EmbedTerritory, query: Pick<EmbedQuery, 'platforms' | 'sectors'>): Promise<Stats> {
  const loaders = createLoaders();
  const scope = await scopeOf(loaders, query);
  return loaders.territoryStats.load({ id: territory.id, filter: { ...scope, at: null } });
}

/** Stats, growth over the last 90 days and the weekly history of a territory (today in UTC). */
export async function loadFigures(territory: EmbedTerritory, query: Pick<EmbedQuery, 'platforms' | 'sectors'>, now = new Date()): Promise<EmbedFigures> {
  const loaders = createLoaders();
  const scope = await scopeOf(loaders, query);
  const to = today(now);
  const from = addDays(to, -GROWTH_DAYS);
  const [stats, growth, history] = await Promise.all([
    loaders.territoryStats.load({ id: territory.id, filter: { ...scope, at: null } }),
    loaders.territoryGrowth.load({ id: territory.id, filter: { ...scope, from, to } }),
    loaders.territoryHistory.load({ id: territory.id, filter: { ...scope, from, to, interval: 'WEEK' } }),
  ]);
  return { territory, stats, growth, history, from, to };
}

/** The figures in the shape of the widget's document (`embed-figures-v1`), numbers as JSON numbers. */
export function asFiguresData(figures: EmbedFigures): FiguresData {
  const { territory, stats, growth, history } = figures;
  return {
    code: territory.code,
    name: territory.name,
    stats: {
      subscribers: Number(stats.subscribers),
      organisations: stats.organisations,
      organisationsWithPages: stats.organisationsWithPages,
      byPlatform: stats.byPlatform.map((entry) => ({
        platform: { code: entry.platform.code, name: entry.platform.name },
        subscribers: Number(entry.subscribers),
      })),
    },
    growth: {
      change: Number(growth.change),
      relativeChange: growth.subscribersFrom === 0n ? null : Number(growth.change) / Number(growth.subscribersFrom),
      subscribersFrom: Number(growth.subscribersFrom),
      subscribersTo: Number(growth.subscribersTo),
    },
    history: history.map((point) => ({ date: point.date, subscribers: Number(point.subscribers) })),
  };
}
