import type pg from 'pg';
import type { BulkKind } from '../rows/files.js';
import type { LoadSession } from './session.js';
import { addRollupChanges, captureBefore, captureObservationKeys, collectAfter, figureRefresh, rebuildRollups, refreshFigures } from './sql/rollup.js';
import type { Snapshot, Written } from './steps.js';
import { OBSERVATION_CHANGE } from './tables.js';

/** Snapshot of the organisations and pages the load will change, before any of them is written. */
export async function snapshotBefore(session: LoadSession, kinds: ReadonlySet<BulkKind>): Promise<Snapshot> {
  return { marks: await captureBefore(session.client, kinds) };
}

/**
 * Adds to the snapshot the pages that only get observations (their changes resolved, not yet
 * written; `changes`: the rows of the observation change). `taken`: the pages and their cells
 * were snapshotted while the observations were resolved (`resolveObservingOnly`); `write`:
 * statements sent in the snapshot's last round trip (the observations' write), their results returned.
 */
export async function snapshotObservedPages(
  session: LoadSession,
  before: Snapshot,
  changes: number,
  options: { taken?: boolean; write?: readonly string[] } = {},
): Promise<pg.QueryResult[]> {
  await session.table(OBSERVATION_CHANGE);
  return captureObservationKeys(session.client, before.marks, changes, options);
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
  if (before) await session.table(OBSERVATION_CHANGE);
  if (rebuild) {
    if (before) await refreshFigures(client, before.marks);
    await rebuildRollups(client);
    return;
  }
  // The figures' refresh and what the touched rows contribute now, in one round trip.
  await collectAfter(client, before.marks, figureRefresh(before.marks));
  // No organisation or page staged: no organisation's cell or platform set changes.
  await addRollupChanges(client, { organisations: kinds.has('organisations') || kinds.has('pages') });
}
