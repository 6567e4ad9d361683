import type DataLoader from 'dataloader';
import { prisma } from '../../db/prisma.js';
import type { Page, PageStatus } from '../../generated/prisma/client.js';
import { loaderFamilies } from '../common/loaderFamily.js';
import { type Selection, withColumns } from '../common/selection.js';

/** Loaders of official pages. */
export interface PageLoaders {
  /** Per organisation id: its pages, optionally narrowed to platforms and a status. */
  organisationPages(selection: Selection, platformIds: number[] | null, status: PageStatus | undefined): DataLoader<number, Page[]>;
}

export function createPageLoaders(): PageLoaders {
  const memo = loaderFamilies();
  return {
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
