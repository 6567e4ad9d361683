import { builder } from '../../builder.js';
import { prisma } from '../../db/prisma.js';
import { platformIds } from '../catalogue/codes.js';
import { badUserInput } from '../common/errors.js';

export const PageStatus = builder.enumType('PageStatus', {
  description: 'Whether a page is live. Archived pages count nowhere, at any date.',
  values: {
    ACTIVE: { description: 'Live: counted in every figure.' },
    ARCHIVED: { description: 'No longer run by the organisation: kept for the record, counted nowhere.' },
  } as const,
});

/** A calendar day as `YYYY-MM-DD` from a DATE column (a Date at UTC midnight, or the text itself). */
function calendarDay(value: Date | string): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
}

export const Page = builder.prismaNode('Page', {
  id: { field: 'id' },
  // `node(id:)` with an id of no page gives null rather than an error.
  nullable: true,
  description: 'An official page ("госпаблик") of one organisation on one platform, with its latest subscriber count.',
  fields: (t) => ({
    platform: t.relation('platform', { description: 'The platform the page is on.' }),
    externalId: t.exposeString('externalId', {
      description: "The platform's own id or screen name of the page (e.g. `club123` on VK); unique per platform.",
    }),
    url: t.field({ type: 'URL', description: 'Link to the page.', resolve: (page) => page.url }),
    name: t.exposeString('name', { description: 'Title of the page on the platform.' }),
    verified: t.exposeBoolean('verified', { description: 'Whether the platform marks it as an official state page ("госметка").' }),
    status: t.expose('status', { type: PageStatus, description: 'Active or archived.' }),
    subscribers: t.exposeInt('subscribers', {
      nullable: true,
      description: 'Subscribers at the latest observation (`observedAt`); null before the first observation.',
    }),
    observedAt: t.field({
      type: 'Date',
      nullable: true,
      description: 'The day `subscribers` was counted; null before the first observation.',
      resolve: (page) => (page.observedOn == null ? null : calendarDay(page.observedOn)),
    }),
    observedOn: t.field({
      type: 'Date',
      nullable: true,
      description: "The day of the page's latest observation (the same as `observedAt`); null before the first. See `Territory.freshness` for stale pages.",
      resolve: (page) => (page.observedOn == null ? null : calendarDay(page.observedOn)),
    }),
    organisation: t.relation('organisation', { description: 'The organisation the page belongs to.' }),
  }),
});

builder.queryFields((t) => ({
  page: t.prismaField({
    authScopes: { public: true },
    type: 'Page',
    nullable: true,
    description: 'A page by its platform and its id there; null when no page has them.',
    args: {
      platform: t.arg.string({
        required: true,
        description: 'Platform code such as `VK` (see `platforms`); an unknown code is an error listing the known ones.',
      }),
      externalId: t.arg.string({ required: true, description: "The platform's own id or screen name of the page, e.g. `club123`." }),
    },
    resolve: async (query, _root, args, context) => {
      const [platformId] = (await platformIds(context, [args.platform], 'platform')) ?? [];
      if (platformId === undefined) throw badUserInput('platform: give a platform code such as VK.', 'platform');
      return prisma().page.findUnique({ ...query, where: { platformId_externalId: { platformId, externalId: args.externalId.trim() } } });
    },
  }),
}));
