import { parseArgs } from 'node:util';
import { readConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { formatRowError } from '../services/import/bulkFiles.js';
import { importFolder, type ImportResult } from '../services/import/importFolder.js';
import { progressReporter } from './importProgress.js';

const USAGE = `usage: npm run import -- <folder> [--dry-run]

Applies a bulk load folder (territories.csv, sectors.csv, organisations.csv, pages.csv,
observations.csv; any of them) in one transaction. Exit code 0 when applied, 1 when rows
are invalid (nothing is written), 2 on a usage or system error.`;

const MAX_LISTED = 100;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { 'dry-run': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help || positionals.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const db = await openDatabase(readConfig());
  const reporter = progressReporter();
  try {
    const result = await importFolder(db.pool, positionals[0], {
      dryRun: values['dry-run'],
      onProgress: reporter.progress,
      onPhase: reporter.phase,
    });
    reporter.stop();
    printResult(result);
    return result.ok ? 0 : 1;
  } finally {
    await db.close();
  }
}

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

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`import failed: ${error.message}\n`);
    process.exit(2);
  },
);
