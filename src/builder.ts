import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import { BigIntResolver, DateTimeResolver, URLResolver } from 'graphql-scalars';
import { config } from './config.js';
import type { Context } from './context.js';
import { prisma } from './db/prisma.js';
import type PrismaTypes from './generated/pothos-types.js';
import { getDatamodel } from './generated/pothos-types.js';
import { DateScalar } from './modules/common/date.js';
import { isUnrestricted } from './modules/keys/keys.js';

/** The access rules a field may require (see `scopeAuth` below). */
export interface AuthScopes {
  /** Anyone: the figures are public. */
  public: boolean;
  /** A caller with a valid API key. */
  keyHolder: boolean;
  /** A key that may write (not read-only); what it may write is checked row by row. */
  writer: boolean;
  /** A key that may write anywhere (no `within`). */
  operator: boolean;
}

import { DEFAULT_SLICE_SIZE, MAX_SLICE_SIZE } from './modules/common/slice.js';
import { fieldComplexity } from './modules/edge/cost.js';

/**
 * The schema builder: plugins, scalars and defaults only. Types live in the modules, each in its
 * folder's schema.ts (src/modules/<module>/schema.ts, gathered by src/schema.ts).
 */
export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  AuthScopes: AuthScopes;
  Scalars: {
    Date: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date | string };
    URL: { Input: URL; Output: string | URL };
    BigInt: { Input: bigint; Output: bigint | number | string };
  };
}>({
  // Relay first (so scope rules see parsed ids), then scope-auth, then Prisma; complexity last.
  plugins: [RelayPlugin, ScopeAuthPlugin, PrismaPlugin, ComplexityPlugin],
  // The cost model of src/modules/edge/cost.ts for every field; checked before execution by the
  // edge (with the request's variables), so the plugin's own resolver-time check stays off.
  complexity: { fieldComplexity, disabled: true },
  scopeAuth: {
    // Every root field declares one of these (a test walks them): public data needs no key.
    authScopes: (context) => ({
      public: true,
      keyHolder: context.viewer !== null,
      writer: context.viewer !== null && !context.viewer.readOnly,
      operator: isUnrestricted(context.viewer),
    }),
    // No key: UNAUTHENTICATED; a key that may not do this: FORBIDDEN.
    unauthorizedError: (_parent, context) =>
      context.viewer === null
        ? new GraphQLError('This needs an API key: send `Authorization: Bearer <key>`.', { extensions: { code: 'UNAUTHENTICATED' } })
        : new GraphQLError(
            context.viewer.readOnly
              ? 'This API key is read-only: it may write nothing.'
              : 'This API key may not do this (ask for a key without `within` limits).',
            { extensions: { code: 'FORBIDDEN' } },
          ),
  },
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // `node`/`nodes` are declared in src/modules/common/node.ts: a malformed or unknown id is null in place there.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    nodesOnConnection: { description: 'The nodes of this page, in order: `edges { node }` without the cursors.' },
    nodeTypeOptions: { description: 'An object with a global id: pass the id to `node(id:)` or `nodes(ids:)` to fetch it again.' },
    idFieldOptions: { description: 'Opaque global id, stable across releases; use it with `node(id:)`.' },
    pageInfoTypeOptions: { description: 'Where a page of a connection sits in the whole list.' },
    hasNextPageFieldOptions: { description: 'True when more items follow this page: ask again with `after: endCursor`.' },
    hasPreviousPageFieldOptions: { description: 'True when items precede this page: ask again with `before: startCursor` and `last`.' },
    startCursorFieldOptions: { description: 'Cursor of the first edge of this page; null when the page is empty.' },
    endCursorFieldOptions: { description: 'Cursor of the last edge of this page; null when the page is empty.' },
    pageInfoFieldOptions: { description: 'Whether there are more pages, and the cursors to get them.' },
    edgesFieldOptions: { description: 'The items of this page, each with its cursor.' },
    cursorFieldOptions: { description: 'Opaque cursor of this item: pass it as `after` (or `before`) to page from here.' },
    nodeFieldOptions: { description: 'The item.' },
    firstArgOptions: {
      description: `Return at most this many items from the start (after \`after\`): 0 to ${MAX_SLICE_SIZE}, ${DEFAULT_SLICE_SIZE} when neither \`first\` nor \`last\` is given.`,
    },
    afterArgOptions: { description: 'Return items after this cursor (an `endCursor` or edge `cursor` this same list returned).' },
    lastArgOptions: { description: `Return at most this many items from the end (before \`before\`): 0 to ${MAX_SLICE_SIZE}.` },
    beforeArgOptions: { description: 'Return items before this cursor (a `startCursor` or edge `cursor` this same list returned).' },
  },
  prisma: {
    client: () => prisma(),
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    onUnusedQuery: config().production ? null : 'error',
    defaultConnectionSize: DEFAULT_SLICE_SIZE,
    maxConnectionSize: MAX_SLICE_SIZE,
  },
});

// Each custom scalar names its specification (`@specifiedBy`), so codegen and Relay users can map it.
builder.addScalarType('Date', DateScalar, {
  description: 'A calendar day, `YYYY-MM-DD` (ISO 8601), with no time zone, between 1900-01-01 and 2999-12-31.',
  specifiedByURL: 'https://www.rfc-editor.org/rfc/rfc3339#section-5.6',
});
builder.addScalarType('URL', URLResolver, {
  description: 'An absolute URL, e.g. `https://vk.com/club1`.',
  specifiedByURL: 'https://url.spec.whatwg.org/',
});
builder.addScalarType('BigInt', BigIntResolver, {
  description:
    'A whole number that may exceed 32 bits, such as a subscriber sum. Sent as a JSON number while it is a safe integer (below 2^53), as a decimal string beyond (as I-JSON, RFC 7493 section 2.2, recommends). Type it `number | string` in TypeScript (codegen: `scalars: { BigInt: "number | string" }`; Relay: `customScalarTypes: { BigInt: "number | string" }`) and read it with `BigInt(value)` or `Number(value)`.',
  specifiedByURL: 'https://www.rfc-editor.org/rfc/rfc7493#section-2.2',
});

builder.addScalarType('DateTime', DateTimeResolver, {
  description: 'A moment in time, ISO 8601 with its offset, e.g. `2026-12-01T19:14:42.000Z`.',
  specifiedByURL: 'https://scalars.graphql.org/andimarek/date-time.html',
});

builder.queryType({ description: 'Read access to territories, organisations, their official pages and subscriber figures.' });
builder.mutationType({
  description: 'Writes for integrations (an API key is required): small pushes of organisations, pages and subscriber counts.',
});
