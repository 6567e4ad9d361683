import DataLoader from 'dataloader';
import { badUserInput } from '../common/errors.js';
import { addDays, type Day, today } from '../figures/dates.js';
import { shareOf } from './compliance.js';
import { selectFreshness } from './sql.js';

/** How recently a scope's active pages were counted. */
export interface Freshness {
  /** Active pages in scope. */
  pages: number;
  /** Active pages whose latest observation is before `since`, or that have none. */
  stalePages: number;
  /** stalePages / pages; 0 for a scope without active pages. */
  staleShare: number;
  /** The earliest latest-observation day of an observed active page; null when none is observed. */
  oldestObservedOn: Day | null;
  /** The cut-off: a page last counted before this day is stale. */
  since: Day;
  olderThanDays: number;
}

/** `olderThanDays` accepted: up to about ten years. */
export const MAX_OLDER_THAN_DAYS = 3650;

/** The cut-off day of `olderThanDays` (today minus that many days), or BAD_USER_INPUT naming `argument`. */
export function staleCutoff(olderThanDays: number, argument = 'olderThanDays', now: Day = today()): Day {
  if (!Number.isInteger(olderThanDays) || olderThanDays < 0 || olderThanDays > MAX_OLDER_THAN_DAYS) {
    throw badUserInput(`${argument}: give a whole number of days from 0 to ${MAX_OLDER_THAN_DAYS} (got ${olderThanDays}).`, argument);
  }
  return addDays(now, -olderThanDays);
}

/** A key of the freshness loader: a territory and the number of days after which a page is stale. */
export interface FreshnessKey {
  id: number;
  olderThanDays: number;
}

/** Freshness of territories' subtrees: one statement per distinct `olderThanDays` for every territory of a batch. */
function freshnessLoader(): DataLoader<FreshnessKey, Freshness, string> {
  return new DataLoader<FreshnessKey, Freshness, string>(
    async (keys) => {
      const groups = new Map<number, Set<number>>();
      for (const key of keys) groups.set(key.olderThanDays, (groups.get(key.olderThanDays) ?? new Set()).add(key.id));
      const found = new Map<string, Freshness>();
      await Promise.all(
        [...groups].map(async ([olderThanDays, ids]) => {
          const since = staleCutoff(olderThanDays);
          for (const [territoryId, pages, stalePages, oldestObservedOn] of await selectFreshness([...ids], since)) {
            found.set(`${territoryId}|${olderThanDays}`, { pages, stalePages, staleShare: shareOf(stalePages, pages), oldestObservedOn, since, olderThanDays });
          }
        }),
      );
      return keys.map(
        (key) =>
          found.get(`${key.id}|${key.olderThanDays}`) ?? {
            pages: 0,
            stalePages: 0,
            staleShare: 0,
            oldestObservedOn: null,
            since: staleCutoff(key.olderThanDays),
            olderThanDays: key.olderThanDays,
          },
      );
    },
    { cacheKeyFn: (key) => `${key.id}|${key.olderThanDays}`, maxBatchSize: 1000 },
  );
}

const perRequest = new WeakMap<object, DataLoader<FreshnessKey, Freshness, string>>();

/** The freshness of a territory's subtree; `loaders` is the request's loaders object (calls of one request share a batch). */
export function territoryFreshness(loaders: object, territoryId: number, olderThanDays: number): Promise<Freshness> {
  staleCutoff(olderThanDays);
  let loader = perRequest.get(loaders);
  if (!loader) {
    loader = freshnessLoader();
    perRequest.set(loaders, loader);
  }
  return loader.load({ id: territoryId, olderThanDays });
}
