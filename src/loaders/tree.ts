import DataLoader from 'dataloader';
import { prisma } from '../db/prisma.js';
import {
  catalogueCodes,
  childPages,
  organisationPages,
  type OrganisationConditions,
  type OrganisationOrder,
  type SliceArgs,
  type TerritoryOrder,
} from '../db/sql/tree.js';
import type { Organisation, Page, PageStatus, Territory } from '../generated/prisma/client.js';

/**
 * The Prisma selection a GraphQL field asks of the rows it returns (from plugin-prisma's
 * `queryFromInfo`): relations to include, or columns to select. Loaders are keyed by it, so the
 * rows of sibling fields with the same selection are read together, with their relations.
 */
export interface Selection {
  select?: Record<string, unknown>;
  include?: Record<string, unknown>;
}

/** Platform and sector codes with their ids. */
export interface Catalogue {
  platforms: ReadonlyMap<string, number>;
  sectors: ReadonlyMap<string, number>;
}

/** Rows of one partition of a list below many parents: the page shown and the size of the list. */
export interface PartitionRows<T> {
  total: number;
  nodes: T[];
}

/** Loaders of the territory tree, organisations and pages (read API). */
export interface TreeLoaders {
  /** Platform and sector codes, read once per request (filters name them). */
  catalogue(): Promise<Catalogue>;
  /** Territories by id, with `selection`. */
  territoriesById(selection: Selection): DataLoader<number, Territory | null>;
  /** Per parent id: one page of its children. */
  children(selection: Selection, order: TerritoryOrder, slice: SliceArgs): DataLoader<number, PartitionRows<Territory>>;
  /** Per territory id: one page of its organisations (of its subtree, or its own). */
  territoryOrganisations(
    selection: Selection,
    includeDescendants: boolean,
    conditions: OrganisationConditions,
    order: OrganisationOrder,
    slice: SliceArgs,
  ): DataLoader<number, PartitionRows<Organisation>>;
  /** Per organisation id: its pages, optionally narrowed to platforms and a status. */
  organisationPages(selection: Selection, platformIds: number[] | undefined, status: PageStatus | undefined): DataLoader<number, Page[]>;
}

/** The selection with `columns` selected too (needed to key the rows), when it is a select. */
function withColumns(selection: Selection, columns: string[]): Selection {
  if (!selection.select) return selection;
  return { select: { ...selection.select, ...Object.fromEntries(columns.map((column) => [column, true])) } };
}

/** Rows by id with a selection, in the order of `ids`. */
async function rowsById<T extends { id: number }>(
  read: (args: Selection & { where: { id: { in: number[] } } }) => Promise<unknown[]>,
  selection: Selection,
  ids: readonly number[],
): Promise<Map<number, T>> {
  if (ids.length === 0) return new Map();
  const rows = (await read({ ...withColumns(selection, ['id']), where: { id: { in: [...new Set(ids)] } } })) as T[];
  return new Map(rows.map((row) => [row.id, row]));
}

const readTerritories = (args: object) => prisma().territory.findMany(args);
const readOrganisations = (args: object) => prisma().organisation.findMany(args);

/**
 * Batches are dispatched once the current round of resolvers has settled (after I/O callbacks
 * and promise jobs), so lookups made after an `await` in sibling resolvers still share a batch.
 */
const afterSiblings = (dispatch: () => void) => void setImmediate(dispatch);

export function createTreeLoaders(): TreeLoaders {
  const loaders = new Map<string, DataLoader<number, unknown>>();
  function memo<V>(family: string, key: unknown, batch: (ids: readonly number[]) => Promise<V[]>): DataLoader<number, V> {
    const name = `${family}:${JSON.stringify(key)}`;
    let loader = loaders.get(name) as DataLoader<number, V> | undefined;
    if (!loader) {
      loader = new DataLoader<number, V>(batch, { batchScheduleFn: afterSiblings });
      loaders.set(name, loader as DataLoader<number, unknown>);
    }
    return loader;
  }

  let catalogue: Promise<Catalogue> | undefined;

  return {
    catalogue() {
      catalogue ??= catalogueCodes().then((rows) => ({
        platforms: new Map(rows.filter((row) => row.kind === 'platform').map((row) => [row.code, row.id])),
        sectors: new Map(rows.filter((row) => row.kind === 'sector').map((row) => [row.code, row.id])),
      }));
      return catalogue;
    },

    territoriesById(selection) {
      return memo('territoriesById', selection, async (ids) => {
        const rows = await rowsById<Territory>(readTerritories, selection, ids);
        return ids.map((id) => rows.get(id) ?? null);
      });
    },

    children(selection, order, slice) {
      return memo('children', [selection, order, slice], async (parentIds) => {
        const pages = await childPages(parentIds, order, slice);
        const rows = await rowsById<Territory>(readTerritories, selection, [...pages.values()].flatMap((page) => page.ids));
        return parentIds.map((id) => {
          const page = pages.get(id);
          return { total: page?.total ?? 0, nodes: (page?.ids ?? []).map((child) => rows.get(child)!).filter(Boolean) };
        });
      });
    },

    territoryOrganisations(selection, includeDescendants, conditions, order, slice) {
      return memo('territoryOrganisations', [selection, includeDescendants, conditions, order, slice], async (territoryIds) => {
        const pages = await organisationPages(territoryIds, includeDescendants, conditions, order, slice);
        const rows = await rowsById<Organisation>(readOrganisations, selection, [...pages.values()].flatMap((page) => page.ids));
        return territoryIds.map((id) => {
          const page = pages.get(id);
          return { total: page?.total ?? 0, nodes: (page?.ids ?? []).map((org) => rows.get(org)!).filter(Boolean) };
        });
      });
    },

    organisationPages(selection, platformIds, status) {
      return memo('organisationPages', [selection, platformIds, status], async (organisationIds) => {
        const pages = (await prisma().page.findMany({
          ...withColumns(selection, ['organisationId']),
          where: {
            organisationId: { in: [...organisationIds] },
            ...(platformIds ? { platformId: { in: platformIds } } : {}),
            ...(status ? { status } : {}),
          },
        } as object)) as Page[];
        // Ordered here: asking the database for this order can make it walk the (platform,
        // external id) index over every page instead of fetching these organisations' pages.
        pages.sort((a, b) => a.platformId - b.platformId || (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));
        const byOrganisation = new Map<number, Page[]>();
        for (const page of pages) {
          const list = byOrganisation.get(page.organisationId) ?? [];
          list.push(page);
          byOrganisation.set(page.organisationId, list);
        }
        return organisationIds.map((id) => byOrganisation.get(id) ?? []);
      });
    },
  };
}
