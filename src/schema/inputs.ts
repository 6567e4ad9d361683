import { queryFromInfo } from '@pothos/plugin-prisma';
import type { GraphQLResolveInfo } from 'graphql';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import type { Selection } from '../loaders/tree.js';

/** Shared inputs of the read API. */

export const OrderDirection = builder.enumType('OrderDirection', {
  description: 'Sort direction of an `orderBy`.',
  values: {
    ASC: { description: 'Smallest first (A to Я for names).' },
    DESC: { description: 'Largest first (Я to A for names).' },
  } as const,
});

/**
 * The Prisma selection the field being resolved asks of the `typeName` rows it returns, at
 * `connection: true` under `nodes` and `edges.node`. Registers it with plugin-prisma, so the
 * relations it includes resolve from the rows read with it instead of being read again.
 */
export async function selectionOf(context: Context, info: GraphQLResolveInfo, typeName: string, connection = false): Promise<Selection> {
  const query = await queryFromInfo({
    context,
    info,
    typeName,
    ...(connection ? { paths: [['nodes'], ['edges', 'node']] } : {}),
    awaitSelections: true,
  });
  return query as Selection;
}
