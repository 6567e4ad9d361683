/**
 * Issue 21's history curve: the same dataset with N days of daily observations (one per page per
 * day), for several N, each loaded into its own database on a PostgreSQL server; per N: the load,
 * the database size (whole, per year of history, per 100 k pages, the largest tables), the reads
 * (Q1–Q4, Q9-30, a 90-day and a year's DAY series, growth over 90 and 365 days, stats as of 30
 * and 180 days ago), `verify` whole and `--since` 7 days, and the next day's push of one
 * observation per page. Reads go through the API in process (`api.fetch`, no socket: the server's
 * own time, like bench/profile.ts), one after another, p50 of `--runs`.
 *
 *   npm run bench:history -- --history-days 7,120,365 [--scale demo] [--runs 200] \
 *     [--db postgres://postgres@127.0.0.1:5432/postgres] [--prefix history_curve] [--reuse-db] [--reads-only]
 *
 * Writes bench/results/<date>-history-<scale>.md and .json.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { readConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { addDays, today } from '../src/modules/figures/dates.js';
import { generateLoad, isScaleName, SCALES, withHistoryDays } from '../src/modules/generate/index.js';
import { importFolder } from '../src/modules/loads/pipeline/runLoad.js';
import { findRollupMismatches } from '../src/modules/loads/pipeline/sql/verify.js';
import { LoadQueue } from '../src/modules/loads/queue/queue.js';
import { createApi } from '../src/yoga.js';

const { values } = parseArgs({
  options: {
    'history-days': { type: 'string', default: '7,120,365' },
    scale: { type: 'string', default: 'demo' },
    runs: { type: 'string', default: '200' },
    db: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    prefix: { type: 'string', default: 'history_curve' },
    'reuse-db': { type: 'boolean', default: false },
    // Only the reads, on databases loaded before (e.g. by another commit's code, for an A/B): no load, verify or push.
    'reads-only': { type: 'boolean', default: false },
  },
});
if (!isScaleName(values.scale!)) throw new Error(`unknown scale ${values.scale}`);
const scaleName = values.scale;
const runs = Number(values.runs);
const root = path.join(import.meta.dirname, '.work');
const load = () => os.loadavg()[0]!.toFixed(2);
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
// The dataset ends yesterday, so that the push measured is a new day (today) for every page.
const end = addDays(today(), -1);

const query = (file: string) => fs.readFileSync(path.join(import.meta.dirname, 'queries', file), 'utf8');
const HISTORY = `query H($code: String!, $from: Date!, $to: Date!) { territory(code: $code) { history(from: $from, to: $to, interval: DAY) { date subscribers } } }`;
const GROWTH = `query G($code: String!, $from: Date!, $to: Date!) { territory(code: $code) { growth(from: $from, to: $to) { subscribersFrom subscribersTo change } } }`;
const AS_OF = `query A($code: String!, $at: Date!) { territory(code: $code) { stats(at: $at) { subscribers byPlatform { platform { code } subscribers } bySector { sector { code } subscribers } } } }`;

/** The reads, as GraphQL requests with their variables (the Russia tree's regions of bench/ab.ts). */
function operations(days: number): Record<string, { query: string; variables: Record<string, unknown> }> {
  const back = (n: number) => addDays(end, -Math.min(n, days - 1));
  return {
    Q1: { query: query('q1-root-stats.graphql'), variables: {} },
    Q2: { query: query('q2-region-stats.graphql'), variables: { code: '17000000' } },
    Q4: { query: query('q4-region-dashboard.graphql'), variables: { code: '17000000' } },
    'Q9-30': { query: query('q9-region-children.graphql'), variables: { code: '56000000' } },
    'series 90 d, region': { query: HISTORY, variables: { code: '17000000', from: back(90), to: end } },
    'series 365 d, region': { query: HISTORY, variables: { code: '17000000', from: addDays(end, -365), to: end } },
    'series 365 d, root': { query: HISTORY, variables: { code: 'RU', from: addDays(end, -365), to: end } },
    'growth 90 d, root': { query: GROWTH, variables: { code: 'RU', from: back(90), to: end } },
    'growth 365 d, root': { query: GROWTH, variables: { code: 'RU', from: addDays(end, -365), to: end } },
    'stats 30 d ago, root': { query: AS_OF, variables: { code: 'RU', at: back(30) } },
    'stats 180 d ago, root': { query: AS_OF, variables: { code: 'RU', at: back(180) } },
  };
}

async function dataset(days: number): Promise<string> {
  const folder = path.join(root, `history-${scaleName}-${days}d-${end}`);
  if (fs.existsSync(path.join(folder, 'observations.csv'))) return folder;
  log(`generating ${scaleName} with ${days} days of daily history`);
  await generateLoad({
    scale: withHistoryDays(SCALES[scaleName], days),
    outDir: folder,
    endDate: end,
    territoriesPath: path.join(import.meta.dirname, '../reference/territories.csv'),
    sectorsPath: path.join(import.meta.dirname, '../reference/sectors.csv'),
  });
  return folder;
}

function databaseUrl(name: string): string {
  const url = new URL(values.db!);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Loads the dataset into a fresh database through the import command (a first load), timed. */
async function loadDatabase(name: string, folder: string): Promise<number | null> {
  const admin = new pg.Client({ connectionString: values.db });
  await admin.connect();
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount;
    if (exists && values['reuse-db']) return null;
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const started = Date.now();
  execFileSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../src/cli/import.ts'), folder], {
    env: { ...process.env, DATABASE_URL: databaseUrl(name), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return Date.now() - started;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measureReads(url: string, days: number): Promise<Record<string, number>> {
  process.env.DATABASE_URL = url;
  const db = await openDatabase(readConfig(), { migrate: false });
  const queue = new LoadQueue({ pool: db.pool, uploadsDir: os.tmpdir(), retentionDays: 30 });
  const api = createApi({ pool: db.pool, ready: async () => true, loads: { queue, maxBytes: 1 }, edge: { config: { ratePoints: 0 } } });
  const result: Record<string, number> = {};
  try {
    for (const [id, request] of Object.entries(operations(days))) {
      const body = JSON.stringify(request);
      const run = async () => {
        const response = await api.fetch('http://bench/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const text = await response.text();
        if (text.includes('"errors"')) throw new Error(`${id}: ${text.slice(0, 300)}`);
      };
      for (let i = 0; i < 30; i++) await run();
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = process.hrtime.bigint();
        await run();
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      result[id] = Number(median(times).toFixed(3));
      log(`  ${id}: p50 ${result[id]} ms`);
    }
  } finally {
    await db.close();
  }
  return result;
}

async function sizes(pool: pg.Pool): Promise<{ database: number; tables: Record<string, number>; rows: Record<string, number>; pages: number }> {
  const { rows } = await pool.query<{ database: string }>('SELECT pg_database_size(current_database())::text AS database');
  const tables = await pool.query<{ name: string; bytes: string }>(
    `SELECT c.relname AS name, pg_total_relation_size(c.oid)::text AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 8`,
  );
  const counts = await pool.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM observation)::text AS observation, (SELECT count(*) FROM territory_subscriber_change)::text AS territory_subscriber_change,
            (SELECT count(*) FROM territory_subscriber_checkpoint)::text AS territory_subscriber_checkpoint, (SELECT count(*) FROM page)::text AS page`,
  );
  const row = counts.rows[0];
  return {
    database: Number(rows[0].database),
    tables: Object.fromEntries(tables.rows.map((t) => [t.name, Number(t.bytes)])),
    rows: Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])),
    pages: Number(row.page),
  };
}

/** Verify whole and `--since` a week back, timed. */
async function verify(pool: pg.Pool): Promise<{ fullMs: number; sinceMs: number; mismatches: number }> {
  let started = Date.now();
  const full = await findRollupMismatches(pool, 10);
  const fullMs = Date.now() - started;
  started = Date.now();
  const since = await findRollupMismatches(pool, 10, { since: addDays(end, -7) });
  return { fullMs, sinceMs: Date.now() - started, mismatches: full.length + since.length };
}

/** Today's push: one observation per active page (its latest count + 1), through importFolder, timed; then verify --since yesterday. */
async function push(pool: pg.Pool): Promise<{ rows: number; ms: number; verifySinceMs: number; mismatches: number }> {
  const { rows } = await pool.query<{ platform: string; external_id: string; subscribers: number }>(
    `SELECT f.code AS platform, p.external_id, coalesce(p.subscribers, 0) + 1 AS subscribers FROM page p JOIN platform f ON f.id = p.platform_id WHERE p.status = 'ACTIVE'`,
  );
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'history-push-'));
  const day = today();
  fs.writeFileSync(
    path.join(folder, 'observations.csv'),
    `platform,external_id,subscribers,observed_on\n${rows.map((r) => `${r.platform},"${r.external_id.replaceAll('"', '""')}",${r.subscribers},${day}`).join('\n')}\n`,
  );
  const started = Date.now();
  const result = await importFolder(pool, folder);
  const ms = Date.now() - started;
  fs.rmSync(folder, { recursive: true, force: true });
  if (result.errors.length) throw new Error(`push: ${JSON.stringify(result.errors.slice(0, 3))}`);
  const verifyStarted = Date.now();
  const mismatches = await findRollupMismatches(pool, 10, { since: addDays(day, -1) });
  return { rows: rows.length, ms, verifySinceMs: Date.now() - verifyStarted, mismatches: mismatches.length };
}

const results: Record<string, unknown>[] = [];
for (const days of values['history-days']!.split(',').map(Number)) {
  const name = `${values.prefix}_${scaleName}_${days}d`;
  const folder = values['reads-only'] ? '' : await dataset(days);
  const loadBefore = load();
  log(`loading ${name} (load ${loadBefore})`);
  const loadMs = values['reads-only'] ? null : await loadDatabase(name, folder);
  const pool = new pg.Pool({ connectionString: databaseUrl(name), max: 2 });
  try {
    const size = await sizes(pool);
    log(`  database ${(size.database / 1e6).toFixed(0)} MB, ${size.rows.observation} observations`);
    const readsLoad = load();
    const reads = await measureReads(databaseUrl(name), days);
    const skipped = { fullMs: 0, sinceMs: 0, mismatches: 0, rows: 0, ms: 0, verifySinceMs: 0 };
    const checked = values['reads-only'] ? skipped : await verify(pool);
    log(`  verify ${checked.fullMs} ms, --since 7 d ${checked.sinceMs} ms, mismatches ${checked.mismatches}`);
    const pushed = values['reads-only'] ? skipped : await push(pool);
    log(`  push of ${pushed.rows} rows ${pushed.ms} ms, verify --since ${pushed.verifySinceMs} ms, mismatches ${pushed.mismatches}`);
    results.push({
      days,
      database: name,
      loadMs,
      loadAverage: { beforeLoad: loadBefore, beforeReads: readsLoad, after: load() },
      size,
      bytesPerYear: Math.round((size.database * 365) / days),
      bytesPer100kPages: Math.round((size.database * 100_000) / size.pages),
      readsP50Ms: reads,
      verify: checked,
      push: pushed,
    });
  } finally {
    await pool.end();
  }
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const ids = Object.keys(operations(7));
const lines = [
  `# History curve, ${scaleName} scale, ${today()}`,
  '',
  `\`npm run bench:history -- --history-days ${values['history-days']} --scale ${scaleName} --runs ${runs}\`: one observation per page per day ending ${end}; reads in process (api.fetch, p50 of ${runs}, ms); ${os.cpus().length} cores, load average per row.`,
  '',
  `| days | observations | DB | DB per year | per 100 k pages | load s | load avg | ${ids.join(' | ')} | verify s | verify --since 7 d s | push rows | push s | verify --since 1 d s |`,
  `|${'---|'.repeat(ids.length + 12)}`,
  ...results.map((r) => {
    const x = r as {
      days: number;
      size: { database: number; rows: Record<string, number> };
      bytesPerYear: number;
      bytesPer100kPages: number;
      loadMs: number | null;
      loadAverage: { beforeReads: string; after: string };
      readsP50Ms: Record<string, number>;
      verify: { fullMs: number; sinceMs: number };
      push: { rows: number; ms: number; verifySinceMs: number };
    };
    return `| ${x.days} | ${x.size.rows.observation.toLocaleString('en')} | ${mb(x.size.database)} | ${mb(x.bytesPerYear)} | ${mb(x.bytesPer100kPages)} | ${x.loadMs === null ? 'reused' : (x.loadMs / 1000).toFixed(0)} | ${x.loadAverage.beforeReads}–${x.loadAverage.after} | ${ids.map((id) => x.readsP50Ms[id]).join(' | ')} | ${(x.verify.fullMs / 1000).toFixed(1)} | ${(x.verify.sinceMs / 1000).toFixed(1)} | ${x.push.rows} | ${(x.push.ms / 1000).toFixed(1)} | ${(x.push.verifySinceMs / 1000).toFixed(1)} |`;
  }),
  '',
];
const base = path.join(import.meta.dirname, 'results', `${today()}-history-${scaleName}${values['reads-only'] ? '-reads' : ''}`);
fs.writeFileSync(`${base}.json`, `${JSON.stringify({ scale: scaleName, end, runs, results }, null, 2)}\n`);
fs.writeFileSync(`${base}.md`, lines.join('\n'));
process.stdout.write(lines.join('\n'));
