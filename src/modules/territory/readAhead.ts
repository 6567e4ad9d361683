import { type FieldNode, type GraphQLObjectType, type GraphQLResolveInfo, getArgumentValues, Kind, type SelectionSetNode } from 'graphql';
import { sliceArgs } from '../common/slice.js';
import { statsDetail } from '../figures/detail.js';
import { type TerritoryOrderInput, territoryOrder } from './args.js';
import type { ChildrenAlong, StatsAlong } from './sql.js';

/**
 * Read-ahead: a territory resolver looks at the selection below it for what it can read in the
 * same statement as its own rows (docs/performance.md, "fewer round trips"): the territory's
 * unfiltered `stats`, one slice of its `children`, and their unfiltered `stats`. What it reads
 * along is handed to the loaders the fields below would call (`primeChildren`,
 * `primeTerritoryStats`), keyed exactly as those fields key their own loads, so each field
 * still resolves itself: a field the read-ahead did not foresee (another alias, a filter,
 * arguments it cannot read) simply loads as before. Reading ahead never changes an answer, only
 * where its rows come from.
 */

type Info = Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments' | 'variableValues' | 'schema'>;

/**
 * Fields of a Territory whose resolution does not make plugin-prisma include a relation in the
 * rows (so the rows read without Prisma serve them): children read along are only useful then.
 */
const PLAIN_FIELDS = new Set([
  '__typename',
  'id',
  'code',
  'name',
  'level',
  'status',
  'depth',
  'ancestors',
  'stats',
  'history',
  'growth',
  'compliance',
  'freshness',
  'children',
]);

/** The fields named `name` in these selection sets (fragments and inline fragments followed), grouped by response key. */
function fieldsNamed(sets: readonly (SelectionSetNode | undefined)[], info: Info, name: string): Map<string, FieldNode[]> {
  const found = new Map<string, FieldNode[]>();
  const visit = (set: SelectionSetNode | undefined, seen: ReadonlySet<string>): void => {
    if (!set) return;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== name) continue;
        const key = selection.alias?.value ?? name;
        const group = found.get(key);
        if (group) group.push(selection);
        else found.set(key, [selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, seen);
      } else {
        const fragment = info.fragments[selection.name.value];
        if (fragment && !seen.has(selection.name.value)) visit(fragment.selectionSet, new Set([...seen, selection.name.value]));
      }
    }
  };
  for (const set of sets) visit(set, new Set());
  return found;
}

/** True when every field selected in these sets (fragments followed) is one of `allowed`. */
function onlyFields(sets: readonly (SelectionSetNode | undefined)[], info: Info, allowed: ReadonlySet<string>): boolean {
  const visit = (set: SelectionSetNode | undefined, seen: ReadonlySet<string>): boolean => {
    if (!set) return true;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!allowed.has(selection.name.value)) return false;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!visit(selection.selectionSet, seen)) return false;
      } else {
        const fragment = info.fragments[selection.name.value];
        if (!fragment) return false;
        if (!seen.has(selection.name.value) && !visit(fragment.selectionSet, new Set([...seen, selection.name.value]))) return false;
      }
    }
    return true;
  };
  return sets.every((set) => visit(set, new Set()));
}

function territoryField(info: Info, name: string) {
  return (info.schema.getType('Territory') as GraphQLObjectType).getFields()[name]!;
}

/** The arguments of a field as its resolver will get them; null when they cannot be read (the field's resolver reports why). */
function argumentsOf(info: Info, name: string, node: FieldNode): Record<string, unknown> | null {
  try {
    return getArgumentValues(territoryField(info, name), node, info.variableValues);
  } catch {
    return null;
  }
}

/**
 * The detail of the unfiltered `stats` (no platforms, sectors or `at`) selected in these
 * Territory selection sets, over all of them (a Stats read at one detail serves every lower
 * one); null when none is selected.
 */
export function statsAhead(sets: readonly (SelectionSetNode | undefined)[], info: Info): StatsAlong {
  const unfiltered: FieldNode[] = [];
  for (const nodes of fieldsNamed(sets, info, 'stats').values()) {
    const args = argumentsOf(info, 'stats', nodes[0]!) as { platforms?: unknown[] | null; sectors?: unknown[] | null; at?: unknown } | null;
    if (args && !args.platforms?.length && !args.sectors?.length && args.at == null) unfiltered.push(...nodes);
  }
  return unfiltered.length ? statsDetail({ fieldNodes: unfiltered, fragments: info.fragments }) : null;
}

/** The Territory selection sets of the items of `children` connections: `nodes { … }` and `edges { node { … } }`. */
function itemSets(children: readonly FieldNode[], info: Info): (SelectionSetNode | undefined)[] {
  const sets = children.map((node) => node.selectionSet);
  const of = (within: (SelectionSetNode | undefined)[], name: string) => [...fieldsNamed(within, info, name).values()].flat().map((node) => node.selectionSet);
  return [...of(sets, 'nodes'), ...of(of(sets, 'edges'), 'node')];
}

/** The unfiltered Stats detail the items of the `children` field being resolved select (see statsAhead). */
export function childStatsAhead(info: Info): StatsAlong {
  return statsAhead(itemSets(info.fieldNodes, info), info);
}

/**
 * The first `children` selected in these Territory selection sets, as its resolver will read it
 * (order, slice, the detail of its items' unfiltered stats); null when there is none, its
 * arguments are invalid (its resolver reports that), or the items of any `children` here ask a
 * relation (then they are read through Prisma anyway, and what was read along is not used).
 */
export function childrenAhead(sets: readonly (SelectionSetNode | undefined)[], info: Info): ChildrenAlong | null {
  const groups = [...fieldsNamed(sets, info, 'children').values()];
  const children = groups[0];
  if (!children) return null;
  const args = argumentsOf(info, 'children', children[0]!);
  if (!args) return null;
  // Every `children` here may take the rows read along (the same order and slice under another alias), so all must be plain.
  if (!onlyFields(itemSets(groups.flat(), info), info, PLAIN_FIELDS)) return null;
  const items = itemSets(children, info);
  try {
    return { order: territoryOrder(args.orderBy as TerritoryOrderInput), slice: sliceArgs('children', args), stats: statsAhead(items, info) };
  } catch {
    return null;
  }
}

/** What a territory can read along with its own row. */
export interface Ahead {
  stats: StatsAlong;
  children: ChildrenAlong | null;
  /** True when a `compliance` without sectors is selected: the organisations per platform set of every sector are read along. */
  platformSets: boolean;
}

/** True when these selection sets select a `compliance` without a sector filter (whatever its required platforms). */
export function platformSetsAhead(sets: readonly (SelectionSetNode | undefined)[], info: Info): boolean {
  for (const nodes of fieldsNamed(sets, info, 'compliance').values()) {
    const args = argumentsOf(info, 'compliance', nodes[0]!) as { sectors?: unknown[] | null } | null;
    if (args && !args.sectors?.length) return true;
  }
  return false;
}

/**
 * What the territory being resolved can read along with its own row: its unfiltered stats and one
 * slice of its children. Remembered per field node of the (cached, parsed) document and per
 * variables: the same query asks the same (the result is shared: never changed by its users).
 */
export function territoryAhead(info: Info): Ahead {
  const node = info.fieldNodes[0]!;
  const key = variablesKey(info);
  let perNode = aheads.get(node);
  const known = key === null ? undefined : perNode?.get(key);
  if (known) return known;
  const sets = info.fieldNodes.map((field) => field.selectionSet);
  const ahead: Ahead = { stats: statsAhead(sets, info), children: childrenAhead(sets, info), platformSets: platformSetsAhead(sets, info) };
  if (key !== null && key.length <= 2_000) {
    if (!perNode) {
      perNode = new Map();
      aheads.set(node, perNode);
    }
    if (perNode.size >= 200) perNode.clear();
    perNode.set(key, ahead);
  }
  return ahead;
}

const aheads = new WeakMap<FieldNode, Map<string, Ahead>>();

/** The key of a read-ahead; null for variables JSON cannot write (a coerced BigInt, say): not remembered. */
function variablesKey(info: Info): string | null {
  try {
    return `${info.fieldNodes.length}|${JSON.stringify(info.variableValues)}`;
  } catch {
    return null;
  }
}
