import { builder } from '../../builder.js';
import { Platform } from '../catalogue/schema.js';
import type { Compliance as ComplianceValue, PlatformGap as PlatformGapValue } from './compliance.js';
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
