import type pg from 'pg';
import type { BulkKind } from './files.js';
import type { UpsertCounts } from './sql/apply.js';
import { createDeferredStructures, dropDeferredStructures, insertObservations, insertOrganisations, insertPages, stageLatestCounts } from './sql/firstLoad.js';

/**
 * Writes the staged organisations, pages and observations of a first load (nothing of them is
 * stored yet; `isFirstLoad`): plain inserts with each row's figures computed up front, the
 * secondary indexes and the foreign keys between them built once at the end. The rollups are then rebuilt from the written rows.
 */
export async function applyFirstLoad(
  client: pg.PoolClient,
  staged: ReadonlySet<string>,
  record: (kind: BulkKind, counts: UpsertCounts) => void,
): Promise<void> {
  const deferred = await dropDeferredStructures(client);
  await stageLatestCounts(client, staged.has('observations'));
  if (staged.has('organisations')) record('organisations', await insertOrganisations(client, staged.has('pages')));
  if (staged.has('pages')) record('pages', await insertPages(client));
  if (staged.has('observations')) record('observations', await insertObservations(client));
  await createDeferredStructures(client, deferred);
}
