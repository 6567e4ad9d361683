import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { printedSchema } from '../printSchema.js';

const FILE = fileURLToPath(new URL('../../schema.graphql', import.meta.url));

/** `npm run schema:print` writes schema.graphql; `--check` exits 1 when it is out of date. */
const printed = printedSchema();
if (process.argv.includes('--check')) {
  const current = await fs.readFile(FILE, 'utf8').catch(() => '');
  if (current !== printed) {
    process.stderr.write('schema.graphql is out of date: run `npm run schema:print`\n');
    process.exit(1);
  }
  process.stdout.write('schema.graphql is up to date\n');
} else {
  await fs.writeFile(FILE, printed);
  process.stdout.write(`wrote ${FILE}\n`);
}
