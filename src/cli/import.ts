import { parseArgs } from 'node:util';
import { runImport } from './importProgress.js';

const USAGE = `usage: npm run import -- <folder> [--dry-run]

Applies a bulk load folder (territories.csv, sectors.csv, organisations.csv, pages.csv,
observations.csv; any of them) in one transaction. Exit code 0 when applied, 1 when rows
are invalid (nothing is written), 2 on a usage or system error.`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { 'dry-run': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help || positionals.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  return runImport(positionals[0], values['dry-run']);
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`import failed: ${error.message}\n`);
    process.exit(2);
  },
);
