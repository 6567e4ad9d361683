import { parseImportArgs, runImport } from './runImport.js';

const USAGE = `usage: npm run import -- <folder> [--dry-run]

Applies a bulk load folder (territories.csv, sectors.csv, organisations.csv, pages.csv,
observations.csv; any of them) in one transaction. Exit code 0 when applied, 1 when rows
are invalid (nothing is written), 2 on a usage or system error.`;

async function main(): Promise<number> {
  const args = parseImportArgs(USAGE);
  if ('exitCode' in args) return args.exitCode;
  return runImport(args.path, args.dryRun);
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`import failed: ${error.message}\n`);
    process.exit(2);
  },
);
