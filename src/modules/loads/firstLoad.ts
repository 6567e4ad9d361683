import type pg from 'pg';
import type { BulkKind } from './files.js';
import type { UpsertCounts } from './sql/apply.js';
import { createDeferredStructures, dropDeferredStructures, insertObservations, insertOrganisations, insertPages, stageLatestCounts } from './sql/firstLoad.js';

/**
 * Writes the staged organisations, pages and observations of a first load (nothing of them is
 * stored yet; `firstLoadKind`): plain inserts with each row's figures computed up front and, in a
 * brand-new database, the secondary indexes and foreign keys of the three tables built once at
 * the end. The rollups are then rebuilt from the written rows.
 */
export async function applyFirstLoad(
  client: pg.PoolClient,
  staged: ReadonlySet<string>,
  record: (kind: BulkKind, counts: UpsertCounts) => void,
  options: { brandNew: boolean },
): Promise<void> {
  const deferred = options.brandNew ? await dropDeferredStructures(client) : [];
  await stageLatestCounts(client, staged.has('observations'));
  if (staged.has('organisations')) record('organisations', await insertOrganisations(client, staged.has('pages')));
  if (staged.has('pages')) record('pages', await insertPages(client));
  if (staged.has('observations')) record('observations', await insertObservations(client));
  await createDeferredStructures(client, deferred);
}
