import type DataLoader from 'dataloader';
import { prisma } from '../../db/prisma.js';
import type { Territory } from '../../generated/prisma/client.js';
import { loaderFamilies, type PartitionRows, partitionRows } from '../common/loaderFamily.js';
import { isPlainRows, rowsById, type Selection } from '../common/selection.js';
import type { SliceArgs } from '../common/slice.js';
import type { StatsDetail } from '../figures/detail.js';
import type { TerritoryStatsRow } from '../figures/sql.js';
import { type ChildPartition, childSlices, childSlicesWithRows, type StatsAlong, TERRITORY_FIELDS, type TerritoryOrder } from './sql.js';

/** Loaders of the territory tree. */
export interface TerritoryLoaders {
  /** Territories by id, with `selection`. */
  territoriesById(selection: Selection): DataLoader<number, Territory | null>;
  /** Per parent id: one slice of its children. */
  /** Per parent id: one slice of its children; with `stats`, their unfiltered Stats at that detail are read along (read-ahead). */
  children(selection: Selection, order: TerritoryOrder, slice: SliceArgs, stats?: StatsAlong): DataLoader<number, PartitionRows<Territory>>;
  /**
   * A slice of a parent's children read along with the parent (readAhead.ts): a `children` loader
   * of that order and slice whose selection asks no relation answers it without a statement.
   */
  primeChildren(parentId: number, order: TerritoryOrder, slice: SliceArgs, partition: ChildPartition): void;
}

/** What the territory loaders need of the figures module: a way to hand it the Stats read along. */
export interface StatsPrimer {
  primeTerritoryStats(ids: readonly number[], rows: readonly TerritoryStatsRow[], detail: StatsDetail): Promise<void>;
}

const readTerritories = (args: object) => prisma().territory.findMany(args);

export function createTerritoryLoaders(figures: StatsPrimer): TerritoryLoaders {
  const memo = loaderFamilies();
  const primed = new Map<string, ChildPartition>();
  const primedKey = (parentId: number, order: TerritoryOrder, slice: SliceArgs) => JSON.stringify([parentId, order, slice]);
  return {
    primeChildren(parentId, order, slice, partition) {
      primed.set(primedKey(parentId, order, slice), partition);
    },

    territoriesById(selection) {
      return memo('territoriesById', selection, async (ids) => {
        const rows = await rowsById<Territory>(readTerritories, selection, ids);
        return ids.map((id) => rows.get(id) ?? null);
      });
    },

    children(selection, order, slice, stats = null) {
      return memo('children', [selection, order, slice, stats], async (parentIds) => {
        if (isPlainRows(selection, TERRITORY_FIELDS)) {
          // No relation asked below: the slices and their rows in one statement (and their Stats, when asked),
          // unless they were read along with their parent already.
          const partitions = new Map<number, ChildPartition>();
          const missing = parentIds.filter((id) => {
            const found = primed.get(primedKey(id, order, slice));
            if (found) partitions.set(id, found);
            return !found;
          });
          if (missing.length > 0) {
            const { children, childStats } = await childSlicesWithRows(missing, { order, slice, stats });
            for (const [id, partition] of children) partitions.set(id, partition);
            if (stats !== null) {
              const ids = [...children.values()].flatMap((partition) => partition.nodes.map((node) => node.id));
              await figures.primeTerritoryStats(ids, childStats, stats);
            }
          }
          return parentIds.map((id) => partitions.get(id) ?? { total: 0, nodes: [] });
        }
        const slices = await childSlices(parentIds, order, slice);
        const rows = await rowsById<Territory>(
          readTerritories,
          selection,
          [...slices.values()].flatMap((s) => s.ids),
        );
        return partitionRows(parentIds, slices, rows);
      });
    },
  };
}
