import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { Platform, Sector } from '../catalogue/schema.js';
import type { Interval as IntervalName } from './dates.js';
import { statsDetail } from './detail.js';
import {
  checkRange,
  type HistoryFilter,
  MAX_HISTORY_DAYS,
  NO_FILTER,
  type RangeFilter,
  resolveScopeFilter,
  type ScopeFilter,
  type StatsFilter,
} from './filter.js';
import type { PlatformStats as PlatformStatsValue, SectorStats as SectorStatsValue, Stats as StatsValue } from './fold.js';
import type { Growth as GrowthValue, HistoryPoint as HistoryPointValue } from './history.js';

/*
 * Subscriber figures: Stats, history and growth of a territory's subtree (from the maintained
 * rollups), of an organisation (from its pages) and a page's history (from its observations).
 * Resolvers resolve the filter codes and hand (node id, filter) to a DataLoader: one SQL statement
 * per distinct filter per request, however many nodes ask.
 */

export const Interval = builder.enumType('Interval', {
  description: 'Spacing of the points of a subscriber history.',
  values: {
    DAY: { description: 'One point per day.' },
    WEEK: { description: 'One point per ISO week (Monday to Sunday), on its Sunday; the last point is `to`.' },
    MONTH: { description: 'One point per calendar month, on its last day; the last point is `to`.' },
  } as const,
});

/** Said on each verified subscriber figure: it is kept for now, not for past days. */
const CURRENT_ONLY = ' Current only: `at` does not move it back in time (the verified figures are kept for today, not as a history).';

export const PlatformStats = builder.objectRef<PlatformStatsValue>('PlatformStats').implement({
  description: "Figures of one platform within a scope (the scope's sector filter applies).",
  fields: (t) => ({
    platform: t.field({ type: Platform, description: 'The platform.', resolve: (s) => s.platform }),
    subscribers: t.field({
      type: 'BigInt',
      description: 'Sum over the active pages on this platform of their latest subscriber count (as of `at` when given).',
      resolve: (s) => s.subscribers,
    }),
    pages: t.exposeInt('pages', { description: 'Active pages on this platform (current, whatever `at`).' }),
    organisations: t.exposeInt('organisations', { description: 'Organisations with at least one active page on this platform (current).' }),
    verifiedPages: t.exposeInt('verifiedPages', { description: 'Active pages on this platform with the verification mark ("госметка"); current.' }),
    verifiedSubscribers: t.field({
      type: 'BigInt',
      description: `Sum over the verified active pages on this platform of their latest subscriber count.${CURRENT_ONLY}`,
      resolve: (s) => s.verifiedSubscribers,
    }),
  }),
});

export const SectorStats = builder.objectRef<SectorStatsValue>('SectorStats').implement({
  description: "Figures of one sector within a scope (the scope's platform filter applies to subscribers, pages and organisationsWithPages).",
  fields: (t) => ({
    sector: t.field({ type: Sector, description: 'The sector.', resolve: (s) => s.sector }),
    subscribers: t.field({
      type: 'BigInt',
      description: "Sum over the sector's active pages on the filtered platforms of their latest subscriber count (as of `at` when given).",
      resolve: (s) => s.subscribers,
    }),
    pages: t.exposeInt('pages', { description: "Active pages of the sector's organisations on the filtered platforms." }),
    organisations: t.exposeInt('organisations', { description: 'Organisations of the sector (the platform filter does not narrow it).' }),
    organisationsWithPages: t.exposeInt('organisationsWithPages', {
      description: 'Organisations of the sector with at least one active page on the filtered platforms (coverage).',
    }),
    verifiedPages: t.exposeInt('verifiedPages', {
      description: 'Active pages of the sector\'s organisations on the filtered platforms with the verification mark ("госметка"); current.',
    }),
    verifiedSubscribers: t.field({
      type: 'BigInt',
      description: `Sum over the sector's verified active pages on the filtered platforms of their latest subscriber count.${CURRENT_ONLY}`,
      resolve: (s) => s.verifiedSubscribers,
    }),
  }),
});

export const Stats = builder.objectRef<StatsValue>('Stats').implement({
  description:
    "Figures of a scope: a territory's whole subtree (itself included) or one organisation, narrowed by the sector filter. " +
    'Only active pages count; archived pages count nowhere, at any date. `at` moves only the subscriber figures back in time: ' +
    'the counts of pages and organisations are always current.',
  fields: (t) => ({
    subscribers: t.field({
      type: 'BigInt',
      description:
        "Sum over the active pages in scope on the filtered platforms of each page's latest subscriber count (its latest observation on or before `at` when given; a page not observed by then adds 0). Exact past 2^31.",
      resolve: (s) => s.subscribers,
    }),
    pages: t.exposeInt('pages', { description: 'Active pages in scope on the filtered platforms.' }),
    organisations: t.exposeInt('organisations', { description: 'Organisations in scope (the platform filter does not narrow it).' }),
    organisationsWithPages: t.exposeInt('organisationsWithPages', {
      description: 'Organisations in scope with at least one active page on the filtered platforms (coverage).',
    }),
    verifiedPages: t.exposeInt('verifiedPages', {
      description:
        'Active pages in scope on the filtered platforms that carry the verification mark ("госметка", `Page.verified`); current. `verifiedPages / pages` is the verified share.',
    }),
    verifiedSubscribers: t.field({
      type: 'BigInt',
      description: `Sum over the verified active pages in scope on the filtered platforms of each page's latest subscriber count.${CURRENT_ONLY}`,
      resolve: (s) => s.verifiedSubscribers,
    }),
    byPlatform: t.field({
      type: [PlatformStats],
      description: 'One entry per platform (of the filter) with anything in scope, by subscribers descending, then platform code.',
      resolve: (s) => s.byPlatform,
    }),
    bySector: t.field({
      type: [SectorStats],
      description: 'One entry per sector (of the filter) with anything in scope, by subscribers descending, then sector code.',
      resolve: (s) => s.bySector,
    }),
  }),
});

export const HistoryPoint = builder.objectRef<HistoryPointValue>('HistoryPoint').implement({
  description: 'The subscriber figure as of one day.',
  fields: (t) => ({
    date: t.field({ type: 'Date', description: "The day (for WEEK and MONTH, the period's last day, or `to` for the last point).", resolve: (p) => p.date }),
    subscribers: t.field({ type: 'BigInt', description: 'The subscriber figure as of that day.', resolve: (p) => p.subscribers }),
  }),
});

export const Growth = builder.objectRef<GrowthValue>('Growth').implement({
  description: 'How a subscriber figure changed between two days.',
  fields: (t) => ({
    from: t.field({ type: 'Date', description: 'The first day.', resolve: (g) => g.from }),
    to: t.field({ type: 'Date', description: 'The second day.', resolve: (g) => g.to }),
    subscribersFrom: t.field({ type: 'BigInt', description: 'The figure as of `from`.', resolve: (g) => g.subscribersFrom }),
    subscribersTo: t.field({ type: 'BigInt', description: 'The figure as of `to`.', resolve: (g) => g.subscribersTo }),
    change: t.field({ type: 'BigInt', description: '`subscribersTo - subscribersFrom` (negative for a fall).', resolve: (g) => g.change }),
    relativeChange: t.float({
      nullable: true,
      description: '`change / subscribersFrom` (0.05 = +5 %); null when `subscribersFrom` is 0.',
      resolve: (g) => (g.subscribersFrom === 0n ? null : Number(g.change) / Number(g.subscribersFrom)),
    }),
  }),
});

// Argument descriptions shared by every figure field.
const PLATFORMS = 'Platform codes (e.g. `["VK", "TELEGRAM"]`, see `platforms`) to count pages on; all platforms when left out or empty.';
const SECTORS = 'Sector codes (e.g. `["education"]`, see `sectors`) to narrow the organisations to; all sectors when left out or empty.';
const AT = "Take subscriber figures as of this day (each page's latest observation on or before it); now when left out. Counts stay current.";
const FROM = 'First day of the range.';
const TO = 'Last day of the range (on or after `from`).';

interface ScopeArgs {
  platforms?: readonly string[] | null;
  sectors?: readonly string[] | null;
}

/**
 * Platform and sector codes resolved to ids. Without codes the catalogue is not waited for, so
 * an unfiltered figure's statement starts at once (the fold reads the catalogue alongside it).
 */
async function scopeFilter(context: Context, args: ScopeArgs): Promise<ScopeFilter> {
  if (!args.platforms?.length && !args.sectors?.length) return { platformIds: null, sectorIds: null };
  return resolveScopeFilter(await context.loaders.catalogue(), args);
}

async function statsFilter(context: Context, args: ScopeArgs & { at?: string | null }): Promise<StatsFilter> {
  // The common case, and the key figures read along are primed under (src/modules/territory/readAhead.ts).
  if (!args.platforms?.length && !args.sectors?.length && args.at == null) return NO_FILTER;
  const { platformIds, sectorIds } = await scopeFilter(context, args);
  return { platformIds, sectorIds, at: args.at ?? null };
}

async function rangeFilter(context: Context, args: ScopeArgs & { from: string; to: string }, maxDays?: number): Promise<RangeFilter> {
  checkRange(args.from, args.to, maxDays);
  const { platformIds, sectorIds } = await scopeFilter(context, args);
  return { platformIds, sectorIds, from: args.from, to: args.to };
}

async function historyFilter(context: Context, args: ScopeArgs & { from: string; to: string; interval?: IntervalName | null }): Promise<HistoryFilter> {
  return { ...(await rangeFilter(context, args, MAX_HISTORY_DAYS)), interval: args.interval ?? 'DAY' };
}

/**
 * Said on each figure field: they stay non-null (a nullable output would break every typed
 * client already generated from this schema), so an error in one nulls its territory; a tile that
 * must fail alone asks through its own alias of `territory(code:)`.
 */
const FAILS_WITH_TERRITORY =
  ' Non-null: if it fails (bad arguments, a time limit), the error carries its path and its territory is null; give each dashboard tile its own `territory(code:)` alias so one failing figure empties one tile.';

builder.prismaObjectFields('Territory', (t) => ({
  stats: t.field({
    type: Stats,
    select: { id: true },
    description: `Figures of the whole subtree (this territory and everything below it), from maintained rollups: as cheap at the federation as at a village.${FAILS_WITH_TERRITORY}`,
    args: {
      platforms: t.arg.stringList({ description: PLATFORMS }),
      sectors: t.arg.stringList({ description: SECTORS }),
      at: t.arg({ type: 'Date', description: AT }),
    },
    resolve: async (territory, args, context, info) =>
      context.loaders.territoryStats.load({ id: territory.id, filter: await statsFilter(context, args), detail: statsDetail(info) }),
  }),
  history: t.field({
    type: [HistoryPoint],
    select: { id: true },
    description: `The subtree's subscriber figure over [from, to], one point per interval, oldest first. At most ${MAX_HISTORY_DAYS} days.${FAILS_WITH_TERRITORY}`,
    args: {
      from: t.arg({ type: 'Date', required: true, description: FROM }),
      to: t.arg({ type: 'Date', required: true, description: TO }),
      interval: t.arg({ type: Interval, defaultValue: 'DAY', description: 'Spacing of the points.' }),
      platforms: t.arg.stringList({ description: PLATFORMS }),
      sectors: t.arg.stringList({ description: SECTORS }),
    },
    resolve: async (territory, args, context) => context.loaders.territoryHistory.load({ id: territory.id, filter: await historyFilter(context, args) }),
  }),
  growth: t.field({
    type: Growth,
    select: { id: true },
    description: `Change of the subtree's subscriber figure from \`from\` to \`to\` (figure as of \`to\` minus figure as of \`from\`).${FAILS_WITH_TERRITORY}`,
    args: {
      from: t.arg({ type: 'Date', required: true, description: FROM }),
      to: t.arg({ type: 'Date', required: true, description: TO }),
      platforms: t.arg.stringList({ description: PLATFORMS }),
      sectors: t.arg.stringList({ description: SECTORS }),
    },
    resolve: async (territory, args, context) => context.loaders.territoryGrowth.load({ id: territory.id, filter: await rangeFilter(context, args) }),
  }),
}));

builder.prismaObjectFields('Organisation', (t) => ({
  stats: t.field({
    type: Stats,
    select: { id: true },
    description:
      'Figures of this organisation from its own pages: subscribers and pages over its active pages (on the filtered platforms); organisations is 1; organisationsWithPages is 1 when it has an active page on a filtered platform; bySector holds its sector.',
    args: {
      platforms: t.arg.stringList({ description: PLATFORMS }),
      at: t.arg({ type: 'Date', description: AT }),
    },
    resolve: async (organisation, args, context) => {
      const { platformIds } = await scopeFilter(context, { platforms: args.platforms });
      return context.loaders.organisationStats.load({ id: organisation.id, filter: { platformIds, at: args.at ?? null } });
    },
  }),
}));

builder.prismaObjectFields('Page', (t) => ({
  history: t.field({
    type: [HistoryPoint],
    select: { id: true },
    description: `This page's subscriber count over [from, to], oldest first: at each point, its latest observation on or before that day (0 before its first). Whatever the page's status: archived pages keep their history, they only count nowhere in aggregates. At most ${MAX_HISTORY_DAYS} days.`,
    args: {
      from: t.arg({ type: 'Date', required: true, description: FROM }),
      to: t.arg({ type: 'Date', required: true, description: TO }),
      interval: t.arg({ type: Interval, defaultValue: 'DAY', description: 'Spacing of the points.' }),
    },
    resolve: (page, args, context) => {
      checkRange(args.from, args.to, MAX_HISTORY_DAYS);
      return context.loaders.pageHistory.load({ id: page.id, filter: { from: args.from, to: args.to, interval: args.interval ?? 'DAY' } });
    },
  }),
}));
