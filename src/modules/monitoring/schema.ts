import { builder } from '../../builder.js';
import { Platform } from '../catalogue/schema.js';
import type { Compliance as ComplianceValue, PlatformGap as PlatformGapValue } from './compliance.js';
import { type Freshness as FreshnessValue, MAX_OLDER_THAN_DAYS, territoryFreshness } from './freshness.js';
import { complianceFilter, territoryCompliance } from './service.js';

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
