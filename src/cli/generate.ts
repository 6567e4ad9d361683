/**
 * Writes a synthetic bulk load (CSV folder) for the importer.
 *
 *   npx tsx src/cli/generate.ts --scale demo|small|russia|tiny --out <dir>
 *       [--seed 42] [--end-date YYYY-MM-DD] [--territories <csv>] [--sectors <csv>] [--history-days N]
 *
 * `--history-days N`: one observation per page on each of the last N days (instead of the
 * scale's own schedule), for the history benchmarks (bench/history.ts).
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_SEED, formatSummary, generateLoad, isScaleName, SCALES, withHistoryDays } from '../modules/generate/index.js';

const USAGE = `Usage: generate --scale ${Object.keys(SCALES).join('|')} --out <dir> [--seed ${DEFAULT_SEED}] [--end-date YYYY-MM-DD] [--territories <csv>] [--sectors <csv>] [--history-days N]`;

const referenceFile = (name: string): string => fileURLToPath(new URL(`../../reference/${name}`, import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      'end-date': { type: 'string' },
      territories: { type: 'string' },
      sectors: { type: 'string' },
      'history-days': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.scale || !isScaleName(values.scale) || !values.out) throw new Error(USAGE);
  const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
  if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer, got "${values.seed}"`);

  const summary = await generateLoad({
    scale: values['history-days'] ? withHistoryDays(SCALES[values.scale], Number(values['history-days'])) : values.scale,
    outDir: values.out,
    seed,
    endDate: values['end-date'],
    territoriesPath: values.territories ?? referenceFile('territories.csv'),
    sectorsPath: values.sectors ?? referenceFile('sectors.csv'),
  });
  console.log(formatSummary(summary));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
