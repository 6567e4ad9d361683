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
  /** Per parent id: one slice of its children; with `stats`, their unfiltered Stats at that detail are read along (read-ahead). */
  children(selection: Selection, order: TerritoryOrder, slice: SliceArgs, stats?: StatsAlong): DataLoader<number, PartitionRows<Territory>>;
  /**
   * Remembers a slice of a parent's children read along with the parent (readAhead.ts, which
   * reads them only when their selection asks no relation: the rows without Prisma serve it).
   */
  primeChildren(parentId: number, order: TerritoryOrder, slice: SliceArgs, partition: ChildPartition): void;
  /** The slice of children `primeChildren` remembered for this parent, order and slice, if any. */
  primedChildren(parentId: number, order: TerritoryOrder, slice: SliceArgs): ChildPartition | undefined;
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
    primedChildren(parentId, order, slice) {
      return primed.size === 0 ? undefined : primed.get(primedKey(parentId, order, slice));
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
          // No relation asked below: the slices and their rows in one statement (and their Stats, when asked).
          const { children, childStats } = await childSlicesWithRows(parentIds, { order, slice, stats });
          if (stats !== null) {
            const ids = [...children.values()].flatMap((partition) => partition.nodes.map((node) => node.id));
            await figures.primeTerritoryStats(ids, childStats, stats);
          }
          return parentIds.map((id) => children.get(id) ?? { total: 0, nodes: [] });
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
