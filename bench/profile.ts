/**
 * In-process profile of one GraphQL operation: the API of src/yoga.ts over the bench's database
 * (DATA_DIR=bench/.work/<scale>-pg joins its embedded PostgreSQL, or DATABASE_URL), the request
 * sent through `api.fetch` (no socket) `--runs` times one after another. Prints the mean time per
 * request and the SQL statements of one request. Run it under `node --cpu-prof` to see where the
 * time goes (docs/performance.md):
 *
 *   DATA_DIR=bench/.work/russia-pg node --cpu-prof --cpu-prof-dir bench/.work/prof --import tsx \
 *     bench/profile.ts --query bench/queries/q9-region-children.graphql --variables '{"code":"17000000"}' --runs 3000
 */
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { readConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { onQuery } from '../src/db/prisma.js';
import { LoadQueue } from '../src/modules/loads/queue/queue.js';
import { createApi } from '../src/yoga.js';

const { values } = parseArgs({
  options: {
    query: { type: 'string' },
    variables: { type: 'string', default: '{}' },
    runs: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '300' },
  },
});
if (!values.query) throw new Error('usage: bench/profile.ts --query <file.graphql> [--variables <json>] [--runs 2000] [--warmup 300]');
const body = JSON.stringify({ query: fs.readFileSync(values.query, 'utf8'), variables: JSON.parse(values.variables!) });

const db = await openDatabase(readConfig(), { migrate: false });
const queue = new LoadQueue({ pool: db.pool, uploadsDir: os.tmpdir(), retentionDays: 30 });
// No rate limit: one client sends every request (as the bench's server runs, RATE_LIMIT_POINTS=0).
const api = createApi({ pool: db.pool, ready: async () => true, loads: { queue, maxBytes: 1 }, edge: { config: { ratePoints: 0 } } });
const run = async () => {
  const response = await api.fetch('http://profile/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await response.text();
  if (text.includes('"errors"')) throw new Error(text.slice(0, 500));
  return text.length;
};
try {
  for (let i = 0; i < Number(values.warmup); i++) await run();
  const sql: string[] = [];
  const stop = onQuery((statement) => sql.push(statement.replace(/\s+/g, ' ').trim().slice(0, 140)));
  const bytes = await run();
  stop();
  const runs = Number(values.runs);
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await run();
  const ms = Number(process.hrtime.bigint() - started) / 1e6 / runs;
  console.log(
    JSON.stringify({ query: values.query, meanMs: Number(ms.toFixed(3)), runs, bytes, statements: sql.length, load: os.loadavg().map((l) => l.toFixed(2)) }),
  );
  for (const s of sql) console.log(`  ${s}`);
} finally {
  await db.close();
}
