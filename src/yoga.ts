import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { GraphQLError } from 'graphql';
import { createYoga, type Plugin, useReadinessCheck, type YogaServerInstance } from 'graphql-yoga';
import type pg from 'pg';
import { type Context, contextFactory } from './context.js';
import type { ReplicaSet } from './db/replicas.js';
import { logger } from './logger.js';
import { requestIdPlugin } from './modules/edge/requestId.js';
import { EMBED_DOCUMENTS } from './modules/embed/documents.js';
import { type EmbedDeps, embedPlugin } from './modules/embed/plugin.js';
import { keysPlugin } from './modules/keys/plugin.js';
import { loadsRoutePlugin } from './modules/loads/http.js';
import type { LoadQueue } from './modules/loads/queue.js';
import { readRoutingPlugin } from './modules/replicas/plugin.js';
import { schema } from './schema.js';

/** What the API needs from the process. */
export interface ApiDeps {
  /** The database (the primary: writes, loads, key checks). */
  pool: pg.Pool;
  /** True when the database answers and every migration is applied (`/readyz`). */
  ready: () => Promise<boolean>;
  /** Read replicas (`DATABASE_READ_URLS`): read-only operations run there when one is fit. */
  replicas?: ReplicaSet;
  /** The queue loads received over HTTP go to, and the largest body a load may have. */
  loads: { queue: LoadQueue; maxBytes: number };
  /** Settings of the embeds and the landing page (cache lifetime). */
  embed?: EmbedDeps;
}

export type Api = YogaServerInstance<Record<string, never>, Context>;

/** Unexpected errors already logged with their request id (Yoga would log them a second time). */
const logged = new WeakSet<object>();

/**
 * Logs the resolver errors the client will only see as a generic message, once, with the
 * request id (expected errors carry extensions.code and are not logged).
 */
function unexpectedErrorLogPlugin(): Plugin<Context> {
  return {
    onExecute() {
      return {
        onExecuteDone({ args, result }) {
          const errors = 'errors' in result && Array.isArray(result.errors) ? (result.errors as GraphQLError[]) : [];
          for (const error of errors) {
            if (isExpected(error)) continue;
            const original = error.originalError ?? error;
            logged.add(error).add(original);
            args.contextValue.log.error({ path: error.path, err: original }, 'unexpected error while resolving a request');
          }
        },
      };
    },
  };
}

/** GraphQL's own errors (syntax, validation, variables) and the API's errors with extensions.code. */
function isExpected(error: GraphQLError): boolean {
  const original = error.originalError;
  return !original || original instanceof GraphQLError || Boolean(error.extensions?.code);
}

/** Yoga's own log lines, through our logger; an error logged already (with its request id) is not logged again. */
const yogaLogging = {
  debug: (...args: unknown[]) => logger.debug(args.map(String).join(' ')),
  info: (...args: unknown[]) => logger.info(args.map(String).join(' ')),
  warn: (...args: unknown[]) => logger.warn(args.map(String).join(' ')),
  error: (...args: unknown[]) => {
    const [first] = args;
    if (first instanceof Error) {
      if (logged.has(first) || (first instanceof GraphQLError && first.originalError && logged.has(first.originalError))) return;
      logger.error({ err: first }, 'unexpected error');
      return;
    }
    logger.error(args.map(String).join(' '));
  },
};

/**
 * The GraphQL endpoint and its edges (/healthz, /readyz, the embeds and the landing page; the plugin list is the edge). Tests
 * call `api.fetch`; the server mounts it on its socket.
 */
export function createApi(deps: ApiDeps): Api {
  return createYoga<Record<string, never>, Context>({
    schema,
    context: contextFactory(deps.pool),
    graphiql: { title: 'Gospubliki', defaultQuery: '{\n  territory(code: "17000000") {\n    name\n    level\n    parent { code name level }\n  }\n}\n' },
    landingPage: false,
    healthCheckEndpoint: '/healthz',
    logging: yogaLogging,
    maskedErrors: {
      // Expected errors reach the client as they are; anything else becomes a generic message
      // (already logged with the request id by unexpectedErrorLogPlugin).
      maskError(error, message) {
        if (error instanceof GraphQLError && isExpected(error)) return error;
        const located = error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {};
        return new GraphQLError(message, { ...located, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      },
    },
    plugins: [
      requestIdPlugin(),
      keysPlugin(deps.pool),
      loadsRoutePlugin({ pool: deps.pool, queue: deps.loads.queue, maxBytes: deps.loads.maxBytes }),
      embedPlugin(deps.embed),
      readRoutingPlugin({ pool: deps.pool, replicas: deps.replicas }),
      useReadinessCheck({
        endpoint: '/readyz',
        // Ready when the primary is; each replica's state (from its last background check) is
        // reported for operators: up, lagging or down, with its lag, by host:port only.
        check: async ({ fetchAPI }) => {
          const ready = await deps.ready().catch(() => false);
          const status = ready ? 'ready' : 'not ready';
          const body = { status, primary: { status }, replicas: deps.replicas?.report() ?? [] };
          return new fetchAPI.Response(JSON.stringify(body), {
            status: ready ? 200 : 503,
            headers: { 'content-type': 'application/json' },
          });
        },
      }),
      unexpectedErrorLogPlugin(),
      // Persisted (trusted) documents by id (`GET /graphql?id=…&variables=…`); any other operation
      // still runs as sent. Minimal wiring for the embeds: merge with the edge's persisted documents.
      usePersistedOperations<Context>({
        getPersistedOperation: (id) => EMBED_DOCUMENTS[id] ?? null,
        allowArbitraryOperations: true,
        extractPersistedOperationId: (_params, request) => new URL(request.url).searchParams.get('id'),
      }),
    ],
  });
}
