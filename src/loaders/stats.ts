/** Loaders of subscriber figures (stats, history, growth), keyed by node and filter. */
export interface StatsLoaders {}

export function createStatsLoaders(): StatsLoaders {
  return {};
}
