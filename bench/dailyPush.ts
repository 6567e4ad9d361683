/**
 * The daily push beside its floor (issue 21, item 2), on a database already loaded
 * (`DATABASE_URL`): one observation for every page, dated the day after the latest stored one,
 * applied the way `npm run import` applies a folder (importFolder), and in the same run the floor
 * of writing those rows: the same file COPYed into a temporary table and written into
 * `observation` by one `INSERT … ON CONFLICT` (page ids looked up by platform and external id),
 * in a transaction rolled back afterwards, once before the push and once after it (of the next
 * day's rows), their mean reported. Each round pushes a new day.
 * `--sql` prints each statement of the last push with its time (ms, as the client saw it).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/db npx tsx bench/dailyPush.ts [--rounds 3] [--sql]
 *
 * (`npm run bench:daily-push`.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { importFolder } from '../src/modules/loads/pipeline/runLoad.js';
import { writeDailyPush } from './lib/push.js';
import { explainStatements, traceStatements } from './lib/statementTrace.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, sql: { type: 'boolean' }, explain: { type: 'boolean' } } });
const url = process.env.DATABASE_URL;
if (!url) throw new Error('set DATABASE_URL to a loaded database');

/** Every statement sent during the last round's push (lib/statementTrace.ts). */
const trace = traceStatements();

const pool = new pg.Pool({ connectionString: url, max: 2 });
/** With `--explain`: each statement's execution on the server (auto_explain, as notices; needs a superuser) in the last push. */
const explain = values.explain
  ? explainStatements(
      pool,
      'SET auto_explain.log_min_duration = 100; SET auto_explain.log_analyze = on; SET auto_explain.log_timing = off; SET auto_explain.log_level = notice',
    )
  : undefined;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'daily-push-'));

/** The floor: COPY the file into a temporary table and one INSERT … ON CONFLICT into observation; rolled back. */
async function floor(file: string): Promise<number> {
  const client = await pool.connect();
  try {
    const started = performance.now();
    await client.query('BEGIN');
    await client.query('CREATE TEMP TABLE floor_observation (platform text, external_id text, subscribers int, observed_on date) ON COMMIT DROP');
    await pipeline(fs.createReadStream(file), client.query(copyFrom('COPY floor_observation FROM STDIN WITH (FORMAT csv, HEADER true)')));
    await client.query(`INSERT INTO observation (page_id, observed_on, subscribers)
      SELECT p.id, s.observed_on, s.subscribers FROM floor_observation s
        JOIN platform f ON f.code = s.platform JOIN page p ON p.platform_id = f.id AND p.external_id = s.external_id
      ON CONFLICT (page_id, observed_on) DO UPDATE SET subscribers = excluded.subscribers`);
    const ms = performance.now() - started;
    await client.query('ROLLBACK');
    return ms;
  } finally {
    client.release();
  }
}

/** The push of the day through importFolder (what `npm run import <folder>` runs); ms. */
async function push(folder: string): Promise<number> {
  const started = performance.now();
  const result = await importFolder(pool, folder);
  if (!result.ok) throw new Error(`the push was rejected: ${JSON.stringify(result.errors.slice(0, 3))}`);
  return performance.now() - started;
}

const { rows } = await pool.query<{ day: string }>("SELECT to_char(max(observed_on) + 1, 'YYYY-MM-DD') AS day FROM page");
let day = rows[0].day;
const figures: { floor: number; push: number; load: number }[] = [];
for (let round = 0; round < Number(values.rounds); round++) {
  const folder = path.join(work, day);
  const { file, rows: count } = await writeDailyPush(pool, folder, day);
  const floorBefore = await floor(file);
  if (round === Number(values.rounds) - 1) {
    trace.start();
    explain?.start();
  }
  const pushMs = await push(folder);
  const statements = trace.stop();
  // The floor again after the push (of the next day's rows: inserts, as the push's), the mean of
  // both taken: one run alone moves with the machine.
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const after = await writeDailyPush(pool, path.join(work, `${next}-floor`), next);
  const floorMs = (floorBefore + (await floor(after.file))) / 2;
  const load = os.loadavg()[0];
  figures.push({ floor: floorMs, push: pushMs, load });
  console.log(
    `${day}: ${count} observations: push ${(pushMs / 1000).toFixed(2)} s, floor ${(floorMs / 1000).toFixed(2)} s, ${(pushMs / floorMs).toFixed(2)}x; load average ${load.toFixed(2)}`,
  );
  if (values.sql && statements)
    for (const { text, ms } of statements)
      if (ms >= 20 || Number.isNaN(ms)) console.log(`  ${ms.toFixed(0).padStart(7)} ms  ${text.replace(/\s+/g, ' ').trim().slice(0, 140)}`);
  for (const plan of explain?.stop() ?? []) console.log(plan);
  day = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `median: push ${(median(figures.map((f) => f.push)) / 1000).toFixed(2)} s, floor ${(median(figures.map((f) => f.floor)) / 1000).toFixed(2)} s, ratio ${median(figures.map((f) => f.push / f.floor)).toFixed(2)}x`,
);
fs.rmSync(work, { recursive: true, force: true });
await pool.end();
