import type { BulkKind } from '../rows/files.js';
import type { LoadSession } from './session.js';
import { addRollupChanges, captureBefore, captureObservationKeys, collectAfter, rebuildRollups, refreshFigures } from './sql/rollup.js';
import type { Snapshot, Written } from './steps.js';
import { OBSERVATION_CHANGE } from './tables.js';

/** Snapshot of the organisations and pages the load will change, before any of them is written. */
export async function snapshotBefore(session: LoadSession, kinds: ReadonlySet<BulkKind>): Promise<Snapshot> {
  return { marks: await captureBefore(session.client, kinds) };
}

/**
 * Adds to the snapshot the pages that only get observations (their changes resolved, not yet
 * written; `changes`: the rows of the observation change).
 */
export async function snapshotObservedPages(session: LoadSession, before: Snapshot, changes: number): Promise<void> {
  await session.table(OBSERVATION_CHANGE);
  await captureObservationKeys(session.client, before.marks, changes);
}

/**
 * Step 4: the rollups after the write. With a snapshot, each page's and organisation's own
 * figures are refreshed and the rollups change by (after - before), or are rebuilt when a
 * territory moved; without one (a first load) they are counted from the written rows.
 */
export async function rollups(session: LoadSession, before: Snapshot | undefined, written: Written, kinds: ReadonlySet<BulkKind>): Promise<void> {
  const { client } = session;
  const rebuild = !before || written.territoryMoved;
  session.phase(rebuild ? 'rebuilding rollups' : 'updating rollups');
  if (before) {
    await session.table(OBSERVATION_CHANGE);
    await refreshFigures(client, before.marks);
  }
  if (rebuild) {
    await rebuildRollups(client);
    return;
  }
  await collectAfter(client, before.marks);
  // No organisation or page staged: no organisation's cell or platform set changes.
  await addRollupChanges(client, { organisations: kinds.has('organisations') || kinds.has('pages') });
}
