import { parseArgs } from 'node:util';
import { config } from '../config.js';
import { openDatabase } from '../db/database.js';
import { findRollupMismatches } from '../modules/loads/pipeline/sql/verify.js';

/**
 * `npm run verify`: recounts every rollup row (organisations, pages, current and verified
 * subscribers, the per-day subscriber changes and their monthly checkpoints that give the figures
 * as of any date, the pages per day of their latest observation and the candidate jumps) from the
 * raw rows and lists each difference. Exit code 1 when anything differs.
 *
 *   npm run verify [-- --since YYYY-MM-DD]
 *
 * `--since` (daily use): the current figures whole, the history only from that day on (the
 * per-day changes of the days since it, the checkpoints of the months since it), so its cost
 * follows the days checked, not the years stored.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({ options: { since: { type: 'string' } }, strict: true });
  const since = values.since;
  if (since !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(since)) throw new Error(`--since must be a date YYYY-MM-DD, got "${since}"`);
  const db = await openDatabase(config());
  try {
    const started = Date.now();
    const mismatches = await findRollupMismatches(db.pool, 1000, { since });
    for (const m of mismatches) {
      process.stdout.write(`${m.table} (${m.key}): maintained ${m.maintained ?? 'none'}, recounted ${m.recounted ?? 'none'}\n`);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(mismatches.length ? `${mismatches.length} mismatch(es) (${seconds} s)\n` : `rollups match the raw rows (${seconds} s)\n`);
    return mismatches.length ? 1 : 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`verify failed: ${error.message}\n`);
    process.exit(2);
  },
);
