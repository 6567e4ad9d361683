import { randomUUID } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import { logger } from '../../logger.js';

const requests = new WeakMap<Request, { id: string; started: number }>();

/** The id a request is logged under: its `x-request-id` header when sent, a new UUID otherwise. */
export function requestId(request: Request): string {
  let entry = requests.get(request);
  if (!entry) {
    entry = { id: request.headers.get('x-request-id') ?? randomUUID(), started: performance.now() };
    requests.set(request, entry);
  }
  return entry.id;
}

/**
 * Gives every request an id, returns it in the `x-request-id` response header and writes one
 * log line per request (level debug: method, path, status, duration) under it.
 */
export function requestIdPlugin(): Plugin {
  return {
    onRequest({ request }) {
      requestId(request);
    },
    onResponse({ request, response }) {
      const entry = requests.get(request);
      if (!entry) return;
      response.headers.set('x-request-id', entry.id);
      // The line's fields (a URL parse among them) are built only when it is written.
      if (!logger.isLevelEnabled('debug')) return;
      logger.debug(
        {
          requestId: entry.id,
          method: request.method,
          path: new URL(request.url).pathname,
          status: response.status,
          ms: Math.round(performance.now() - entry.started),
        },
        'request',
      );
    },
  };
}
