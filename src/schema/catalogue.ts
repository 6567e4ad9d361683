import { builder } from '../builder.js';
import { prisma } from '../db/prisma.js';

builder.prismaObject('Platform', {
  description: 'A social platform official pages live on: VK, OK, Telegram, MAX (platforms are data; more may appear).',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'Stable upper-case code, e.g. `VK`; use it in `platforms:` filters.' }),
    name: t.exposeString('name', { description: 'Display name, e.g. "ВКонтакте".' }),
    hosts: t.exposeStringList('hosts', { description: 'URL hosts a page of this platform lives on.' }),
  }),
});

builder.prismaObject('Sector', {
  description: 'A branch of public life an organisation works in: education, culture, healthcare…',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'Stable lowercase code, e.g. `education`; use it in `sectors:` filters.' }),
    name: t.exposeString('name', { description: 'Display name in Russian, e.g. "Образование".' }),
  }),
});

builder.queryFields((t) => ({
  platforms: t.prismaField({
    type: ['Platform'],
    description: 'Every platform, in a stable order.',
    resolve: (query) => prisma().platform.findMany({ ...query, orderBy: { id: 'asc' } }),
  }),
  sectors: t.prismaField({
    type: ['Sector'],
    description: 'Every sector, by code.',
    resolve: (query) => prisma().sector.findMany({ ...query, orderBy: { code: 'asc' } }),
  }),
}));
