import type DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { prisma } from '../../db/prisma.js';
import type { Page, PageStatus } from '../../generated/prisma/client.js';
import { loaderFamilies } from '../common/loaderFamily.js';
import { type Selection, withColumns } from '../common/selection.js';
import { PAGES_PER_ORGANISATION } from './limits.js';

/** Loaders of official pages. */
export interface PageLoaders {
  /**
   * Per organisation id: its pages, optionally narrowed to platforms and a status; an organisation
   * with more than PAGES_PER_ORGANISATION of them gets a LIST_TOO_LONG error instead.
   */
  organisationPages(selection: Selection, platformIds: number[] | null, status: PageStatus | undefined): DataLoader<number, Page[]>;
}

/** The error of an organisation whose pages are more than `Organisation.pages` returns. */
export function tooManyPages(): GraphQLError {
  return new GraphQLError(
    `This organisation has more than ${PAGES_PER_ORGANISATION} pages (on the platforms and status asked): list them with pagesConnection(first:, after:).`,
    { extensions: { code: 'LIST_TOO_LONG', limit: PAGES_PER_ORGANISATION } },
  );
}

type PageWhere = { platformId?: { in: number[] }; status?: PageStatus };

/**
 * The pages of these organisations, reading at most PAGES_PER_ORGANISATION per organisation plus
 * one: when the read is cut off, some organisation holds more than the cap (pigeonhole), gets
 * its error, and the others are read again without it. The work is bounded by the cap, never by
 * the number of pages an organisation holds.
 */
async function cappedPages(organisationIds: readonly number[], selection: Selection, where: PageWhere): Promise<Map<number, Page[] | GraphQLError>> {
  const result = new Map<number, Page[] | GraphQLError>();
  let pending = [...organisationIds];
  while (pending.length > 0) {
    const take = pending.length * PAGES_PER_ORGANISATION + 1;
    const pages = (await prisma().page.findMany({
      ...withColumns(selection, ['organisationId']),
      where: { organisationId: { in: pending }, ...where },
      take,
    } as object)) as Page[];
    const byOrganisation = new Map<number, Page[]>(pending.map((id) => [id, []]));
    for (const page of pages) byOrganisation.get(page.organisationId)?.push(page);
    const cutOff = pages.length === take;
    const again: number[] = [];
    for (const [id, list] of byOrganisation) {
      if (list.length > PAGES_PER_ORGANISATION) result.set(id, tooManyPages());
      else if (cutOff) again.push(id);
      else result.set(id, list);
    }
    pending = again;
  }
  return result;
}

/** Pages by platform, then external id. */
function byPlatformAndExternalId(a: Page, b: Page): number {
  return a.platformId - b.platformId || (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0);
}

export function createPageLoaders(): PageLoaders {
  const memo = loaderFamilies();
  return {
    organisationPages(selection, platformIds, status) {
      // An Error among a batch's values rejects that key's load (DataLoader's contract).
      return memo<Page[]>('organisationPages', [selection, platformIds, status], async (organisationIds) => {
        const where: PageWhere = { ...(platformIds ? { platformId: { in: platformIds } } : {}), ...(status ? { status } : {}) };
        const pages = await cappedPages(organisationIds, selection, where);
        // Ordered here: asking the database for this order can make it walk the (platform,
        // external id) index over every page instead of fetching these organisations' pages.
        return organisationIds.map((id) => {
          const list = pages.get(id) ?? [];
          return list instanceof GraphQLError ? (list as unknown as Page[]) : list.sort(byPlatformAndExternalId);
        });
      });
    },
  };
}
