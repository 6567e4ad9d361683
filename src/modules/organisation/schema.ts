import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { prisma } from '../../db/prisma.js';
import type { Organisation as OrganisationRow } from '../../generated/prisma/client.js';
import { platformIds, sectorIds } from '../catalogue/codes.js';
import { platformMask } from '../catalogue/platformMask.js';
import { connectionType, sliceByPosition, sliceOfPartition } from '../common/connection.js';
import { OrderDirection } from '../common/order.js';
import { selectionOf } from '../common/selection.js';
import { sliceArgs } from '../common/slice.js';
import { PAGES_PER_ORGANISATION } from '../page/limits.js';
import { Page, PageStatus } from '../page/schema.js';
import { searchSpec } from '../search/rank.js';
import { searchText } from '../search/text.js';
import { territoryCode } from '../territory/code.js';
import { innArgument } from './identifiers.js';
import { type OrganisationConditions, type OrganisationOrder as OrganisationOrderSpec, organisationCount, organisationIds } from './sql.js';

export const OrganisationKind = builder.enumType('OrganisationKind', {
  description: 'What kind of body an organisation is.',
  values: {
    AUTHORITY: { description: 'A body of state or municipal power: a ministry, an administration, a council.' },
    INSTITUTION: { description: 'A state or municipal institution: a school, kindergarten, hospital, library, culture house…' },
    OTHER: { description: 'Any other state-funded organisation.' },
  } as const,
});

export const OrganisationOrderField = builder.enumType('OrganisationOrderField', {
  description: 'What a list of organisations can be ordered by.',
  values: {
    NAME: { description: 'Name, alphabetically, ignoring case and ё/е.' },
    SUBSCRIBERS: {
      description:
        "Current subscribers summed over the organisation's active pages; use `direction: DESC` to rank the biggest first. Ties are ordered by name.",
    },
  } as const,
});

export const OrganisationOrder = builder.inputType('OrganisationOrder', {
  description: 'Order of a list of organisations.',
  fields: (t) => ({
    field: t.field({ type: OrganisationOrderField, defaultValue: 'NAME', description: 'What to order by (default NAME).' }),
    direction: t.field({ type: OrderDirection, defaultValue: 'ASC', description: 'Ascending or descending (default ASC).' }),
  }),
});

export const OrganisationFilter = builder.inputType('OrganisationFilter', {
  description: 'Narrows a list of organisations; every field given must hold (AND). Absent, null or empty fields do not narrow.',
  fields: (t) => ({
    within: t.string({
      required: false,
      description:
        'Only organisations located in the subtree of the territory with this code, the territory itself included. A well-formed code no territory has gives an empty list; a malformed one is an error.',
    }),
    sectors: t.stringList({
      required: false,
      description: 'Only organisations of these sectors (codes such as `education`, see `sectors`); an unknown code is an error listing the known ones.',
    }),
    kinds: t.field({ type: [OrganisationKind], required: false, description: 'Only organisations of these kinds.' }),
    hasPageOn: t.stringList({
      required: false,
      description:
        'Only organisations with an active page on at least one of these platforms (codes such as `VK`, see `platforms`); an unknown code is an error listing the known ones.',
    }),
    missingPlatforms: t.stringList({
      required: false,
      description:
        'Only organisations WITHOUT an active page on at least one of these platforms (codes such as `["VK", "OK"]`): the non-compliant of `Territory.compliance(required:)` with the same codes, the organisations to call. An unknown code is an error listing the known ones.',
    }),
    withoutPages: t.boolean({
      required: false,
      description: 'True: only organisations with no active page on any platform (the coverage gap). False: only those with at least one.',
    }),
    search: t.string({
      required: false,
      description:
        'Names containing every word of this text, ignoring case and ё/е; a partial word is enough, and texts of 4 characters or more also find close misspellings. Ranked like territory search (unless `orderBy` is given). Blank means no search; at most 100 characters, and at least 3 letters or digits in a row somewhere (BAD_USER_INPUT otherwise).',
    }),
    inn: t.string({ required: false, description: 'Only the organisation(s) with this INN (10 or 12 digits, check digits verified).' }),
  }),
});

type OrganisationFilterInput =
  | {
      within?: string | null;
      sectors?: string[] | null;
      kinds?: string[] | null;
      hasPageOn?: string[] | null;
      missingPlatforms?: string[] | null;
      withoutPages?: boolean | null;
      search?: string | null;
      inn?: string | null;
    }
  | null
  | undefined;

/** An OrganisationFilter validated (BAD_USER_INPUT on malformed or unknown codes) into query conditions. */
export async function organisationConditions(context: Context, filter: OrganisationFilterInput): Promise<OrganisationConditions> {
  const text = searchText(filter?.search, 'filter.search');
  const withinCode = filter?.within != null ? territoryCode(filter.within, 'filter.within') : undefined;
  const inn = filter?.inn != null && filter.inn.trim() !== '' ? innArgument(filter.inn, 'filter.inn') : undefined;
  const [sectors, platforms, missing] = await Promise.all([
    sectorIds(context, filter?.sectors, 'filter.sectors'),
    platformIds(context, filter?.hasPageOn, 'filter.hasPageOn'),
    platformIds(context, filter?.missingPlatforms, 'filter.missingPlatforms'),
  ]);
  return {
    withinCode,
    sectorIds: sectors ?? undefined,
    kinds: filter?.kinds?.length ? filter.kinds : undefined,
    // organisation.platform_mask has a platform's bit set while it has an active page there.
    platformMask: platforms === null ? undefined : platformMask(platforms),
    missingMask: missing === null ? undefined : platformMask(missing),
    withoutPages: filter?.withoutPages ?? undefined,
    search: text === undefined ? undefined : searchSpec(text),
    inn,
  };
}

type OrganisationOrderInput = { field?: 'NAME' | 'SUBSCRIBERS' | null; direction?: 'ASC' | 'DESC' | null } | null | undefined;

/** The order asked for; by default by name, or by relevance when searching. */
export function organisationOrder(input: OrganisationOrderInput, conditions: OrganisationConditions): OrganisationOrderSpec {
  if (!input) return { field: conditions.search ? 'RELEVANCE' : 'NAME', direction: 'ASC' };
  return { field: input.field ?? 'NAME', direction: input.direction ?? 'ASC' };
}

export const Organisation = builder.prismaNode('Organisation', {
  id: { field: 'id' },
  // `node(id:)` with an id of no organisation gives null rather than an error.
  nullable: true,
  description: 'A state body or state-funded institution, located in one territory and working in one sector, with its official pages.',
  fields: (t) => ({
    externalId: t.exposeString('externalId', { description: 'Identifier given by the source system that loads it.' }),
    name: t.exposeString('name', { description: 'Official name, e.g. "МБОУ СОШ №1 г. Петушки".' }),
    kind: t.expose('kind', { type: OrganisationKind, description: 'Authority, institution or other.' }),
    inn: t.exposeString('inn', { nullable: true, description: 'Taxpayer number (ИНН, 10 or 12 digits); null when not known.' }),
    ogrn: t.exposeString('ogrn', { nullable: true, description: 'State registration number (ОГРН, 13 or 15 digits); null when not known.' }),
    territory: t.relation('territory', { description: 'The territory the organisation is located in.' }),
    sector: t.relation('sector', { description: 'The sector it works in.' }),
    pages: t.field({
      type: [Page],
      description: `Its official pages, by platform: every status unless \`status\` is given. An organisation with more than ${PAGES_PER_ORGANISATION} of them (on the platforms and status asked) answers this field with a LIST_TOO_LONG error: page through them with \`pagesConnection\`.`,
      args: {
        platforms: t.arg.stringList({ description: 'Only pages on these platforms (codes such as `VK`); an unknown code is an error listing the known ones.' }),
        status: t.arg({ type: PageStatus, description: 'Only pages with this status (ACTIVE for live pages).' }),
      },
      resolve: async (organisation, args, context, info) => {
        const platforms = await platformIds(context, args.platforms, 'platforms');
        const selection = await selectionOf(context, info, 'Page');
        return context.loaders.organisationPages(selection, platforms, args.status ?? undefined).load(organisation.id);
      },
    }),
  }),
});

export const OrganisationConnection = connectionType(Organisation, 'Organisation', 'organisations');
const PageConnection = connectionType(Page, 'Page', 'pages');

// Beside `pages` (which stops at PAGES_PER_ORGANISATION): every page of an organisation, a slice at a time.
builder.prismaObjectFields('Organisation', (t) => ({
  pagesConnection: t.connection(
    {
      type: Page,
      description: `Its official pages, a slice at a time (by platform, then external id): for an organisation with more than ${PAGES_PER_ORGANISATION} pages, which \`pages\` refuses to list whole. Every status unless \`status\` is given.`,
      args: {
        platforms: t.arg.stringList({ description: 'Only pages on these platforms (codes such as `VK`); an unknown code is an error listing the known ones.' }),
        status: t.arg({ type: PageStatus, description: 'Only pages with this status (ACTIVE for live pages).' }),
      },
      resolve: async (organisation, args, context, info) => {
        const slice = sliceArgs('organisation-pages', args);
        const platforms = await platformIds(context, args.platforms, 'platforms');
        const selection = await selectionOf(context, info, 'Page', true);
        const where = {
          organisationId: organisation.id,
          ...(platforms ? { platformId: { in: platforms } } : {}),
          ...(args.status ? { status: args.status } : {}),
        };
        return sliceByPosition(
          'organisation-pages',
          slice,
          (offset, limit) =>
            prisma().page.findMany({ ...selection, where, orderBy: [{ platformId: 'asc' }, { externalId: 'asc' }], skip: offset, take: limit } as never),
          () => prisma().page.count({ where }),
        );
      },
    },
    PageConnection,
  ),
}));

// The organisations of a territory, declared here so the territory module need not know organisations.
builder.prismaObjectFields('Territory', (t) => ({
  organisations: t.connection(
    {
      type: Organisation,
      description:
        'Organisations located in this territory and, by default, anywhere below it, by name unless `orderBy` says otherwise (or ranked by relevance when `filter.search` is given).',
      args: {
        filter: t.arg({ type: OrganisationFilter, description: 'Narrows the list.' }),
        includeDescendants: t.arg.boolean({
          defaultValue: true,
          description: 'True (the default): organisations of the whole subtree. False: only those located in this territory itself.',
        }),
        orderBy: t.arg({ type: OrganisationOrder, description: 'Order of the list (default: by name, ascending).' }),
      },
      resolve: async (territory, args, context, info) => {
        const slice = sliceArgs('territory-organisations', args);
        const conditions = await organisationConditions(context, args.filter);
        const partition = await context.loaders
          .territoryOrganisations(
            await selectionOf(context, info, 'Organisation', true),
            args.includeDescendants ?? true,
            conditions,
            organisationOrder(args.orderBy, conditions),
            slice,
          )
          .load(territory.id);
        return sliceOfPartition('territory-organisations', slice, partition.total, partition.nodes);
      },
    },
    OrganisationConnection,
  ),
}));

builder.queryFields((t) => ({
  organisation: t.prismaField({
    authScopes: { public: true },
    type: 'Organisation',
    nullable: true,
    description: 'An organisation by the identifier its source system gives it; null when none has it.',
    args: { externalId: t.arg.string({ required: true, description: 'The external id, e.g. `school-17646101-1`.' }) },
    resolve: (query, _root, args) => prisma().organisation.findUnique({ ...query, where: { externalId: args.externalId.trim() } }),
  }),
  organisations: t.connection(
    {
      authScopes: { public: true },
      type: Organisation,
      description:
        'Organisations matching `filter`, anywhere in the country: by name, or ranked by relevance when `filter.search` is given, unless `orderBy` says otherwise. A malformed or unknown code in the filter is an error (BAD_USER_INPUT).',
      args: {
        filter: t.arg({ type: OrganisationFilter, description: 'Narrows the list.' }),
        orderBy: t.arg({ type: OrganisationOrder, description: 'Order of the list (default: by name, or by relevance when searching).' }),
      },
      resolve: async (_root, args, context, info) => {
        const slice = sliceArgs('organisations', args);
        const conditions = await organisationConditions(context, args.filter);
        const order = organisationOrder(args.orderBy, conditions);
        const loader = context.loaders.organisationsById(await selectionOf(context, info, 'Organisation', true));
        return sliceByPosition(
          'organisations',
          slice,
          async (offset, limit) => {
            const rows = await loader.loadMany(await organisationIds(conditions, order, offset, limit));
            return rows.filter((row): row is OrganisationRow => row !== null && !(row instanceof Error));
          },
          () => organisationCount(conditions),
        );
      },
    },
    OrganisationConnection,
  ),
}));
