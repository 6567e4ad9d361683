import { notifyDataChanged } from '../../edge/invalidation.js';
import { bumpDataVersion, type DataVersion } from '../../replicas/dataVersion.js';
import type { ImportOptions } from './options.js';
import { type LoadSession, RejectedLoad } from './session.js';
import { FILLED_TABLES } from './sql/firstLoad.js';
import { analyzeLoadedTables } from './sql/load.js';
import type { Writer } from './steps.js';

/** Rows inserted or updated from which a load refreshes the planner's statistics. */
const ANALYZE_AFTER = 10_000;

/**
 * Step 5: a dry run ends here (rolled back); otherwise the planner's statistics of a large load,
 * the new data version, the notice every API process acts on at commit, and the caller's last
 * check (`beforeCommit`). Returns the version this load commits.
 */
export async function finish(session: LoadSession, writer: Writer, options: ImportOptions): Promise<DataVersion> {
  if (options.dryRun) throw new RejectedLoad();
  const changed = [...session.summaries.values()].reduce((sum, file) => sum + file.inserted + file.updated, 0);
  if (changed >= ANALYZE_AFTER) {
    // A large load changes the tables' shape: refresh the planner's statistics now rather than
    // leave the first queries to run on plans made for the old sizes.
    session.phase('updating statistics');
    // A first load analysed the tables it filled before rebuilding the rollups.
    await analyzeLoadedTables(session.client, writer.name === 'first load' ? FILLED_TABLES : []);
  }
  // The version of the data, in this transaction: every database that has this load says so.
  const dataVersion = await bumpDataVersion(session.client);
  // Delivered at commit only: every API process purges its response cache (src/modules/edge).
  await notifyDataChanged(session.client, dataVersion?.version);
  await options.beforeCommit?.(session.client);
  return dataVersion;
}
