import { config } from '../config.js';
import { openDatabase } from '../db/database.js';
import { findRollupMismatches } from '../modules/loads/pipeline/sql/verify.js';

/**
 * `npm run verify`: recounts every rollup row (organisations, pages, current and verified
 * subscribers, the per-day subscriber changes that give the figures as of any date, the pages per
 * day of their latest observation and the candidate jumps) from the raw rows and lists
 * each difference. Exit code 1 when anything differs.
 */
async function main(): Promise<number> {
  const db = await openDatabase(config());
  try {
    const started = Date.now();
    const mismatches = await findRollupMismatches(db.pool);
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
