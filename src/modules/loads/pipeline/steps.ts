import type { BulkKind, RowError } from '../rows/files.js';
import type { LoadSession } from './session.js';
import type { FirstLoadKind } from './sql/firstLoad.js';
import type { Watermarks } from './sql/rollup.js';

/**
 * The values the steps of a load hand each other (runLoad.ts): stage → check → write → rollups →
 * finish. Each step takes the session (the client, the transaction, the temporary tables) and the
 * values of the steps before it.
 */

/** The files a load staged: every row valid, in its staging table. */
export interface Staged {
  kinds: ReadonlySet<BulkKind>;
}

/** A staged load whose rows are all consistent with each other and with the database. */
export interface Checked extends Staged {
  /** Rows outside the key's scope as things stand, reported with those outside it as written (`checkScopeAfterWrite`). */
  outOfScope: readonly RowError[];
  /** Whether nothing of organisations, pages and observations is stored yet (asked once the apply lock is held). */
  firstLoad: FirstLoadKind;
}

/**
 * What the rows a load is about to change contributed to the rollups before it wrote them (the
 * highest ids before the load, and the before-tables of sql/rollup.ts): taken by the incremental
 * writer, handed to the rollup step.
 */
export interface Snapshot {
  readonly marks: Watermarks;
}

/** What the write step did that the rollup step needs to know. */
export interface Written {
  /** An existing territory moved to another parent: the rollups are rebuilt, not changed. */
  territoryMoved: boolean;
}

/**
 * The write step for organisations, pages and observations, in one of two implementations chosen
 * once per load (`chooseWriter`): the incremental one (upserts, rollups changed by after - before)
 * and the first load's (plain inserts into empty tables, rollups rebuilt).
 */
export interface Writer {
  readonly name: 'incremental' | 'first load';
  /** What the rows this load changes contribute to the rollups now; undefined: nothing stored to change. */
  snapshot(session: LoadSession, checked: Checked): Promise<Snapshot | undefined>;
  /** Writes the staged organisations, pages and observations (recording each file's counts). */
  write(session: LoadSession, checked: Checked, before: Snapshot | undefined): Promise<void>;
}
