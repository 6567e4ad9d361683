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
import { PAGES_PER_ORGANISATION } from '../page/limits.js';
import { TERRITORY_LEVELS } from '../territory/levels.js';

/**
 * The cost model (GitHub style): every object a field returns costs 1 (scalars and enums cost
 * nothing by themselves), and what a list field selects costs as many times as the list may
 * hold items: a connection its `first` (or `last`, 20 by default), a history its number of
 * points, `nodes(ids:)` its ids, a breakdown its platforms or sectors. The cost of an operation
 * is therefore an upper bound on the number of objects it could return. Computed before
 * execution, with the request's variables, over the operation that runs (fragments expanded,
 * aliases counted one by one).
 */

/** Most items of one push mutation (MAX_ITEMS of src/modules/loads/push/mutations.ts): its payload lists the objects written. */
const MAX_PUSH_ITEMS = 1000;
/**
 * The sizes of the lists that take no size argument, by `Type.field`: each is the most that list
 * can return (a cap its resolver enforces with an error, or a bound of the data itself), so the
 * cost stays an upper bound. A list missing here costs DEFAULT_LIST.
 */
const LIST_SIZES: Record<string, number> = {
  'Territory.ancestors': TERRITORY_LEVELS.length + 4, // one per level above, and a few regions nested in regions
  'Organisation.pages': PAGES_PER_ORGANISATION, // capped by the resolver (LIST_TOO_LONG above it)
  'UpsertOrganisationsPayload.organisations': MAX_PUSH_ITEMS,
  'UpsertPagesPayload.pages': MAX_PUSH_ITEMS,
  'RecordObservationsPayload.pages': MAX_PUSH_ITEMS,
  'Load.errors': 100, // the first 100 row errors
  'Load.files': 5, // one per file of the bulk format
  // Platforms and sectors are a catalogue only an unrestricted key can extend.
  'Stats.byPlatform': 5,
  'Stats.bySector': 15,
  'Query.platforms': 5,
  'Query.sectors': 15,
  'Platform.hosts': 5,
};
/**
 * What a name search over organisations adds to its connection. The cost model counts objects
 * returned, but such a search reads every organisation whose name holds the term's trigrams to
 * count and rank them (tens of thousands for a common syllable such as "ени", 0.5-1.4 s at the
 * national scale) whatever `first` is: `{ organisations(filter: { search }) { totalCount } }` cost
 * 1, so 30 aliases took 5 s of database time for 30 points (review, 2026-12-04). Territory search
 * reads 18 k names at most (a few ms) and adds nothing.
 */
export const ORGANISATION_SEARCH_COST = 500;
/** Size of a list of none of the kinds above (a key's scopes, say). */
const DEFAULT_LIST = 10;
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

/** The name of the type that declares a field (Pothos keeps it in the field's extensions). */
function parentTypeName<Context>(field: GraphQLField<unknown, Context>): string | undefined {
  const config = field.extensions?.pothosConfig as { parentType?: unknown } | undefined;
  return typeof config?.parentType === 'string' ? config.parentType : undefined;
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
    // At least once: what a connection selects beside its items (pageInfo) is returned even with first: 0.
    return { field: 1 + searchCost(named.name, args), multiplier: Math.max(1, size) };
  }
  if (!isListType(type)) return { field: 1, multiplier: 1 };
  // A list costs one per item it may hold, plus what each item selects.
  const items = (size: number) => ({ field: size, multiplier: size });
  if (field.name === 'history') return items(historyPoints(args.from, args.to, args.interval));
  if (Array.isArray(args.ids)) return items(args.ids.length);
  if (COUNTED_BY_CONNECTION.has(field.name) && named.name !== 'Node') return { field: 1, multiplier: 1 };
  return items(LIST_SIZES[`${parentTypeName(field)}.${field.name}`] ?? DEFAULT_LIST);
}

/** The extra cost of a connection's name search (`filter.search` not blank), by the connection's type. */
function searchCost(connection: string, args: Record<string, unknown>): number {
  if (connection !== 'OrganisationConnection') return 0;
  const search = (args.filter as { search?: unknown } | null | undefined)?.search;
  return typeof search === 'string' && search.trim() !== '' ? ORGANISATION_SEARCH_COST : 0;
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
