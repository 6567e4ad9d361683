import type DataLoader from 'dataloader';
import { prisma } from '../../db/prisma.js';
import type { Organisation } from '../../generated/prisma/client.js';
import { loaderFamilies, type PartitionRows, partitionRows } from '../common/loaderFamily.js';
import { rowsById, type Selection } from '../common/selection.js';
import type { SliceArgs } from '../common/slice.js';
import { type OrganisationConditions, type OrganisationOrder, organisationSlices } from './sql.js';

/** Loaders of organisations. */
export interface OrganisationLoaders {
  /** Organisations by id, with `selection`. */
  organisationsById(selection: Selection): DataLoader<number, Organisation | null>;
  /** Per territory id: one slice of its organisations (of its subtree, or its own). */
  territoryOrganisations(
    selection: Selection,
    includeDescendants: boolean,
    conditions: OrganisationConditions,
    order: OrganisationOrder,
    slice: SliceArgs,
  ): DataLoader<number, PartitionRows<Organisation>>;
}

const readOrganisations = (args: object) => prisma().organisation.findMany(args);

export function createOrganisationLoaders(): OrganisationLoaders {
  const memo = loaderFamilies();
  return {
    organisationsById(selection) {
      return memo('organisationsById', selection, async (ids) => {
        const rows = await rowsById<Organisation>(readOrganisations, selection, ids);
        return ids.map((id) => rows.get(id) ?? null);
      });
    },

    territoryOrganisations(selection, includeDescendants, conditions, order, slice) {
      return memo('territoryOrganisations', [selection, includeDescendants, conditions, order, slice], async (territoryIds) => {
        const slices = await organisationSlices(territoryIds, includeDescendants, conditions, order, slice);
        const rows = await rowsById<Organisation>(
          readOrganisations,
          selection,
          [...slices.values()].flatMap((s) => s.ids),
        );
        return partitionRows(territoryIds, slices, rows);
      });
    },
  };
}
