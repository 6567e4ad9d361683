import { builder } from '../../builder.js';
import { prisma } from '../../db/prisma.js';
import type { Territory as TerritoryRow } from '../../generated/prisma/client.js';
import { connectionType, sliceByPosition, sliceOfPartition } from '../common/connection.js';
import { OrderDirection } from '../common/order.js';
import { isPlainRows, selectionOf } from '../common/selection.js';
import { sliceArgs } from '../common/slice.js';
import { primePlatformSets } from '../monitoring/loaders.js';
import { searchSpec } from '../search/rank.js';
import { searchText } from '../search/text.js';
import { resolveTerritoryOrder } from './args.js';
import { territoryCode } from './code.js';
import { TERRITORY_LEVELS } from './levels.js';
import { childStatsAhead, territoryAhead } from './readAhead.js';
import {
  TERRITORY_FIELDS,
  type TerritoryConditions,
  type TerritoryOrder as TerritoryOrderSpec,
  territoryByCode,
  territoryByCodeAlong,
  territoryCount,
  territoryIds,
} from './sql.js';

export const TerritoryLevel = builder.enumType('TerritoryLevel', {
  // The schema (printed and introspected alike) lists enum values alphabetically: the tree order is said here.
  description: `Level of a territory in the tree. From the top: ${TERRITORY_LEVELS.join(', ')} (the schema lists the values alphabetically; \`Territory.depth\` is a territory's distance from the root).`,
  values: {
    FEDERATION: { description: 'The Russian Federation (code `RU`), the root.' },
    FEDERAL_DISTRICT: {
      description:
        'A federal district. Its code is chosen by the data, not OKTMO: 1–40 capital Latin or Cyrillic letters, digits, `-` or `_`, with at least one letter (`FD-CENTRAL`, `FD1`, `ЦФО`).',
    },
    REGION: { description: 'A federal subject: oblast, krai, republic, federal city, autonomous okrug.' },
    MUNICIPAL_DISTRICT: { description: 'A municipal district (муниципальный район).' },
    MUNICIPAL_OKRUG: { description: 'A municipal okrug (муниципальный округ).' },
    URBAN_OKRUG: { description: 'An urban okrug (городской округ).' },
    INTRACITY_TERRITORY: { description: 'An intra-city territory of a federal city (Moscow, St Petersburg, Sevastopol).' },
    INTRACITY_DISTRICT: { description: 'An intra-city district of an urban okrug.' },
    URBAN_SETTLEMENT: { description: 'An urban settlement (городское поселение).' },
    RURAL_SETTLEMENT: { description: 'A rural settlement (сельское поселение).' },
    INTER_SETTLEMENT_TERRITORY: { description: 'An inter-settlement territory (межселенная территория).' },
    LOCALITY: { description: 'A locality (населённый пункт), 11-digit OKTMO code.' },
  } as const,
});

export const TerritoryStatus = builder.enumType('TerritoryStatus', {
  description: 'Whether a territory is current or was retired by a reform of the municipal structure.',
  values: {
    ACTIVE: { description: 'A current territory.' },
    RETIRED: {
      description:
        'Abolished or merged by a reform (a district turned into an okrug, a settlement abolished). It keeps its code, parent and history of where it was, but holds nothing: no current child, no organisation, so its figures are zero at every date (an organisation’s history moves with it). `territory(code:)` and `node(id:)` still return it; `children` and `territories` leave it out.',
    },
  } as const,
});

export const TerritoryOrderField = builder.enumType('TerritoryOrderField', {
  description: 'What a list of territories can be ordered by.',
  values: {
    NAME: { description: 'Name, alphabetically, ignoring case and ё/е.' },
    CODE: { description: 'Code (OKTMO codes sort in the official order).' },
    SUBSCRIBERS: {
      description:
        "Current subscribers of the territory's whole subtree (active pages, every platform and sector); use `direction: DESC` to rank the biggest first. Ties are ordered by name.",
    },
    COVERAGE: {
      description:
        'Coverage of the subtree: `stats.organisationsWithPages / stats.organisations` (every platform and sector; 0 for a territory without organisations). `direction: ASC` puts the laggards first. Ties are ordered by name.',
    },
    COMPLIANCE: {
      description:
        "Compliance of the subtree with the order's `required` platforms: `compliance(required:).share` (every sector; 0 for a territory without organisations). Needs `required` (BAD_USER_INPUT without it). Ties are ordered by name.",
    },
    GROWTH: {
      description:
        "Change of the subtree's subscriber figure over the order's `from`/`to` (`growth(from:, to:).change`, every platform and sector; absolute, not relative). Needs `from` and `to` (BAD_USER_INPUT without them). Ties are ordered by name.",
    },
    STALE_SHARE: {
      description:
        "Share of the subtree's active pages not counted for the order's `olderThanDays` (default 30): `freshness(olderThanDays:).staleShare` (0 for a territory without active pages). `direction: DESC` puts the most neglected first. Ties are ordered by name.",
    },
  } as const,
});

export const TerritoryOrder = builder.inputType('TerritoryOrder', {
  description: 'Order of a list of territories.',
  fields: (t) => ({
    field: t.field({ type: TerritoryOrderField, defaultValue: 'NAME', description: 'What to order by (default NAME).' }),
    direction: t.field({ type: OrderDirection, defaultValue: 'ASC', description: 'Ascending or descending (default ASC).' }),
    required: t.stringList({
      required: false,
      description: 'COMPLIANCE only: the platform codes every organisation should have an active page on (e.g. `["VK", "OK"]`); an unknown code is an error.',
    }),
    from: t.field({ type: 'Date', required: false, description: 'GROWTH only: the first day of the change.' }),
    to: t.field({ type: 'Date', required: false, description: 'GROWTH only: the last day of the change (on or after `from`).' }),
    olderThanDays: t.int({
      required: false,
      description: 'STALE_SHARE only: a page not counted for more than this many days is stale (default 30; 0 to 3650).',
    }),
  }),
});

export const TerritoryFilter = builder.inputType('TerritoryFilter', {
  description: 'Narrows a list of territories; every field given must hold (AND). Absent, null or empty fields do not narrow.',
  fields: (t) => ({
    levels: t.field({ type: [TerritoryLevel], required: false, description: 'Only territories of these levels.' }),
    within: t.string({
      required: false,
      description:
        'Only the subtree of the territory with this code, the territory itself included (combine with `levels` to pick, say, the municipal districts of a region). A well-formed code no territory has gives an empty list.',
    }),
    parentCode: t.string({
      required: false,
      description: 'Only the direct children of the territory with this code (an unknown code gives an empty list).',
    }),
    search: t.string({
      required: false,
      description:
        'Names containing every word of this text, ignoring case and ё/е; a partial word is enough ("петушин" finds "Петушинский муниципальный район"), and texts of 4 characters or more also find close misspellings. Results are ranked: the exact name first, then names starting with the text, then names with a word starting with it, then the rest (unless `orderBy` is given). Blank means no search; at most 100 characters, and at least 3 letters or digits in a row somewhere (BAD_USER_INPUT otherwise).',
    }),
  }),
});

type TerritoryFilterInput = { levels?: string[] | null; within?: string | null; parentCode?: string | null; search?: string | null } | null | undefined;

/** A TerritoryFilter validated (BAD_USER_INPUT on a malformed code) into query conditions. */
function territoryConditions(filter: TerritoryFilterInput): TerritoryConditions {
  const text = searchText(filter?.search, 'filter.search');
  return {
    levels: filter?.levels?.length ? filter.levels : undefined,
    withinCode: filter?.within != null ? territoryCode(filter.within, 'filter.within') : undefined,
    parentCode: filter?.parentCode != null ? territoryCode(filter.parentCode, 'filter.parentCode') : undefined,
    search: text === undefined ? undefined : searchSpec(text),
  };
}

export const Territory = builder.prismaNode('Territory', {
  id: { field: 'id' },
  // `node(id:)` with an id of no territory gives null rather than an error.
  nullable: true,
  description:
    'A node of the territorial tree: the federation, a federal district, a region, a municipal formation or a settlement. Its figures cover its whole subtree.',
  fields: (t) => ({
    code: t.exposeString('code', {
      description:
        'OKTMO code (8 digits; 11 for localities); `RU` for the federation; for a federal district, a stable code chosen by the data (1–40 capital Latin or Cyrillic letters, digits, `-` or `_`, at least one letter, e.g. `FD-CENTRAL`, `FD1`, `ЦФО`). Arguments taking a code accept any letter case.',
    }),
    name: t.exposeString('name', { description: 'Official name, e.g. "Владимирская область".' }),
    level: t.expose('level', { type: TerritoryLevel, description: 'Level in the tree.' }),
    status: t.expose('status', {
      type: TerritoryStatus,
      description: 'ACTIVE, or RETIRED by a reform (then it holds nothing and lists of territories leave it out).',
    }),
    depth: t.exposeInt('depth', { description: 'Distance from the federation (0 at the root).' }),
    parent: t.relation('parent', { nullable: true, description: 'The territory this one belongs to; null for the federation.' }),
  }),
});

export const TerritoryConnection = connectionType(Territory, 'Territory', 'territories');

// Fields returning territories, declared once the type exists.
builder.prismaObjectFields(Territory, (t) => ({
  ancestors: t.field({
    type: [Territory],
    select: { path: true },
    description: 'Every territory above this one, the federation first and the parent last (empty for the federation): a breadcrumb.',
    resolve: async (territory, _args, context, info) => {
      const ids = territory.path.slice(0, -1);
      if (ids.length === 0) return [];
      const rows = await context.loaders.territoriesById(await selectionOf(context, info, 'Territory')).loadMany(ids);
      return rows.filter((row): row is TerritoryRow => row !== null && !(row instanceof Error));
    },
  }),
  children: t.connection(
    {
      type: Territory,
      description:
        'The current territories directly below this one (empty for a settlement or locality; retired ones are left out), by name unless `orderBy` says otherwise.',
      args: { orderBy: t.arg({ type: TerritoryOrder, description: 'Order of the children (default: by name, ascending).' }) },
      resolve: async (territory, args, context, info) => {
        const slice = sliceArgs('children', args);
        const order = await resolveTerritoryOrder(context, args.orderBy);
        // The selection is needed even for rows read already: plugin-prisma learns from it what the rows hold.
        const selection = await selectionOf(context, info, 'Territory', true);
        // Read along with the parent already (readAhead.ts), when the items ask no relation; or read now.
        const partition =
          (isPlainRows(selection, TERRITORY_FIELDS) ? context.loaders.primedChildren(territory.id, order, slice) : undefined) ??
          (await context.loaders.children(selection, order, slice, childStatsAhead(info)).load(territory.id));
        return sliceOfPartition('children', slice, partition.total, partition.nodes);
      },
    },
    TerritoryConnection,
  ),
}));

builder.queryFields((t) => ({
  territory: t.prismaField({
    authScopes: { public: true },
    type: 'Territory',
    nullable: true,
    description:
      'A territory by its code (`RU`, a federal district code such as `FD-CENTRAL` or `ЦФО`, an OKTMO code such as `17000000`; letter case does not matter); null when no territory has it.',
    args: { code: t.arg.string({ required: true, description: 'The territory code; a malformed one is an error (BAD_USER_INPUT).' }) },
    resolve: async (query, _root, args, context, info) => {
      const code = territoryCode(args.code, 'code');
      if (!isPlainRows(query, TERRITORY_FIELDS)) return prisma().territory.findUnique({ ...query, where: { code } });
      // No relation asked: one plain statement rather than a Prisma query, which also reads what the selection
      // asks of its stats and its children, when it asks them (readAhead.ts, docs/performance.md).
      const ahead = territoryAhead(info);
      if (ahead.stats === null && ahead.children === null && !ahead.platformSets) return territoryByCode(code);
      const read = await territoryByCodeAlong(code, ahead.stats, ahead.children, ahead.platformSets);
      const territory = read.territory;
      if (!territory) return null;
      if (ahead.platformSets) primePlatformSets(context.loaders, territory.id, read.platformSets);
      if (ahead.stats !== null) await context.loaders.primeTerritoryStats([territory.id], read.stats, ahead.stats);
      if (ahead.children) {
        const { order, slice, stats } = ahead.children;
        const partition = read.children.get(territory.id) ?? { total: 0, nodes: [] };
        context.loaders.primeChildren(territory.id, order, slice, partition);
        if (stats !== null) {
          await context.loaders.primeTerritoryStats(
            partition.nodes.map((node) => node.id),
            read.childStats,
            stats,
          );
        }
      }
      return territory;
    },
  }),
  territories: t.connection(
    {
      authScopes: { public: true },
      type: Territory,
      description:
        'Current territories matching `filter` (retired ones are left out; `territory(code:)` still finds them): by name, or ranked by relevance when `filter.search` is given, unless `orderBy` says otherwise. A malformed code in the filter is an error (BAD_USER_INPUT).',
      args: {
        filter: t.arg({ type: TerritoryFilter, description: 'Narrows the list.' }),
        orderBy: t.arg({ type: TerritoryOrder, description: 'Order of the list (default: by name, or by relevance when searching).' }),
      },
      resolve: async (_root, args, context, info) => {
        const slice = sliceArgs('territories', args);
        const conditions = territoryConditions(args.filter);
        const order: TerritoryOrderSpec = args.orderBy
          ? await resolveTerritoryOrder(context, args.orderBy)
          : { field: conditions.search ? 'RELEVANCE' : 'NAME', direction: 'ASC' };
        const loader = context.loaders.territoriesById(await selectionOf(context, info, 'Territory', true));
        return sliceByPosition(
          'territories',
          slice,
          async (offset, limit) => {
            const rows = await loader.loadMany(await territoryIds(conditions, order, offset, limit));
            return rows.filter((row): row is TerritoryRow => row !== null && !(row instanceof Error));
          },
          () => territoryCount(conditions),
        );
      },
    },
    TerritoryConnection,
  ),
}));
