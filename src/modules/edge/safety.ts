import type http from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { logger } from '../../logger.js';
import { requestId } from './requestId.js';

/**
 * The last line of defence against stack traces: the HTTP layer under Yoga (@whatwg-node/server)
 * answers an error thrown in a plugin's onRequest, or a request whose URL cannot be built (a
 * `Host: a b`), with the error's stack as the body, in every mode. Here every plugin's onRequest
 * is guarded (a failure is logged with the request id and answered a generic 500), and the Node
 * listener refuses a request whose Host and target make no URL with a plain 400.
 */

function internalError(request: Request): Response {
  const body = { errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: requestId(request) } }] };
  return new Response(JSON.stringify(body), { status: 500, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } });
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
    if (!hasValidUrl(request)) {
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      response.end('Bad request: the Host header and the request target do not make a valid URL.\n');
      return;
    }
    void api(request, response);
  };
}
