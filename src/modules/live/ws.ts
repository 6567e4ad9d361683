import type http from 'node:http';
import { type ExecutionArgs, GraphQLError, getOperationAST } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { logger } from '../../logger.js';
import { bindLive, type Live } from './service.js';

/** How often every WebSocket is pinged (ms): keeps proxies from closing an idle stream. */
export const WS_KEEP_ALIVE_MS = 15_000;

/** The refusal of a query or mutation sent over WebSocket. */
const OVER_HTTP = 'Only subscriptions are served over WebSocket: send queries and mutations over HTTP (POST or GET /graphql).';

type Enveloped = ReturnType<YogaServerInstance<Record<string, never>, Record<string, unknown>>['getEnveloped']>;
type RootValue = { execute: Enveloped['execute']; subscribe: Enveloped['subscribe'] };

/** A Fetch Request standing for a WebSocket's upgrade request (what the context and the limits read). */
function upgradeRequest(upgrade: http.IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(upgrade.headers)) {
    // No Authorization: keys are checked on HTTP only, so a WebSocket is anonymous (counted by address).
    if (value === undefined || name === 'authorization') continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return new Request(`http://${upgrade.headers.host ?? 'localhost'}/graphql`, { headers });
}

/**
 * GraphQL over WebSocket (the `graphql-ws` protocol) on the HTTP server's `/graphql`, through the
 * same Yoga (envelop) pipeline as HTTP: the same schema, context, depth, token and cost limits,
 * the same stream limits per client address, messages no larger than a request body. Returns a
 * function that closes every socket.
 */
export function serveWebSocket(
  server: http.Server,
  yoga: YogaServerInstance<Record<string, never>, any>,
  live: Live,
  options: { maxMessageBytes: number },
): () => Promise<void> {
  // A message is a request body: MAX_BODY_BYTES holds here too (ws's own default, 100 MiB, let six
  // anonymous sockets grow the process by a gigabyte). A larger message closes the socket (1009).
  const sockets = new WebSocketServer({ server, path: '/graphql', maxPayload: options.maxMessageBytes });
  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as RootValue).execute(args as ExecutionArgs),
      subscribe: (args) => (args.rootValue as RootValue).subscribe(args as ExecutionArgs),
      onSubscribe: async (context, _id, params) => {
        const upgrade = context.extra.request;
        const request = upgradeRequest(upgrade);
        bindLive(request, live);
        const enveloped = (yoga.getEnveloped as (initial: Record<string, unknown>) => Enveloped)({ req: upgrade, request, params });
        let document: ReturnType<Enveloped['parse']>;
        try {
          document = enveloped.parse(params.query);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
        }
        // Queries and mutations go over HTTP: here they met the response cache outside Yoga's HTTP
        // pipeline, which closed the socket (4500) naming the plugin (review, 2026-12-04).
        if (getOperationAST(document, params.operationName)?.operation !== 'subscription') {
          return [new GraphQLError(OVER_HTTP, { extensions: { code: 'BAD_REQUEST' } })];
        }
        const errors = enveloped.validate(enveloped.schema, document);
        if (errors.length) return errors;
        return {
          schema: enveloped.schema,
          document,
          operationName: params.operationName,
          variableValues: params.variables,
          contextValue: await enveloped.contextFactory(),
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
        };
      },
    },
    sockets,
  );
  const pings = setInterval(() => {
    for (const socket of sockets.clients) socket.ping();
  }, WS_KEEP_ALIVE_MS);
  pings.unref();
  sockets.on('error', (error) => logger.warn({ err: error }, 'the WebSocket server failed'));
  return async () => {
    clearInterval(pings);
    await disposable.dispose();
    await new Promise<void>((resolve) => sockets.close(() => resolve()));
  };
}
