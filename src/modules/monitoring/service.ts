import type { Catalogue, PlatformRow } from '../catalogue/catalogue.js';
import { resolveCodes } from '../catalogue/catalogue.js';
import { badUserInput } from '../common/errors.js';
import { type Compliance, complianceOf } from './compliance.js';
import { platformSetsOf } from './loaders.js';

/** What a compliance is asked under: the required platforms (catalogue rows) and the sectors (null: every sector). */
export interface ComplianceFilter {
  required: PlatformRow[];
  sectorIds: number[] | null;
}

/**
 * Required platform and sector codes resolved against the catalogue: an unknown code, or no
 * required platform at all, is BAD_USER_INPUT naming `argument` (`required`, `orderBy.required`…).
 */
export function complianceFilter(
  catalogue: Catalogue,
  args: { required: readonly string[] | null | undefined; sectors?: readonly string[] | null },
  argument = 'required',
  sectorsArgument = 'sectors',
): ComplianceFilter {
  const ids = resolveCodes(
    catalogue,
    'platform',
    args.required?.filter((code) => code.trim() !== ''),
    argument,
  );
  if (ids === null) {
    throw badUserInput(
      `${argument}: name at least one platform (e.g. ["VK", "OK"]); known platforms: ${catalogue.platforms.map((p) => p.code).join(', ')}.`,
      argument,
    );
  }
  const required = catalogue.platforms.filter((platform) => ids.includes(platform.id));
  return { required, sectorIds: resolveCodes(catalogue, 'sector', args.sectors, sectorsArgument) };
}

/**
 * The compliance of a territory's subtree. `loaders` is the request's loaders object: calls of
 * one request share a batch (one statement per sector filter, whatever the territories).
 */
export async function territoryCompliance(loaders: object, territoryId: number, filter: ComplianceFilter): Promise<Compliance> {
  const sets = await platformSetsOf(loaders).load({ id: territoryId, sectorIds: filter.sectorIds });
  return complianceOf(sets, filter.required);
}
