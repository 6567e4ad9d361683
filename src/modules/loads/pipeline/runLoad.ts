import type pg from 'pg';
import { forgetCatalogue } from '../../catalogue/loaders.js';
import { announceCommitted } from '../../edge/relay.js';
import { BULK_FILES, type RowError } from '../rows/files.js';
import { folderSource, type LoadSource } from '../rows/source.js';
import { check, checkScopeAfterWrite } from './check.js';
import { finish } from './finish.js';
import type { ImportOptions, ImportResult } from './options.js';
import { rollups } from './rollups.js';
import { inLoadSession, type LoadSession } from './session.js';
import { stage } from './stage.js';
import { chooseWriter, writeTreeAndSectors } from './write.js';

export type { ImportOptions, ImportResult, LoadScope } from './options.js';

/**
 * Applies a bulk load folder (README, "Loading data") in one transaction: all of it, or nothing with
 * every bad row reported. Loading the same folder twice changes nothing the second time.
 */
export async function importFolder(pool: pg.Pool, folder: string, options: ImportOptions = {}): Promise<ImportResult> {
  return runLoad(pool, await folderSource(folder), options);
}

/**
 * Applies a load from any source (a folder, a mutation's items) in one transaction, the one
 * pipeline every write goes through. Any step may reject the load (bad rows): nothing commits.
 */
export async function runLoad(pool: pg.Pool, source: LoadSource, options: ImportOptions = {}): Promise<ImportResult> {
  const started = Date.now();
  const {
    session,
    committed,
    value: dataVersion,
  } = await inLoadSession(pool, options, async (session) => {
    const staged = await stage(session, source);
    const checked = await check(session, staged);
    const writer = chooseWriter(checked, options.firstLoadPath);
    const written = await writeTreeAndSectors(session, checked);
    const before = await writer.snapshot(session, checked);
    await writer.write(session, checked, before);
    await checkScopeAfterWrite(session, checked);
    await rollups(session, before, written, checked.kinds);
    return finish(session, writer, options);
  });
  // Committed: this process's copy of the catalogue goes too (sectors may have changed).
  if (committed && source.files.some((file) => file.kind === 'sectors')) forgetCatalogue();
  // With REDIS_URL, every process's live figures hear of it through Redis (NOTIFY went at commit too).
  if (committed) await announceCommitted(dataVersion?.version);
  return report(session, source, options, started, dataVersion);
}

/** The result of a load from its session: every file's counts, or, when rejected, its bad rows in file order. */
function report(session: LoadSession, source: LoadSource, options: ImportOptions, started: number, dataVersion: ImportResult['dataVersion']): ImportResult {
  const errors = session.errors.sort((a, b) => fileOrder(a.file) - fileOrder(b.file) || a.line - b.line);
  const files = source.files.map((spec) => session.summaries.get(spec.kind)!);
  if (errors.length) {
    // Nothing was applied: each file reports its bad lines as rejected and nothing else.
    for (const summary of files) {
      Object.assign(summary, { inserted: 0, updated: 0, unchanged: 0, rejected: countLines(errors, summary.file) });
    }
  }
  const ok = errors.length === 0;
  return { ok, dryRun: Boolean(options.dryRun), files, errors, elapsedMs: Date.now() - started, ...(ok && dataVersion ? { dataVersion } : {}) };
}

function fileOrder(file: string): number {
  return BULK_FILES.findIndex((spec) => spec.file === file);
}

/** Distinct bad lines of one file. */
function countLines(errors: readonly RowError[], file: string): number {
  return new Set(errors.filter((error) => error.file === file).map((error) => error.line)).size;
}
