import type { YogaInitialContext } from 'graphql-yoga';
import { createLoaders, type Loaders } from './loaders/index.js';
import { requestId } from './requestLog.js';

/** What every resolver gets: the request and this request's DataLoaders. */
export interface Context {
  request: Request;
  /** The id this request is logged under (also the `x-request-id` response header). */
  requestId: string;
  /** Per-request batching loaders (one grouped query per batch). */
  loaders: Loaders;
}

export function createContext(initial: YogaInitialContext): Context {
  return { request: initial.request, requestId: requestId(initial.request), loaders: createLoaders() };
}
