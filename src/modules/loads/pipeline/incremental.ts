import { snapshotBefore, snapshotObservedPages } from './rollups.js';
import type { LoadSession } from './session.js';
import { APPLY_OBSERVATIONS, appliedCounts, applyOrganisations, applyPages, resolveObservations } from './sql/apply.js';
import { resolveObservingOnly } from './sql/rollup.js';
import type { Checked, Snapshot, Writer } from './steps.js';
import { OBSERVATION_CHANGE } from './tables.js';

/**
 * The incremental writer: upserts by key. The snapshot of what the touched rows contribute is
 * taken before anything is written; the part for pages that only get observations once those
 * observations are resolved to pages (new pages get their ids when written), before they are written.
 */
export const incrementalWriter: Writer = {
  name: 'incremental',
  snapshot: (session, checked) => snapshotBefore(session, checked.kinds),
  async write(session: LoadSession, checked: Checked, before: Snapshot | undefined) {
    const { client } = session;
    const { kinds } = checked;
    if (kinds.has('organisations')) session.record('organisations', await applyOrganisations(client));
    if (kinds.has('pages')) session.record('pages', await applyPages(client));
    // The observation change (the rollup step reads it, empty when no observation is staged). A
    // load of observations alone snapshots the observed pages in the same pass over the pages.
    const onlyObservations = kinds.size === 1 && kinds.has('observations');
    const { unchanged, changed } = kinds.has('observations')
      ? await resolveObservations(session, onlyObservations ? resolveObservingOnly() : undefined)
      : await noObservations(session);
    // The observations are written in the snapshot's last round trip.
    const applied = await snapshotObservedPages(session, before!, changed, {
      taken: onlyObservations,
      write: kinds.has('observations') ? APPLY_OBSERVATIONS : [],
    });
    if (kinds.has('observations')) session.record('observations', { ...appliedCounts(applied), unchanged });
  },
};

/** A load without observations: its observation change stays empty. */
async function noObservations(session: LoadSession): Promise<{ unchanged: number; changed: number }> {
  await session.table(OBSERVATION_CHANGE);
  return { unchanged: 0, changed: 0 };
}
