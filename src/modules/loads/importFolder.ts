import type pg from 'pg';
import { CATALOGUE_CHANNEL, forgetCatalogue } from '../catalogue/loaders.js';
import { notifyDataChanged } from '../edge/invalidation.js';
import { bumpDataVersion, type DataVersion } from '../replicas/dataVersion.js';
import { BULK_FILES, type BulkKind, type FileSummary, type RowError } from './files.js';
import { applyFirstLoad } from './firstLoad.js';
import { fastRowChecks, rowSchemas } from './rows.js';
import { folderSource, type LoadSource, type ReadProgress } from './source.js';
import {
  applyObservations,
  applyOrganisations,
  applyPages,
  applySectors,
  applyTerritories,
  createObservationChange,
  resolveObservations,
  resolvePageDefaults,
  resolveTerritoryDefaults,
  type UpsertCounts,
} from './sql/apply.js';
import { FILLED_TABLES, firstLoadKind } from './sql/firstLoad.js';
import { analyzeLoadedTables, lockApply, readPlatformHosts } from './sql/load.js';
import { applyRollupChanges, captureBefore, captureObservationKeys, rebuildRollups, type Watermarks } from './sql/rollup.js';
import { findScopeErrorsAfter, findScopeErrorsBefore } from './sql/scope.js';
import { analyzeStaging } from './sql/staging.js';
import { findCycles, findReferenceErrors, findRetirementErrors } from './sql/validation.js';
import { stageFile } from './stage.js';
import { withLoadTransaction } from './transaction.js';

/** The subtrees a load may write (its key's `within`); absent: anywhere. */
export interface LoadScope {
  /** Territory codes of the subtree roots, for messages. */
  within: string[];
  /** Their ids. */
  withinIds: number[];
}

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
  /** The version of the data this load committed (`extensions.dataVersion` of reads that include it); absent when nothing was applied or nothing changed. */
  dataVersion?: DataVersion;
}

/** Raised (and caught by `importFolder`) when rows are invalid: the transaction rolls back. */
class RejectedLoad extends Error {}

/**
 * Applies a bulk load folder (README, "Loading data") in one transaction: all of it, or nothing with
 * every bad row reported. Loading the same folder twice changes nothing the second time.
 */
export async function importFolder(pool: pg.Pool, folder: string, options: ImportOptions = {}): Promise<ImportResult> {
  return runLoad(pool, await folderSource(folder), options);
}

/**
 * Applies a load from any source (a folder, a mutation's items) in one transaction: validation,
 * staging, checks, upserts and rollup maintenance, the one pipeline every write goes through.
 */
export async function runLoad(pool: pg.Pool, source: LoadSource, options: ImportOptions = {}): Promise<ImportResult> {
  const started = Date.now();
  const present = source.files;
  const errors: RowError[] = [];
  const summaries = new Map<BulkKind, FileSummary>();
  const staged = new Set<string>(present.map((file) => file.kind));
  const phase = options.onPhase ?? (() => undefined);
  let dataVersion: DataVersion | undefined;

  const run = async (client: pg.PoolClient) => {
    errors.length = 0;
    dataVersion = undefined;
    summaries.clear();
    const platformHosts = await readPlatformHosts(client);
    const latestDate = new Date(Date.now() + 12 * 3600_000).toISOString().slice(0, 10);
    const schemas = rowSchemas({ platformHosts, latestDate });
    const fast = fastRowChecks({ platformHosts, latestDate });
    for (const spec of present) {
      phase(`reading ${spec.file}`);
      const result = await stageFile(
        client,
        source,
        spec,
        schemas[spec.kind],
        (error) => errors.push(error),
        options.onProgress ?? (() => undefined),
        fast[spec.kind],
      );
      summaries.set(spec.kind, { file: spec.file, rows: result.rows, inserted: 0, updated: 0, unchanged: 0, rejected: result.rejected });
    }
    if (errors.length) throw new RejectedLoad();
    for (const spec of present) await analyzeStaging(client, spec.kind);

    phase('checking references');
    // One writer at a time applies a load; reading and staging above run concurrently.
    await lockApply(client);
    errors.push(...(await findReferenceErrors(client, staged)));
    if (errors.length) throw new RejectedLoad();
    if (staged.has('territories')) await resolveTerritoryDefaults(client);
    errors.push(...(await findRetirementErrors(client, staged)));
    if (errors.length) throw new RejectedLoad();
    // Rows outside the key's scope as things stand: reported together with those outside it as
    // applied (below), so the client sees every such row at once; nothing commits either way.
    const outOfScope = options.scope ? await findScopeErrorsBefore(client, staged, options.scope.withinIds, options.scope.within) : [];
    if (staged.has('pages')) await resolvePageDefaults(client);

    // Nothing stored yet to update or conflict with: the first load's cheaper path (same result).
    const firstLoad = options.firstLoadPath === false ? { first: false, brandNew: false } : await firstLoadKind(client);
    // A territory moved: the incremental path rebuilds the rollups too.
    let rebuild = false;
    const record = (kind: BulkKind, counts: UpsertCounts & { unchanged?: number }) => {
      const summary = summaries.get(kind)!;
      summary.inserted = counts.inserted;
      summary.updated = counts.updated;
      summary.unchanged = counts.unchanged ?? summary.rows - counts.inserted - counts.updated;
    };

    phase('applying');
    if (staged.has('territories')) {
      const counts = await applyTerritories(client);
      errors.push(...(await findCycles(client)));
      if (errors.length) throw new RejectedLoad();
      record('territories', counts);
      if (counts.moved > 0) rebuild = true;
    }
    if (staged.has('sectors')) {
      record('sectors', await applySectors(client));
      // Other processes forget their copy of the catalogue at commit (src/server.ts listens).
      await client.query(`NOTIFY ${CATALOGUE_CHANNEL}`);
    }
    let marks: Watermarks | undefined;
    if (firstLoad.first) {
      await applyFirstLoad(client, staged, record, { brandNew: firstLoad.brandNew });
    } else {
      marks = await captureBefore(client, staged);
      if (staged.has('organisations')) record('organisations', await applyOrganisations(client));
      if (staged.has('pages')) record('pages', await applyPages(client));
      if (staged.has('observations')) {
        const { unchanged } = await resolveObservations(client);
        await captureObservationKeys(client, marks);
        record('observations', { ...(await applyObservations(client)), unchanged });
      } else {
        await createObservationChange(client);
        await captureObservationKeys(client, marks);
      }
    }
    if (options.scope) {
      const after = await findScopeErrorsAfter(client, staged, options.scope.withinIds, options.scope.within);
      const seen = new Set(outOfScope.map((e) => `${e.file}:${e.line}`));
      errors.push(...outOfScope, ...after.filter((e) => !seen.has(`${e.file}:${e.line}`)));
      if (errors.length) throw new RejectedLoad();
    }
    phase(firstLoad.first || rebuild ? 'rebuilding rollups' : 'updating rollups');
    if (marks) await applyRollupChanges(client, marks, rebuild);
    else await rebuildRollups(client);
    if (options.dryRun) throw new RejectedLoad();
    const changed = [...summaries.values()].reduce((sum, file) => sum + file.inserted + file.updated, 0);
    if (changed >= ANALYZE_AFTER) {
      // A large load changes the tables' shape: refresh the planner's statistics now rather than
      // leave the first queries to run on plans made for the old sizes.
      phase('updating statistics');
      // A first load analysed the tables it filled before rebuilding the rollups.
      await analyzeLoadedTables(client, firstLoad.first ? FILLED_TABLES : []);
    }
    // A load that changes nothing (every row unchanged) leaves the version, caches and ETags as they were.
    if (changed > 0) {
      // The version of the data, in this transaction: every database that has this load says so.
      dataVersion = await bumpDataVersion(client);
      // Delivered at commit only: every API process purges its response cache (src/modules/edge).
      await notifyDataChanged(client, dataVersion?.version);
    }
    await options.beforeCommit?.(client);
  };

  try {
    await withLoadTransaction(pool, run);
    // Committed: this process's copy of the catalogue goes too (sectors may have changed).
    if (staged.has('sectors')) forgetCatalogue();
  } catch (error) {
    if (!(error instanceof RejectedLoad)) throw error;
  }
  errors.sort((a, b) => fileOrder(a.file) - fileOrder(b.file) || a.line - b.line);
  const files = present.map((spec) => summaries.get(spec.kind)!);
  if (errors.length) {
    // Nothing was applied: each file reports its bad lines as rejected and nothing else.
    for (const summary of files) {
      Object.assign(summary, { inserted: 0, updated: 0, unchanged: 0, rejected: countLines(errors, summary.file) });
    }
  }
  const ok = errors.length === 0;
  return { ok, dryRun: Boolean(options.dryRun), files, errors, elapsedMs: Date.now() - started, ...(ok && dataVersion ? { dataVersion } : {}) };
}

/** Rows inserted or updated from which a load refreshes the planner's statistics. */
const ANALYZE_AFTER = 10_000;

function fileOrder(file: string): number {
  return BULK_FILES.findIndex((spec) => spec.file === file);
}

/** Distinct bad lines of one file. */
function countLines(errors: readonly RowError[], file: string): number {
  return new Set(errors.filter((error) => error.file === file).map((error) => error.line)).size;
}
