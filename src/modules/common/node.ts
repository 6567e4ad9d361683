import { decodeGlobalID, resolveNodes } from '@pothos/plugin-relay';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { badUserInput } from './errors.js';

/**
 * `node(id:)` and `nodes(ids:)`, declared here rather than by the relay plugin: the plugin rejects
 * the whole field when one id is malformed, while a client holding a stale or mangled id should
 * get null in its place.
 */

/** Types reachable through `node`, with the shape of their row ids (positive 32-bit integers, or UUIDs). */
const INTEGER_ID = (id: string) => /^[1-9]\d{0,9}$/.test(id) && Number(id) <= 2_147_483_647;
const UUID_ID = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id);
const NODE_TYPES = new Map<string, (id: string) => boolean>([
  ['Territory', INTEGER_ID],
  ['Organisation', INTEGER_ID],
  ['Page', INTEGER_ID],
  ['Load', UUID_ID],
]);

/**
 * Types not public to everyone register who may see which of their ids (a load: its own key);
 * `node` and `nodes` answer null for the others, as for an unknown id, revealing nothing.
 */
type NodeGuard = (ids: string[], context: Context) => Promise<Set<string>>;
const guards = new Map<string, NodeGuard>();
export function guardNodes(typename: string, guard: NodeGuard): void {
  guards.set(typename, guard);
}

/** The ids a caller may see, of those asked for. */
async function visible(ids: { typename: string; id: string }[], context: Context): Promise<{ typename: string; id: string }[]> {
  const allowed = new Map<string, Set<string>>();
  for (const [typename, guard] of guards) {
    const asked = ids.filter((id) => id.typename === typename).map((id) => id.id);
    if (asked.length) allowed.set(typename, await guard(asked, context));
  }
  return ids.filter((id) => !guards.has(id.typename) || allowed.get(id.typename)?.has(id.id));
}

/** Largest number of ids `nodes` takes. */
const MAX_NODES = 100;

/** The type and row id a global id names, or null when it names nothing this API serves. */
function parseGlobalId(raw: string): { typename: string; id: string } | null {
  try {
    const { typename, id } = decodeGlobalID(raw);
    if (!NODE_TYPES.get(typename)?.(id)) return null;
    return { typename, id };
  } catch {
    return null;
  }
}

builder.queryFields((t) => ({
  node: t.field({
    authScopes: { public: true },
    type: builder.nodeInterfaceRef(),
    nullable: true,
    description:
      'Any object with a global id (a Territory, Organisation, Page, or a Load of your key): null when the id is unknown, malformed or not yours to see.',
    args: { id: t.arg.id({ required: true, description: 'A global id, as returned in an `id` field.' }) },
    resolve: async (_root, args, context, info) => {
      const parsed = parseGlobalId(String(args.id));
      const [id] = parsed ? await visible([parsed], context) : [];
      if (!id) return null;
      const [node] = await resolveNodes(builder, context, info, [id]);
      return node ?? null;
    },
  }),
  nodes: t.field({
    authScopes: { public: true },
    type: [builder.nodeInterfaceRef()],
    nullable: { list: false, items: true },
    description: `Objects by global id, in the order asked, with null in place of each unknown or malformed id. At most ${MAX_NODES} ids.`,
    args: { ids: t.arg.idList({ required: true, description: `Global ids, as returned in \`id\` fields (at most ${MAX_NODES}).` }) },
    resolve: async (_root, args, context, info) => {
      if (args.ids.length > MAX_NODES) {
        throw badUserInput(`ids: at most ${MAX_NODES} ids per request (got ${args.ids.length}); split the list.`, 'ids');
      }
      const parsed = args.ids.map((raw) => parseGlobalId(String(raw)));
      const shown = new Set(
        await visible(
          parsed.filter((id) => id !== null),
          context,
        ),
      );
      const ids = parsed.map((id) => (id !== null && shown.has(id) ? id : null));
      const found = await resolveNodes(
        builder,
        context,
        info,
        ids.filter((id) => id !== null),
      );
      let next = 0;
      return ids.map((id) => (id === null ? null : (found[next++] ?? null)));
    },
  }),
}));
