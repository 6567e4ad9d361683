import { DATA_CHANGED_CHANNEL } from '../../edge/invalidation.js';
import { bumpDataVersionAndNotify, type DataVersion } from '../../replicas/dataVersion.js';
import type { ImportOptions } from './options.js';
import { type LoadSession, RejectedLoad } from './session.js';
import { FILLED_TABLES } from './sql/firstLoad.js';
import { analyzeLoadedTables, KEPT_BY_OBSERVATIONS } from './sql/load.js';
import type { Writer } from './steps.js';

/** Rows inserted or updated from which a load refreshes the planner's statistics. */
const ANALYZE_AFTER = 10_000;

/**
 * Step 5: a dry run ends here (rolled back); otherwise the planner's statistics of a large load,
 * the new data version and the notice every API process acts on at commit (only when a row was
 * inserted or updated), and the caller's last check (`beforeCommit`). Returns the version this
 * load commits; undefined when it changes nothing.
 */
export async function finish(session: LoadSession, writer: Writer, options: ImportOptions): Promise<DataVersion | undefined> {
  if (options.dryRun) throw new RejectedLoad();
  const changed = [...session.summaries.values()].reduce((sum, file) => sum + file.inserted + file.updated, 0);
  if (changed >= ANALYZE_AFTER) {
    // A large load changes the tables' shape: refresh the planner's statistics now rather than
    // leave the first queries to run on plans made for the old sizes.
    session.phase('updating statistics');
    // A first load analysed the tables it filled before rebuilding the rollups; a load of
    // observations only grows the observations and the per-day changes and moves the pages'
    // latest days, nothing else.
    const onlyObservations = [...session.summaries.keys()].every((kind) => kind === 'observations');
    await analyzeLoadedTables(session.client, writer.name === 'first load' ? FILLED_TABLES : onlyObservations ? KEPT_BY_OBSERVATIONS : []);
  }
  // A load that changes nothing (every row unchanged) leaves the version, caches and ETags as they were.
  let dataVersion: DataVersion | undefined;
  if (changed > 0) {
    // The version of the data, in this transaction: every database that has this load says so; and
    // the notice, delivered at commit only: every API process purges its response cache (src/modules/edge).
    dataVersion = await bumpDataVersionAndNotify(session.client, DATA_CHANGED_CHANNEL);
  }
  await options.beforeCommit?.(session.client);
  return dataVersion;
}
