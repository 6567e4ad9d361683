import type DataLoader from 'dataloader';
import { prisma } from '../../db/prisma.js';
import type { Territory } from '../../generated/prisma/client.js';
import { loaderFamilies, type PartitionRows, partitionRows } from '../common/loaderFamily.js';
import { isPlainRows, rowsById, type Selection } from '../common/selection.js';
import type { SliceArgs } from '../common/slice.js';
import { childSlices, childSlicesWithRows, TERRITORY_FIELDS, type TerritoryOrder } from './sql.js';

/** Loaders of the territory tree. */
export interface TerritoryLoaders {
  /** Territories by id, with `selection`. */
  territoriesById(selection: Selection): DataLoader<number, Territory | null>;
  /** Per parent id: one slice of its children. */
  children(selection: Selection, order: TerritoryOrder, slice: SliceArgs): DataLoader<number, PartitionRows<Territory>>;
}

const readTerritories = (args: object) => prisma().territory.findMany(args);

export function createTerritoryLoaders(): TerritoryLoaders {
  const memo = loaderFamilies();
  return {
    territoriesById(selection) {
      return memo('territoriesById', selection, async (ids) => {
        const rows = await rowsById<Territory>(readTerritories, selection, ids);
        return ids.map((id) => rows.get(id) ?? null);
      });
    },

    children(selection, order, slice) {
      return memo('children', [selection, order, slice], async (parentIds) => {
        if (isPlainRows(selection, TERRITORY_FIELDS)) {
          // No relation asked below: the slices and their rows in one statement.
          const partitions = await childSlicesWithRows(parentIds, order, slice);
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
