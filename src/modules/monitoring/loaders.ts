import DataLoader from 'dataloader';
import type { PlatformSet } from './compliance.js';
import { selectOrganisationSets } from './sql.js';

/** A key of `platformSets`: a territory's id and the sectors its organisations are narrowed to (null: every sector). */
export interface PlatformSetKey {
  id: number;
  sectorIds: number[] | null;
}

/**
 * Per territory subtree, its organisations per exact platform set: one statement per distinct
 * sector filter for every territory asked in a batch (however many sets of required platforms).
 */
export function platformSetsLoader(): DataLoader<PlatformSetKey, PlatformSet[], string> {
  const keyOf = (sectorIds: number[] | null) => (sectorIds ? sectorIds.join(',') : '*');
  return new DataLoader<PlatformSetKey, PlatformSet[], string>(
    async (keys) => {
      const groups = new Map<string, { sectorIds: number[] | null; ids: Set<number> }>();
      for (const key of keys) {
        const group = groups.get(keyOf(key.sectorIds)) ?? { sectorIds: key.sectorIds, ids: new Set<number>() };
        group.ids.add(key.id);
        groups.set(keyOf(key.sectorIds), group);
      }
      const found = new Map<string, PlatformSet[]>();
      await Promise.all(
        [...groups].map(async ([sectors, { sectorIds, ids }]) => {
          for (const [territoryId, platformMask, organisations] of await selectOrganisationSets([...ids], sectorIds)) {
            const k = `${territoryId}|${sectors}`;
            const list = found.get(k) ?? [];
            list.push({ platformMask, organisations });
            found.set(k, list);
          }
        }),
      );
      return keys.map((key) => found.get(`${key.id}|${keyOf(key.sectorIds)}`) ?? []);
    },
    { cacheKeyFn: (key) => `${key.id}|${keyOf(key.sectorIds)}`, maxBatchSize: 1000 },
  );
}

const perRequest = new WeakMap<object, DataLoader<PlatformSetKey, PlatformSet[], string>>();

/**
 * The request's `platformSets` loader, kept beside the request's other loaders (`owner` is the
 * request's loaders object, so the loader lives and dies with the request).
 */
export function platformSetsOf(owner: object): DataLoader<PlatformSetKey, PlatformSet[], string> {
  let loader = perRequest.get(owner);
  if (!loader) {
    loader = platformSetsLoader();
    perRequest.set(owner, loader);
  }
  return loader;
}

/**
 * Hands the platform sets of a territory's subtree over every sector, read along with the
 * territory itself (src/modules/territory/readAhead.ts), to the request's loader: its
 * `compliance` fields without sectors then resolve without a statement of their own.
 */
export function primePlatformSets(owner: object, territoryId: number, sets: PlatformSet[]): void {
  platformSetsOf(owner).prime({ id: territoryId, sectorIds: null }, sets);
}
