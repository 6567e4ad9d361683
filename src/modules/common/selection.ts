import { queryFromInfo } from '@pothos/plugin-prisma';
import type { GraphQLResolveInfo } from 'graphql';

/**
 * The Prisma selection a GraphQL field asks of the rows it returns (from plugin-prisma's
 * `queryFromInfo`): relations to include, or columns to select. Loaders are keyed by it, so the
 * rows of sibling fields with the same selection are read together, with their relations.
 */
export interface Selection {
  select?: Record<string, unknown>;
  include?: Record<string, unknown>;
}

/**
 * The Prisma selection the field being resolved asks of the `typeName` rows it returns, at
 * `connection: true` under `nodes` and `edges.node`. Registers it with plugin-prisma, so the
 * relations it includes resolve from the rows read with it instead of being read again.
 */
export async function selectionOf(context: object, info: GraphQLResolveInfo, typeName: string, connection = false): Promise<Selection> {
  const query = await queryFromInfo({
    context,
    info,
    typeName,
    ...(connection ? { paths: [['nodes'], ['edges', 'node']] } : {}),
    awaitSelections: true,
  });
  return query as Selection;
}

/** The selection with `columns` selected too (needed to key the rows), when it is a select. */
export function withColumns(selection: Selection, columns: string[]): Selection {
  if (!selection.select) return selection;
  return { select: { ...selection.select, ...Object.fromEntries(columns.map((column) => [column, true])) } };
}

/** Rows by id with a selection, keyed by id. */
export async function rowsById<T extends { id: number }>(
  read: (args: Selection & { where: { id: { in: number[] } } }) => Promise<unknown[]>,
  selection: Selection,
  ids: readonly number[],
): Promise<Map<number, T>> {
  if (ids.length === 0) return new Map();
  const rows = (await read({ ...withColumns(selection, ['id']), where: { id: { in: [...new Set(ids)] } } })) as T[];
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * True when a selection asks for no relation, only (some of) the model's own `columns`: then
 * every column of the row, read without Prisma (e.g. `territoryByCode`), serves it, and nothing
 * below it is preloaded that plugin-prisma would look for.
 */
export function isPlainRows(selection: Selection, columns: readonly string[]): boolean {
  if (selection.select) return Object.entries(selection.select).every(([key, value]) => value === true && columns.includes(key));
  return !selection.include || Object.keys(selection.include).length === 0;
}
