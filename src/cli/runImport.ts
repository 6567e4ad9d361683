import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { config } from '../config.js';
import { openDatabase } from '../db/database.js';
import type { EdgeConfig } from '../modules/edge/config.js';
import { connectRedis, redisReady } from '../modules/edge/redis.js';
import { publishCommittedChanges } from '../modules/edge/relay.js';
import type { ImportResult } from '../modules/loads/pipeline/runLoad.js';
import { importFolder } from '../modules/loads/pipeline/runLoad.js';
import { formatRowError } from '../modules/loads/rows/files.js';
import type { ReadProgress } from '../modules/loads/rows/source.js';

const MAX_LISTED = 100;

/** Shows a load's progress: a bar with rows/s on a terminal, a plain line every few seconds otherwise. */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  let bar: cliProgress.SingleBar | undefined;
  let currentFile = '';
  let lastLine = 0;
  const rate = (rows: number) => Math.round(rows / Math.max((Date.now() - started) / 1000, 0.001));

  return {
    progress(progress: ReadProgress) {
      if (stream.isTTY) {
        if (progress.file !== currentFile) {
          bar?.stop();
          currentFile = progress.file;
          bar = new cliProgress.SingleBar(
            { format: `${progress.file.padEnd(18)} {bar} {percentage}% | {rows} rows | {rate} rows/s`, stream, hideCursor: true },
            cliProgress.Presets.shades_classic,
          );
          bar.start(progress.totalBytes, 0, { rows: 0, rate: 0 });
        }
        bar?.update(progress.bytes, { rows: progress.rows, rate: rate(progress.rows) });
        return;
      }
      if (progress.file !== currentFile || Date.now() - lastLine > 5000 || progress.bytes === progress.totalBytes) {
        currentFile = progress.file;
        lastLine = Date.now();
        const percent = progress.totalBytes ? Math.round((100 * progress.bytes) / progress.totalBytes) : 100;
        stream.write(`${progress.file}: ${progress.rows} rows read (${percent}%)\n`);
      }
    },
    phase(name: string) {
      bar?.stop();
      bar = undefined;
      currentFile = '';
      stream.write(`${name}…\n`);
    },
    stop() {
      bar?.stop();
    },
  };
}

/** Prints the bad rows (the first 100 and a count) and a summary table per file. */
export function printResult(result: ImportResult, out: NodeJS.WritableStream = process.stdout): void {
  for (const error of result.errors.slice(0, MAX_LISTED)) out.write(`${formatRowError(error)}\n`);
  if (result.errors.length > MAX_LISTED) out.write(`… and ${result.errors.length - MAX_LISTED} more\n`);
  const header = ['file', 'rows', 'inserted', 'updated', 'unchanged', 'rejected'];
  const rows = result.files.map((file) => [file.file, file.rows, file.inserted, file.updated, file.unchanged, file.rejected].map(String));
  const widths = header.map((name, i) => Math.max(name.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  out.write(`\n${line(header)}\n${rows.map(line).join('\n')}\n`);
  const seconds = (result.elapsedMs / 1000).toFixed(1);
  const total = result.files.reduce((sum, file) => sum + file.rows, 0);
  const verdict = !result.ok
    ? `rejected: ${result.errors.length} problem(s); nothing was written`
    : result.dryRun
      ? 'dry run: valid; nothing was written'
      : 'applied';
  out.write(`\n${verdict} (${total} rows in ${seconds} s, ${Math.round(total / Math.max(result.elapsedMs / 1000, 0.001))} rows/s)\n`);
}

/**
 * Opens the configured database, applies a load folder with progress shown, prints the result;
 * returns the exit code (0 applied or valid, 1 bad rows).
 */
export async function runImport(folder: string, dryRun: boolean): Promise<number> {
  const db = await openDatabase(config());
  const reporter = progressReporter();
  const redis = await publishOnRedis(config().edge);
  try {
    const result = await importFolder(db.pool, folder, { dryRun, onProgress: reporter.progress, onPhase: reporter.phase });
    reporter.stop();
    printResult(result);
    return result.ok ? 0 : 1;
  } finally {
    reporter.stop();
    publishCommittedChanges(undefined, '');
    await redis?.quit().catch(() => redis.disconnect());
    await db.close();
  }
}

/** With `REDIS_URL`, the load is published on Redis after its commit (the API processes' live figures follow it there). */
async function publishOnRedis(edge: EdgeConfig) {
  if (!edge.redisUrl) return undefined;
  const redis = connectRedis(edge.redisUrl);
  await redisReady(redis);
  publishCommittedChanges(redis, edge.redisPrefix);
  return redis;
}

/**
 * The arguments both import commands take: one path and `--dry-run`. Prints `usage` and returns
 * the exit code instead when they are wrong or `--help` is asked.
 */
export function parseImportArgs(usage: string): { path: string; dryRun: boolean } | { exitCode: number } {
  const { values, positionals } = parseArgs({
    options: { 'dry-run': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help || positionals.length !== 1) {
    process.stderr.write(`${usage}\n`);
    return { exitCode: values.help ? 0 : 2 };
  }
  return { path: positionals[0], dryRun: values['dry-run'] };
}
