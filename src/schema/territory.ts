import { builder } from '../builder.js';
import { prisma } from '../db/prisma.js';

export const TerritoryLevel = builder.enumType('TerritoryLevel', {
  description: 'Level of a territory in the tree, top to bottom.',
  values: {
    FEDERATION: { description: 'The Russian Federation (code `RU`), the root.' },
    FEDERAL_DISTRICT: { description: 'A federal district (code `FD-…`).' },
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

export const Territory = builder.prismaNode('Territory', {
  id: { field: 'id' },
  description: 'A node of the territorial tree: the federation, a federal district, a region, a municipal formation or a settlement.',
  fields: (t) => ({
    code: t.exposeString('code', {
      description: 'OKTMO code (8 digits, 11 for localities); `RU` for the federation; `FD-…` for federal districts.',
    }),
    name: t.exposeString('name', { description: 'Official name, e.g. "Владимирская область".' }),
    level: t.expose('level', { type: TerritoryLevel, description: 'Level in the tree.' }),
    depth: t.exposeInt('depth', { description: 'Distance from the federation (0 at the root).' }),
    parent: t.relation('parent', { nullable: true, description: 'The territory this one belongs to; null for the federation.' }),
  }),
});

builder.queryFields((t) => ({
  territory: t.prismaField({
    type: 'Territory',
    nullable: true,
    description: 'A territory by its code (`RU`, `FD-CENTRAL`, an OKTMO code such as `17000000`); null when unknown.',
    args: { code: t.arg.string({ required: true, description: 'The territory code.' }) },
    resolve: (query, _root, args) => prisma().territory.findUnique({ ...query, where: { code: args.code.trim() } }),
  }),
}));
