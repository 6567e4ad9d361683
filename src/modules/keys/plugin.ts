import type { Plugin } from 'graphql-yoga';
import type pg from 'pg';
import { presentedKey, type Viewer } from './keys.js';

const viewers = new WeakMap<Request, Viewer | null>();

/** The checked key of a request (null: anonymous); set by `keysPlugin` before anything else runs. */
export function viewerOf(request: Request): Viewer | null {
  return viewers.get(request) ?? null;
}

/**
 * Checks the key a request presents, once, before anything else runs. A request that presents
 * a key that does not work (malformed, unknown, revoked, expired) is answered 401
 * UNAUTHENTICATED at once, whatever it asks: a client must learn its key is bad, not be served
 * as anonymous.
 */
export function keysPlugin(pool: pg.Pool): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      const presented = await presentedKey(pool, request.headers.get('authorization'));
      if (presented.kind !== 'refused') {
        viewers.set(request, presented.kind === 'viewer' ? presented.viewer : null);
        return;
      }
      const body = url.pathname.startsWith('/v1/')
        ? { error: { code: 'UNAUTHENTICATED', message: presented.reason } }
        : { errors: [{ message: presented.reason, extensions: { code: 'UNAUTHENTICATED' } }] };
      endResponse(
        new fetchAPI.Response(JSON.stringify(body), {
          status: 401,
          headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer realm="gospubliki"' },
        }),
      );
    },
  };
}
