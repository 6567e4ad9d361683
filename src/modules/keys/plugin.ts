import type { Plugin } from 'graphql-yoga';
import type pg from 'pg';
import { jsonResponse, RestError, restErrorResponse } from '../common/rest.js';
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
      const headers = { 'www-authenticate': 'Bearer realm="gospubliki"' };
      endResponse(
        url.pathname.startsWith('/v1/')
          ? restErrorResponse(fetchAPI, new RestError(401, 'UNAUTHENTICATED', presented.reason, headers))
          : jsonResponse(fetchAPI, 401, { errors: [{ message: presented.reason, extensions: { code: 'UNAUTHENTICATED' } }] }, headers),
      );
    },
  };
}
