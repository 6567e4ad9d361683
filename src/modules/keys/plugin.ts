import type { Plugin } from 'graphql-yoga';
import type pg from 'pg';
import { type FetchApi, isRestPath, jsonResponse, RestError, restErrorResponse } from '../common/rest.js';
import { addressBudgetId, type Budget, type RateLimits } from '../edge/rateLimit.js';
import { presentedKey, type Viewer } from './keys.js';

const viewers = new WeakMap<Request, Viewer | null>();

/** The checked key of a request (null: anonymous); set by `keysPlugin` before anything else runs. */
export function viewerOf(request: Request): Viewer | null {
  return viewers.get(request) ?? null;
}

/** How refused keys are limited: failed attempts per client address and window, counted by `rates`. */
export interface KeyAttempts {
  rates: RateLimits;
  /** Refused keys a client address may present per window (0: unlimited). */
  failures: number;
  /** Proxies whose X-Forwarded-For is believed. */
  trustProxy: readonly string[];
}

/** A refusal in the shape of the route asked: the REST envelope on /v1/, a GraphQL error otherwise. */
function refusal(fetchAPI: FetchApi, pathname: string, error: RestError): Response {
  if (isRestPath(pathname)) return restErrorResponse(fetchAPI, error);
  return jsonResponse(fetchAPI, error.status, { errors: [{ message: error.message, extensions: { code: error.code } }] }, error.headers);
}

/**
 * Checks the key a request presents, once, before anything else runs. A request that presents
 * a key that does not work (malformed, unknown, revoked, expired) is answered 401
 * UNAUTHENTICATED at once, whatever it asks: a client must learn its key is bad, not be served
 * as anonymous. Each such refusal spends one of the client address's failed attempts; once they
 * are spent, a key not already checked is answered 429 RATE_LIMITED without a database look-up.
 */
export function keysPlugin(pool: pg.Pool, attempts?: KeyAttempts): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI, serverContext }) {
      const authorization = request.headers.get('authorization');
      const budget: Budget | undefined =
        authorization && attempts && attempts.failures > 0
          ? { id: `badkey:${addressBudgetId(request, serverContext, attempts.trustProxy).slice(3)}`, points: attempts.failures, anonymous: true }
          : undefined;
      const mayLookUp = async () => !budget || (await attempts!.rates.peek(budget))?.allowed !== false;
      const presented = await presentedKey(pool, authorization, mayLookUp);
      if (presented.kind === 'anonymous' || presented.kind === 'viewer') {
        viewers.set(request, presented.kind === 'viewer' ? presented.viewer : null);
        return;
      }
      const spent = presented.kind === 'limited' || (budget && (await attempts!.rates.consume(budget, 1))?.allowed === false);
      if (spent) {
        const seconds = (budget && (await attempts!.rates.peek(budget))?.resetSeconds) || 60;
        const message = `Too many refused API keys from this address: try again in ${seconds} s.`;
        return endResponse(refusal(fetchAPI, url.pathname, new RestError(429, 'RATE_LIMITED', message, { 'retry-after': String(seconds) })));
      }
      const headers = { 'www-authenticate': 'Bearer realm="gospubliki"' };
      endResponse(refusal(fetchAPI, url.pathname, new RestError(401, 'UNAUTHENTICATED', presented.reason, headers)));
    },
  };
}
