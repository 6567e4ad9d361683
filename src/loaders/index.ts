import { createStatsLoaders, type StatsLoaders } from './stats.js';
import { createTreeLoaders, type TreeLoaders } from './tree.js';

/**
 * Per-request DataLoaders. Each loader turns the lookups made while resolving one request into
 * one grouped query per batch.
 */
export type Loaders = TreeLoaders & StatsLoaders;

export function createLoaders(): Loaders {
  return { ...createTreeLoaders(), ...createStatsLoaders() };
}
