/** Loaders of the territory tree, organisations and pages (read API). */
export interface TreeLoaders {}

export function createTreeLoaders(): TreeLoaders {
  return {};
}
