import { createDeferredStructures, dropDeferredStructures, insertObservations, insertOrganisations, insertPages, stageLatestCounts } from './sql/firstLoad.js';
import type { Writer } from './steps.js';

/**
 * The first load's writer (nothing of organisations, pages and observations is stored yet;
 * `firstLoadKind`): plain inserts with each row's figures computed up front and, in a brand-new
 * database, the secondary indexes and foreign keys of the three tables built once at the end.
 * Nothing stored can change, so there is no snapshot: the rollups are rebuilt from the written rows.
 */
export function firstLoadWriter(options: { brandNew: boolean }): Writer {
  return {
    name: 'first load',
    snapshot: async () => undefined,
    async write(session, checked) {
      const { client } = session;
      const { kinds } = checked;
      const deferred = options.brandNew ? await dropDeferredStructures(client) : [];
      await stageLatestCounts(client, kinds.has('observations'));
      if (kinds.has('organisations')) session.record('organisations', await insertOrganisations(client, kinds.has('pages')));
      if (kinds.has('pages')) session.record('pages', await insertPages(client));
      if (kinds.has('observations')) session.record('observations', await insertObservations(client));
      await createDeferredStructures(client, deferred);
    },
  };
}
