import fs from 'node:fs/promises';
import { formatRowError } from '../modules/loads/rows/files.js';
import { rosstatToLoadFolder } from '../modules/oktmo/loadFolder.js';
import { parseImportArgs, runImport } from './runImport.js';

const USAGE = `usage: npm run import:oktmo -- <file.csv> [--dry-run]

Loads territories from the official Rosstat OKTMO open-data file (';'-separated, cp1251 or
UTF-8, 13 columns, no header): headings are skipped, control digits checked, parents derived
from the codes, regions attached to their federal districts.`;

async function main(): Promise<number> {
  const args = parseImportArgs(USAGE);
  if ('exitCode' in args) return args.exitCode;
  process.stderr.write(`reading ${args.path}…\n`);
  const converted = await rosstatToLoadFolder(args.path);
  try {
    if (converted.errors.length) {
      for (const error of converted.errors.slice(0, 100)) process.stdout.write(`${formatRowError(error)}\n`);
      if (converted.errors.length > 100) process.stdout.write(`… and ${converted.errors.length - 100} more\n`);
      process.stdout.write(`\nrejected: ${converted.errors.length} bad row(s); nothing was written\n`);
      return 1;
    }
    return await runImport(converted.folder, args.dryRun);
  } finally {
    await fs.rm(converted.folder, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`import:oktmo failed: ${error.message}\n`);
    process.exit(2);
  },
);
