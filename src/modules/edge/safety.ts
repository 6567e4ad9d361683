import type http from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { logger } from '../../logger.js';
import { isRestPath, jsonResponse, RestError, restErrorBody, restErrorResponse } from '../common/rest.js';
import { requestId } from './requestId.js';

/**
 * The last line of defence against stack traces: the HTTP layer under Yoga (@whatwg-node/server)
 * answers an error thrown in a plugin's onRequest, or a request whose URL cannot be built (a
 * `Host: a b`), with the error's stack as the body, in every mode. Here every plugin's onRequest
 * is guarded (a failure is logged with the request id and answered a generic 500), and the Node
 * listener refuses a request whose Host and target make no URL with a 400. On the REST routes
 * (`/v1/…`) both are the REST error envelope (common/rest.ts); elsewhere a GraphQL error and plain
 * text. The request id is in the `x-request-id` header (and in a GraphQL error's extensions).
 */

/** How long a client may send no byte of its request before its connection is closed (ms). */
export const REQUEST_IDLE_MS = 60_000;

const UNEXPECTED = 'Unexpected error.';
const BAD_URL = 'Bad request: the Host header and the request target do not make a valid URL.';

function internalError(request: Request): Response {
  const headers = { 'cache-control': 'no-store', 'x-request-id': requestId(request) };
  if (isRestPath(new URL(request.url).pathname)) return restErrorResponse({ Response }, new RestError(500, 'INTERNAL_SERVER_ERROR', UNEXPECTED, headers));
  const body = { errors: [{ message: UNEXPECTED, extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: requestId(request) } }] };
  return jsonResponse({ Response }, 500, body, headers);
}

/** The plugins, each onRequest hook answering a generic 500 (logged with the request id) instead of throwing. */
export function guardedPlugins<T extends Plugin<any>>(plugins: T[]): T[] {
  return plugins.map((plugin) => {
    const onRequest = plugin.onRequest;
    if (!onRequest) return plugin;
    return {
      ...plugin,
      async onRequest(payload: Parameters<NonNullable<Plugin['onRequest']>>[0]) {
        try {
          return await onRequest.call(plugin, payload as never);
        } catch (error) {
          logger.error({ err: error, requestId: requestId(payload.request) }, 'a request failed before GraphQL');
          payload.endResponse(internalError(payload.request));
        }
      },
    } as T;
  });
}

/** True when the request's Host header and target make a URL (what the HTTP layer builds from them). */
function hasValidUrl(request: http.IncomingMessage): boolean {
  try {
    new URL(`http://${request.headers.host || 'localhost'}${request.url ?? '/'}`);
    return true;
  } catch {
    return false;
  }
}

/** The Node request listener of an API (what `http.createServer` takes): a request with no valid URL is a 400. */
export function nodeListener(api: (request: http.IncomingMessage, response: http.ServerResponse) => unknown): http.RequestListener {
  return (request, response) => {
    // A request whose client sends nothing for this long is dropped (Node destroys the socket);
    // the adapter lifts it once the answer is being sent (SSE streams stay open). This replaces
    // Node's whole-request deadline, which the server turns off (server.ts): it cut every upload
    // taking over 5 minutes, so LOAD_MAX_BYTES' 1 GiB needed a link of 30 Mbit/s or more.
    request.socket.setTimeout(REQUEST_IDLE_MS);
    if (!hasValidUrl(request)) {
      const rest = isRestPath(request.url ?? '/');
      const body = rest ? JSON.stringify(restErrorBody(new RestError(400, 'BAD_REQUEST', BAD_URL))) : `${BAD_URL}\n`;
      const type = rest ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8';
      response.writeHead(400, { 'content-type': type, 'content-length': Buffer.byteLength(body), connection: 'close' });
      response.end(body);
      return;
    }
    void api(request, response);
  };
}
