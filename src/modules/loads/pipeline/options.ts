import type pg from 'pg';
import type { KeyScope } from '../../keys/guard.js';
import type { DataVersion } from '../../replicas/dataVersion.js';
import type { FileSummary, RowError } from '../rows/files.js';
import type { ReadProgress } from '../rows/source.js';

/** The subtrees a load may write (its key's scope: `within` codes, for messages, and their ids); absent: anywhere. */
export type LoadScope = KeyScope;

export interface ImportOptions {
  /** Validate and compute the summary, then roll everything back. */
  dryRun?: boolean;
  /** Refuse (as row errors with code FORBIDDEN) every row outside these subtrees, and sectors. */
  scope?: LoadScope;
  /**
   * Runs inside the load's transaction once everything is applied, just before it commits: may
   * throw to roll the load back (a revoked key), may send notifications delivered at commit.
   */
  beforeCommit?: (client: pg.PoolClient) => Promise<void>;
  onProgress?: (progress: ReadProgress) => void;
  /**
   * `false`: a load into an empty database takes the incremental path too (tests compare the two
   * paths' results). Default: a first load takes its cheaper path.
   */
  firstLoadPath?: boolean;
  /** Told about the phase the load is in (staging, validating, applying, rollups). */
  onPhase?: (phase: string) => void;
}

export interface ImportResult {
  ok: boolean;
  dryRun: boolean;
  files: FileSummary[];
  /** Every bad row, in file order. */
  errors: RowError[];
  /** Milliseconds spent. */
  elapsedMs: number;
  /** The version of the data this load committed (`extensions.dataVersion` of reads that include it); absent when nothing was applied. */
  dataVersion?: DataVersion;
}
