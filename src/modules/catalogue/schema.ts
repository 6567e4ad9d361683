import { builder } from '../../builder.js';

export const Platform = builder.prismaObject('Platform', {
  description: 'A social platform official pages live on: VK, OK, Telegram, MAX (platforms are data; more may appear).',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'Stable upper-case code, e.g. `VK`; use it in `platforms:` filters.' }),
    name: t.exposeString('name', { description: 'Display name, e.g. "ВКонтакте".' }),
    hosts: t.exposeStringList('hosts', { description: 'URL hosts a page of this platform lives on.' }),
  }),
});

export const Sector = builder.prismaObject('Sector', {
  description: 'A branch of public life an organisation works in: education, culture, healthcare…',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'Stable lowercase code, e.g. `education`; use it in `sectors:` filters.' }),
    name: t.exposeString('name', { description: 'Display name in Russian, e.g. "Образование".' }),
  }),
});

// Both lists come from the request's one catalogue (also used by filters and figures).
builder.queryFields((t) => ({
  platforms: t.field({
    authScopes: { public: true },
    type: [Platform],
    description: 'Every platform, in a stable order.',
    resolve: async (_root, _args, context) => (await context.loaders.catalogue()).platforms,
  }),
  sectors: t.field({
    authScopes: { public: true },
    type: [Sector],
    description: 'Every sector, by code.',
    resolve: async (_root, _args, context) => [...(await context.loaders.catalogue()).sectors].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)),
  }),
}));
