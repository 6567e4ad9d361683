import { GraphQLError } from 'graphql';
import { createYoga, type Plugin, useReadinessCheck, type YogaServerInstance } from 'graphql-yoga';
import type pg from 'pg';
import { type Context, contextFactory } from './context.js';
import type { ReplicaSet } from './db/replicas.js';
import { logger } from './logger.js';
import { httpCachingPlugin, responseCachePlugin } from './modules/edge/cache.js';
import { corsPlugin, csrfPlugin } from './modules/edge/cors.js';
import { trustedDocumentsPlugin } from './modules/edge/documents.js';
import { createEdge, type Edge, type EdgeOptions } from './modules/edge/edge.js';
import { graphiqlAssetsPlugin, graphiqlPage } from './modules/edge/graphiql.js';
import { armorPlugins, costPlugin } from './modules/edge/guard.js';
import { metricsPlugin } from './modules/edge/metricsPlugin.js';
import { type Budget, type BudgetFor, defaultBudgetFor } from './modules/edge/rateLimit.js';
import { requestIdPlugin } from './modules/edge/requestId.js';
import { guardedPlugins } from './modules/edge/safety.js';
import { deadlinePlugin, isStatementTimeout, sizeLimitsPlugin, timeoutError } from './modules/edge/timeLimits.js';
import { EMBED_DOCUMENTS } from './modules/embed/documents.js';
import { type EmbedDeps, embedPlugin } from './modules/embed/plugin.js';
import { embedCache } from './modules/embed/serverCache.js';
import { explorerPlugin } from './modules/explorer/plugin.js';
import { exportsRoutePlugin } from './modules/exports/http.js';
import { exportsOpenApi } from './modules/exports/openapi.js';
import { keysPlugin, viewerOf } from './modules/keys/plugin.js';
import type { StreamLimits } from './modules/live/limits.js';
import { createLive, livePlugin } from './modules/live/plugin.js';
import type { Live } from './modules/live/service.js';
import { loadsRoutePlugin } from './modules/loads/queue/http.js';
import { loadsOpenApi } from './modules/loads/queue/openapi.js';
import type { LoadQueue } from './modules/loads/queue/queue.js';
import { openApiPlugin } from './modules/openapi/plugin.js';
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
  /** Limits, caching, CORS… (src/modules/edge); settings default to the environment's. */
  edge?: EdgeOptions;
  /** Open live streams allowed per client address and per key (default 20 and 500). */
  live?: Partial<StreamLimits>;
}

/**
 * Who pays for a request: a checked API key is its own budget (its `--rate-points`, or the keys'
 * default), an anonymous request its client address's.
 */
function keyBudgets(fallback: BudgetFor, keyPoints: number): BudgetFor {
  return (request, serverContext): Budget | Promise<Budget> => {
    const viewer = viewerOf(request);
    if (viewer) return { id: `key:${viewer.keyId}`, points: viewer.ratePoints ?? keyPoints, anonymous: false };
    return fallback(request, serverContext);
  };
}

export type Api = YogaServerInstance<Record<string, never>, Context> & {
  /** The edge's shared state (settings, cache generation, counters). */
  edge: Edge;
  /** Live figures: the subscriptions' hub and stream counter (the WebSocket server uses them too). */
  live: Live;
  /** Stops the change listener and closes Redis (the server calls it at shutdown). */
  close(): Promise<void>;
};

/** The version of the /v1 HTTP API, as its OpenAPI document states it. */
const API_VERSION = '1.0.0';

const DEFAULT_QUERY = '{\n  territory(code: "17000000") {\n    name\n    level\n    parent { code name level }\n  }\n}\n';

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
            if (isStatementTimeout(original)) {
              // A limit doing its job (answered as TIMEOUT): worth a warning, not an error report.
              logged.add(error).add(original);
              args.contextValue.log.warn({ path: error.path }, 'a statement hit the statement timeout');
              continue;
            }
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
 * The GraphQL endpoint and its edges (/healthz, /readyz; the plugin list is the edge). Tests
 * call `api.fetch`; the server mounts it on its socket.
 */
export function createApi(deps: ApiDeps): Api {
  const edgeOptions = deps.edge ?? {};
  const edge = createEdge({ ...edgeOptions, documents: { ...EMBED_DOCUMENTS, ...edgeOptions.documents } });
  if (!edgeOptions.budgetFor) edge.budgetFor = keyBudgets(defaultBudgetFor(edge.config), edge.config.keyRatePoints);
  const live = createLive({ perAddress: 20, perKey: 500, ...deps.live }, edge.budgetFor);
  edge.onDataChanged((version) => void live.figures.changed(version));
  const yoga = createYoga<Record<string, never>, Context>({
    schema,
    context: contextFactory(deps.pool),
    graphiql: { title: 'Gospubliki', defaultQuery: DEFAULT_QUERY },
    renderGraphiQL: (options) => graphiqlPage(options?.title ?? 'Gospubliki'),
    // CORS is the edge's own (corsPlugin): Yoga's reflects every origin with credentials.
    cors: false,
    landingPage: false,
    healthCheckEndpoint: '/healthz',
    logging: yogaLogging,
    maskedErrors: {
      // Expected errors reach the client as they are; anything else becomes a generic message
      // (already logged with the request id by unexpectedErrorLogPlugin).
      maskError(error, message) {
        if (isStatementTimeout(error)) return timeoutError();
        if (error instanceof GraphQLError && isExpected(error)) return error;
        const located = error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {};
        return new GraphQLError(message, { ...located, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      },
    },
    // Every onRequest hook guarded: a failure is a generic 500, never the stack the HTTP layer would show.
    plugins: guardedPlugins([
      // First, so that the responses they substitute (413, RESPONSE_TOO_LARGE, 304) still get the
      // request id, CORS and RateLimit headers of the plugins after them.
      sizeLimitsPlugin(edge.config),
      // Also takes If-None-Match out of the response cache's sight (it would answer 304 for any cached key).
      httpCachingPlugin(edge.config),
      requestIdPlugin(),
      corsPlugin(edge.config),
      // The key a request presents is checked once, before anything else reads it (401 at once when it does not work).
      keysPlugin(deps.pool, { rates: edge.rates, failures: edge.config.keyFailures, trustProxy: edge.config.trustProxy }),
      metricsPlugin(),
      graphiqlAssetsPlugin(edge.documents, DEFAULT_QUERY),
      // The embeds that read figures pay from the same rate budgets and are served from a server-side cache.
      embedPlugin(deps.embed, { rates: edge.rates, budgetFor: edge.budgetFor, cache: embedCache(edge.generation, edge.redis, edge.config.redisPrefix) }),
      // The explorer page /t/{code} (server-rendered, Russian) and its stylesheet.
      explorerPlugin(),
      readRoutingPlugin({ pool: deps.pool, replicas: deps.replicas }),
      // GET /v1/openapi.json, from each /v1 route's piece (before the loads route, which answers 404 to other /v1 paths).
      openApiPlugin([loadsOpenApi, exportsOpenApi], API_VERSION),
      // Spreadsheet exports (GET /v1/exports/…), charged to the rate budget per batch of rows; before the loads route, which answers every other /v1/ path.
      exportsRoutePlugin(edge),
      livePlugin(live),
      // Loads are multipart POSTs with a key (a browser cannot forge the Authorization header): before CSRF.
      loadsRoutePlugin({ pool: deps.pool, queue: deps.loads.queue, maxBytes: deps.loads.maxBytes }),
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
      csrfPlugin(),
      ...armorPlugins(edge.config),
      // Before the response cache, which must key on the document the id resolves to.
      trustedDocumentsPlugin(edge.documents),
      // Before the response cache, so that the cached answer carries extensions.cost too.
      costPlugin(edge.config, edge.rates, edge.budgetFor),
      responseCachePlugin(edge.config, edge.generation, edge.redis, edge.latest),
      deadlinePlugin(edge.config),
      unexpectedErrorLogPlugin(),
    ]),
  });
  return Object.assign(yoga, { edge, live, close: () => edge.close() });
}
