import { builder } from '../../builder.js';
import { Platform } from '../catalogue/schema.js';
import { connectionType, sliceByPosition } from '../common/connection.js';
import { sliceArgs } from '../common/slice.js';
import { type Anomaly as AnomalyValue, anomalyPages, anomalySpec, MAX_ANOMALY_DAYS } from './anomalies.js';
import { ANOMALY_FLOOR } from './anomalyFloor.js';
import type { Compliance as ComplianceValue, PlatformGap as PlatformGapValue } from './compliance.js';
import { type Freshness as FreshnessValue, MAX_OLDER_THAN_DAYS, territoryFreshness } from './freshness.js';
import { complianceFilter, territoryCompliance } from './service.js';
import { countAnomalies, selectAnomalies } from './sql.js';

/*
 * Monitoring for the regions' centres (DESIGN.md section 13): compliance of a territory's
 * organisations with a set of required platforms, exact from the organisation rollup.
 */

export const PlatformGap = builder.objectRef<PlatformGapValue>('PlatformGap').implement({
  description: 'Organisations of a scope without an active page on one required platform.',
  fields: (t) => ({
    platform: t.field({ type: Platform, description: 'The required platform.', resolve: (gap) => gap.platform }),
    organisations: t.exposeInt('organisations', {
      description: 'Organisations in scope with no active page on this platform (an organisation missing two platforms counts under each).',
    }),
  }),
});

export const Compliance = builder.objectRef<ComplianceValue>('Compliance').implement({
  description:
    "How many organisations of a territory's subtree have an active page on every required platform (archived pages count nowhere). Exact at any node: read from the maintained organisation rollup, as cheap at the federation as in a village.",
  fields: (t) => ({
    organisations: t.exposeInt('organisations', { description: 'Organisations in scope (the subtree, narrowed by `sectors`).' }),
    compliant: t.exposeInt('compliant', { description: 'Organisations in scope with an active page on every required platform.' }),
    share: t.exposeFloat('share', {
      description: '`compliant / organisations`, from 0 to 1 (0.75 = 75 %). 0 when the scope has no organisation: an empty territory never shows as a success.',
    }),
    missing: t.field({
      type: [PlatformGap],
      description:
        'Per required platform (in the order of `platforms`), the organisations in scope without an active page there. List them with `organisations(filter: { within, missingPlatforms })`.',
      resolve: (compliance) => compliance.missing,
    }),
  }),
});

builder.prismaObjectFields('Territory', (t) => ({
  compliance: t.field({
    type: Compliance,
    select: { id: true },
    description:
      'Compliance of the organisations of the whole subtree with the required platforms: how many have an active page on every one of them, and per platform how many lack one.',
    args: {
      required: t.arg.stringList({
        required: true,
        description:
          'Platform codes every organisation should have an active page on (e.g. `["VK", "OK"]`, see `platforms`); at least one; an unknown code is an error (BAD_USER_INPUT) listing the known ones.',
      }),
      sectors: t.arg.stringList({ description: 'Sector codes (e.g. `["education"]`) to narrow the organisations to; all sectors when left out or empty.' }),
    },
    resolve: async (territory, args, context) => territoryCompliance(context.loaders, territory.id, complianceFilter(await context.loaders.catalogue(), args)),
  }),
}));

export const Freshness = builder.objectRef<FreshnessValue>('Freshness').implement({
  description:
    "How recently the active pages of a territory's subtree were counted. Exact at any node: read from a maintained rollup of active pages by the day of their latest observation, as cheap at the federation as in a village.",
  fields: (t) => ({
    pages: t.exposeInt('pages', { description: 'Active pages in scope (the whole subtree, every platform and sector).' }),
    stalePages: t.exposeInt('stalePages', {
      description: 'Active pages whose latest observation is before `since` (older than `olderThanDays`), or that were never observed.',
    }),
    staleShare: t.exposeFloat('staleShare', { description: '`stalePages / pages`, from 0 to 1; 0 when the scope has no active page.' }),
    oldestObservedOn: t.field({
      type: 'Date',
      nullable: true,
      description:
        'The oldest latest-observation day among the observed active pages (the page counted longest ago); null when no active page was ever observed.',
      resolve: (f) => f.oldestObservedOn,
    }),
    since: t.field({
      type: 'Date',
      description: 'The cut-off day: today (UTC) minus `olderThanDays`; a page last counted before it is stale.',
      resolve: (f) => f.since,
    }),
    olderThanDays: t.exposeInt('olderThanDays', { description: 'The `olderThanDays` this was asked with.' }),
  }),
});

builder.prismaObjectFields('Territory', (t) => ({
  freshness: t.field({
    type: Freshness,
    select: { id: true },
    description:
      'How many active pages of the whole subtree have not been counted for `olderThanDays` days (or never), and the oldest latest count. Batched: a region’s children with their freshness cost one statement.',
    args: {
      olderThanDays: t.arg.int({
        defaultValue: 30,
        description: `A page whose latest observation is older than this many days before today (UTC) is stale; 0 to ${MAX_OLDER_THAN_DAYS} (else BAD_USER_INPUT).`,
      }),
    },
    resolve: (territory, args, context) => territoryFreshness(context.loaders, territory.id, args.olderThanDays ?? 30),
  }),
}));

export const Anomaly = builder.objectRef<AnomalyValue>('Anomaly').implement({
  description:
    "A large step of one page's subscriber count between two consecutive observations (a possible bought audience, a recount, a merge): found when the observations are written.",
  fields: (t) => ({
    page: t.prismaField({
      type: 'Page',
      description: 'The page whose count jumped.',
      // The pages of a request's anomalies in one statement (anomalyPages), with what the selection below asks.
      resolve: (query, anomaly, _args, context) => anomalyPages(context.loaders, query).load(anomaly.pageId) as never,
    }),
    date: t.field({ type: 'Date', description: 'The day of the observation after the step.', resolve: (a) => a.date }),
    since: t.field({
      type: 'Date',
      description: 'The day of the observation before it (the previous one of the page; not always the day before).',
      resolve: (a) => a.since,
    }),
    before: t.exposeInt('before', { description: 'The count on `since`.' }),
    after: t.exposeInt('after', { description: 'The count on `date`.' }),
    change: t.int({ description: '`after - before` (negative for a fall).', resolve: (a) => a.after - a.before }),
    changePercent: t.float({
      nullable: true,
      description: '`change / before * 100`; null when `before` is 0.',
      resolve: (a) => (a.before === 0 ? null : ((a.after - a.before) / a.before) * 100),
    }),
  }),
});

const AnomalyConnection = connectionType(Anomaly, 'Anomaly', 'anomalies');

builder.queryFields((t) => ({
  anomalies: t.connection(
    {
      authScopes: { public: true },
      type: Anomaly,
      description: `Day-to-day jumps of single pages' counts in a subtree: steps between consecutive observations of an active page on days in [from, to] with |after - before| >= \`minChange\` AND >= \`minChangePercent\` % of \`before\`, newest first (then by page). Read from a table kept by every load (late and corrected observations included), as cheap at the federation as in a village. Thresholds below the stored floor (${ANOMALY_FLOOR.change} subscribers, ${ANOMALY_FLOOR.percent} %) and ranges over ${MAX_ANOMALY_DAYS} days are BAD_USER_INPUT.`,
      args: {
        within: t.arg.string({ required: true, description: "Code of the subtree's root territory (e.g. `RU`, `17000000`); an unknown code lists nothing." }),
        from: t.arg({ type: 'Date', required: true, description: 'First day of the range (the day of the later observation).' }),
        to: t.arg({ type: 'Date', required: true, description: `Last day of the range (on or after \`from\`; at most ${MAX_ANOMALY_DAYS} days).` }),
        minChangePercent: t.arg.float({
          defaultValue: 20,
          description: `Smallest |change| as a percent of \`before\` (default 20; at least ${ANOMALY_FLOOR.percent}).`,
        }),
        minChange: t.arg.int({ defaultValue: 500, description: `Smallest |change| in subscribers (default 500; at least ${ANOMALY_FLOOR.change}).` }),
      },
      resolve: (_root, args) => {
        const slice = sliceArgs('anomalies', args);
        const spec = anomalySpec(args);
        // The slice's rows carry the size of the whole list: counted apart only when the slice is empty (or `last` asks first).
        let total: number | undefined;
        return sliceByPosition(
          'anomalies',
          slice,
          async (offset, limit) => {
            const rows = await selectAnomalies(spec, offset, limit);
            if (rows.length) total = rows[0]![5];
            return rows.map(([pageId, date, since, before, after]) => ({ pageId, date, since, before, after }));
          },
          async () => total ?? countAnomalies(spec),
        );
      },
    },
    AnomalyConnection,
  ),
}));
