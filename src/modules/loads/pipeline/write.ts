import { CATALOGUE_CHANNEL } from '../../catalogue/loaders.js';
import { firstLoadWriter } from './firstLoad.js';
import { incrementalWriter } from './incremental.js';
import type { LoadSession } from './session.js';
import { applySectors, applyTerritories } from './sql/apply.js';
import { notify } from './sql/load.js';
import { findCycles } from './sql/validation.js';
import type { Checked, Writer, Written } from './steps.js';

/**
 * The writer of this load: the first load's when nothing is stored yet that it could update or
 * conflict with (the same result in fewer, cheaper statements), else the incremental one.
 * `firstLoadPath: false` always takes the incremental one (tests compare the two). Whether anything
 * is stored was asked by the check step, under the apply lock.
 */
export function chooseWriter(checked: Checked, firstLoadPath = true): Writer {
  if (!firstLoadPath) return incrementalWriter;
  const kind = checked.firstLoad;
  return kind.first ? firstLoadWriter({ brandNew: kind.brandNew }) : incrementalWriter;
}

/**
 * Step 3a, shared by both writers: territories (then no territory may have become its own
 * ancestor) and sectors.
 */
export async function writeTreeAndSectors(session: LoadSession, checked: Checked): Promise<Written> {
  session.phase('applying');
  let territoryMoved = false;
  if (checked.kinds.has('territories')) {
    const counts = await applyTerritories(session.client);
    session.rejectAll(await findCycles(session.client));
    session.stopIfRejected();
    session.record('territories', counts);
    territoryMoved = counts.moved > 0;
  }
  if (checked.kinds.has('sectors')) {
    session.record('sectors', await applySectors(session.client));
    // Other processes forget their copy of the catalogue at commit (src/server.ts listens).
    await notify(session.client, CATALOGUE_CHANNEL);
  }
  return { territoryMoved };
}
