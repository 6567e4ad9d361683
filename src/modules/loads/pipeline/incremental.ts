import { snapshotBefore, snapshotObservedPages } from './rollups.js';
import type { LoadSession } from './session.js';
import { applyObservations, applyOrganisations, applyPages, resolveObservations } from './sql/apply.js';
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
    // The observation change (the rollup step reads it, empty when no observation is staged).
    const { unchanged, changed } = kinds.has('observations') ? await resolveObservations(session) : await noObservations(session);
    await snapshotObservedPages(session, before!, changed);
    if (kinds.has('observations')) session.record('observations', { ...(await applyObservations(client)), unchanged });
  },
};

/** A load without observations: its observation change stays empty. */
async function noObservations(session: LoadSession): Promise<{ unchanged: number; changed: number }> {
  await session.table(OBSERVATION_CHANGE);
  return { unchanged: 0, changed: 0 };
}
