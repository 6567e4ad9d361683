import type { YogaInitialContext } from 'graphql-yoga';
import { createLoaders, type Loaders } from './loaders/index.js';

/** What every resolver gets: the request and this request's DataLoaders. */
export interface Context {
  request: Request;
  /** Per-request batching loaders (one grouped query per batch). */
  loaders: Loaders;
}

export function createContext(initial: YogaInitialContext): Context {
  return { request: initial.request, loaders: createLoaders() };
}
