import { decodeGlobalID, resolveNodes } from '@pothos/plugin-relay';
import { builder } from '../../builder.js';
import { badUserInput } from './errors.js';

/**
 * `node(id:)` and `nodes(ids:)`, declared here rather than by the relay plugin: the plugin rejects
 * the whole field when one id is malformed, while a client holding a stale or mangled id should
 * get null in its place.
 */

/** Types reachable through `node`; their ids are positive 32-bit integers. */
const NODE_TYPES = new Set(['Territory', 'Organisation', 'Page']);

/** Largest number of ids `nodes` takes. */
const MAX_NODES = 100;

/** The type and row id a global id names, or null when it names nothing this API serves. */
function parseGlobalId(raw: string): { typename: string; id: string } | null {
  try {
    const { typename, id } = decodeGlobalID(raw);
    if (!NODE_TYPES.has(typename) || !/^[1-9]\d{0,9}$/.test(id) || Number(id) > 2_147_483_647) return null;
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
    description: 'Any object with a global id (a Territory, Organisation or Page): null when the id is unknown or malformed.',
    args: { id: t.arg.id({ required: true, description: 'A global id, as returned in an `id` field.' }) },
    resolve: async (_root, args, context, info) => {
      const id = parseGlobalId(String(args.id));
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
      const ids = args.ids.map((raw) => parseGlobalId(String(raw)));
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
