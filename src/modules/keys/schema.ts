import { builder } from '../../builder.js';
import { prisma } from '../../db/prisma.js';
import { isUnrestricted, type Viewer as ViewerValue } from './keys.js';

export const ViewerScope = builder.enumType('ViewerScope', {
  description: 'What the API key of a request may do.',
  values: {
    READ: { description: 'Read everything public (anyone may, with or without a key) and its own loads.' },
    WRITE: { description: 'Write organisations, pages, observations and territories inside the subtrees of `within` (anywhere when `within` is empty).' },
    OPERATOR: { description: 'Write anywhere, sectors included (a key without `within`).' },
  } as const,
});

export const Viewer = builder.objectRef<ViewerValue>('Viewer').implement({
  description: 'The API key a request was sent with: who holds it and what it may write.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Who holds the key, as the operator named it.' }),
    scopes: t.field({
      type: [ViewerScope],
      description: 'What the key may do.',
      resolve: (viewer): ('READ' | 'WRITE' | 'OPERATOR')[] =>
        viewer.readOnly ? ['READ'] : isUnrestricted(viewer) ? ['READ', 'WRITE', 'OPERATOR'] : ['READ', 'WRITE'],
    }),
    within: t.prismaField({
      type: ['Territory'],
      description: 'The subtrees the key may write (each territory with everything below it); empty when it may write anywhere.',
      resolve: (query, viewer) => prisma().territory.findMany({ ...query, where: { id: { in: viewer.withinIds } }, orderBy: { code: 'asc' } }),
    }),
    readOnly: t.exposeBoolean('readOnly', { description: 'True when the key may write nothing.' }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({
    authScopes: { public: true },
    type: Viewer,
    nullable: true,
    description: 'The API key this request was sent with (`Authorization: Bearer <key>`); null when it was sent without one.',
    resolve: (_root, _args, context) => context.viewer,
  }),
}));
