import type { YogaInitialContext } from 'graphql-yoga';
import type pg from 'pg';
import type { Logger } from 'pino';
import { logger } from './logger.js';
import { requestId } from './modules/edge/requestId.js';
import type { Viewer } from './modules/keys/keys.js';
import { viewerOf } from './modules/keys/plugin.js';
import { createLoaders, type Loaders } from './modules/loaders.js';

export type { Loaders } from './modules/loaders.js';

/** What every resolver gets: the request, its id and logger, and this request's DataLoaders. */
export interface Context {
  request: Request;
  /** The id this request is logged under (also the `x-request-id` response header). */
  requestId: string;
  /** The process logger bound to this request (every line carries `requestId`). */
  log: Logger;
  /** The caller's checked API key; null when anonymous (reads need no key). */
  viewer: Viewer | null;
  /** The database pool writes go through (the primary). */
  pool: pg.Pool;
  /** Per-request batching loaders (one grouped query per batch). */
  loaders: Loaders;
}

/** The context factory of an API over this pool. */
export function contextFactory(pool: pg.Pool) {
  return (initial: YogaInitialContext): Context => {
    const id = requestId(initial.request);
    return {
      request: initial.request,
      requestId: id,
      log: logger.child({ requestId: id }),
      viewer: viewerOf(initial.request),
      pool,
      loaders: createLoaders(),
    };
  };
}
