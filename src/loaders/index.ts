/**
 * Per-request DataLoaders. Each loader turns many lookups made while resolving one request into
 * one grouped query. Add a loader here and create it in `createLoaders`.
 */
export interface Loaders {}

export function createLoaders(): Loaders {
  return {};
}
