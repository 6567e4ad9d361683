import { complexityFromQuery } from '@pothos/plugin-complexity';
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  isLeafType,
  isListType,
  isNonNullType,
  Kind,
} from 'graphql';
import { DEFAULT_SLICE_SIZE } from '../common/slice.js';

/**
 * The cost model (GitHub style): every object a field returns costs 1 (scalars and enums cost
 * nothing by themselves), and what a list field selects costs as many times as the list may
 * hold items: a connection its `first` (or `last`, 20 by default), a history its number of
 * points, `nodes(ids:)` its ids, a breakdown its platforms or sectors. The cost of an operation
 * is therefore an upper bound on the number of objects it could return. Computed before
 * execution, with the request's variables, over the operation that runs (fragments expanded,
 * aliases counted one by one).
 */

/** Estimated sizes of the lists that take no size argument. */
const LIST_SIZES: Record<string, number> = {
  ancestors: 8, // depth of the territory tree
  byPlatform: 5,
  bySector: 15,
  platforms: 5,
  sectors: 15,
  pages: 10, // pages of one organisation
  hosts: 5,
};
/** Lists whose size the enclosing connection already counted. */
const COUNTED_BY_CONNECTION = new Set(['edges', 'nodes']);

function unwrap(type: GraphQLOutputType): GraphQLOutputType {
  return isNonNullType(type) ? type.ofType : type;
}

function dayNumber(day: unknown): number | undefined {
  if (typeof day !== 'string') return undefined;
  const time = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(time) ? undefined : Math.floor(time / 86_400_000);
}

/** Number of points `history(from, to, interval)` returns (an upper bound). */
export function historyPoints(from: unknown, to: unknown, interval: unknown): number {
  const start = dayNumber(from);
  const end = dayNumber(to);
  if (start === undefined || end === undefined || end < start) return 1;
  const days = end - start + 1;
  if (interval === 'WEEK') return Math.ceil(days / 7) + 1;
  if (interval === 'MONTH') return Math.ceil(days / 28) + 1;
  return days;
}

/** The complexity of one field, for `@pothos/plugin-complexity`'s `fieldComplexity` (src/builder.ts). */
export function fieldComplexity<Context>(
  args: Record<string, unknown>,
  _context: Context,
  field: GraphQLField<unknown, Context>,
): { field: number; multiplier: number } {
  const type = unwrap(field.type);
  const named = getNamedType(type);
  // A scalar or enum is part of its object: only objects count (tokens and aliases bound the rest).
  if (isLeafType(named)) return { field: 0, multiplier: 1 };
  if (named.name.endsWith('Connection')) {
    const size = (args.first as number | null | undefined) ?? (args.last as number | null | undefined) ?? DEFAULT_SLICE_SIZE;
    return { field: 1, multiplier: Math.max(0, size) };
  }
  if (!isListType(type)) return { field: 1, multiplier: 1 };
  // A list costs one per item it may hold, plus what each item selects.
  const items = (size: number) => ({ field: size, multiplier: size });
  if (field.name === 'history') return items(historyPoints(args.from, args.to, args.interval));
  if (Array.isArray(args.ids)) return items(args.ids.length);
  if (COUNTED_BY_CONNECTION.has(field.name) && named.name !== 'Node') return { field: 1, multiplier: 1 };
  return items(LIST_SIZES[field.name] ?? 10);
}

/** The error of an operation refused by a limit: `QUERY_TOO_COMPLEX` with what was measured and the limit. */
export function tooComplex(message: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', ...extensions } });
}

/**
 * The cost of the operation `operationName` of `document` with `variables` (the operation that
 * Yoga executes: a document with several operations is costed by the one it runs).
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | null | undefined,
  context: object,
): number {
  // The cost depends on the document, the operation and the variables only (fieldComplexity reads
  // no context), and Yoga's parse cache hands the same document object to every request of the
  // same text: the cost of small variable sets is remembered per document.
  const key = rememberKey(operationName, variables);
  if (key === null) return computeCost(schema, document, variables, operationName, context);
  const remembered = key.length <= MAX_REMEMBERED_KEY ? costs.get(document) : undefined;
  const known = remembered?.get(key);
  if (known !== undefined) return known;
  const cost = computeCost(schema, document, variables, operationName, context);
  if (key.length <= MAX_REMEMBERED_KEY) {
    let perDocument = costs.get(document);
    if (!perDocument) {
      perDocument = new Map();
      costs.set(document, perDocument);
    }
    if (perDocument.size >= MAX_REMEMBERED_PER_DOCUMENT) perDocument.clear();
    perDocument.set(key, cost);
  }
  return cost;
}

/** The key a cost is remembered under; null for variables JSON cannot write (a coerced BigInt, say): not remembered. */
function rememberKey(operationName: string | null | undefined, variables: Record<string, unknown> | undefined): string | null {
  try {
    return JSON.stringify([operationName ?? null, variables ?? {}]);
  } catch {
    return null;
  }
}

/** Costs remembered per document (dropped with it), per operation name and variables (their JSON, when at most this long). */
const costs = new WeakMap<DocumentNode, Map<string, number>>();
const MAX_REMEMBERED_KEY = 2_000;
const MAX_REMEMBERED_PER_DOCUMENT = 200;

function computeCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | null | undefined,
  context: object,
): number {
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((definition) => definition.name?.value === operationName) : operations[0];
  if (!operation) return 0; // execution reports the unknown operation
  const only: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [operation, ...document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION)],
  };
  return complexityFromQuery(only, { schema, ctx: context, variables: variables ?? {} }).complexity;
}
