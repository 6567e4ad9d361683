/**
 * `npm run bench:scaling`: Q1–Q4 throughput with 1 and 2 API processes, against a PostgreSQL
 * primary alone and with one streaming replica (DATABASE_READ_URLS), and the replication lag
 * during a daily push (one observation for every page) on the primary. Uses Debian's
 * PostgreSQL 15 binaries for the primary and standby (as the replica tests do), the `small`
 * dataset, and writes bench/results/<date>-scaling.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrate } from '../src/db/migrate.js';
import { importFolder } from '../src/modules/loads/pipeline/runLoad.js';
import { startStreamingPair } from '../test/helpers/streaming.js';
import { ensureDataset } from './lib/dataset.js';
import { startLoad, summarise } from './lib/load.js';
import { operationContext } from './lib/main.js';
import { OPERATIONS, requestOf } from './lib/operations.js';
import { startServer } from './lib/processes.js';
import { writeDailyPush } from './lib/push.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchDir = path.join(root, 'bench');
const seconds = Number(process.env.SCALING_SECONDS ?? 5);
const connections = 16;
const log = (message: string) => console.log(`[scaling ${new Date().toISOString().slice(11, 19)}] ${message}`);

async function main(): Promise<void> {
  const endDate = new Date().toISOString().slice(0, 10);
  const dataset = await ensureDataset(root, path.join(benchDir, '.work', 'small'), 'small', 42, endDate);
  log('starting a PostgreSQL 15 primary and a streaming standby');
  const pair = await startStreamingPair();
  const primaryUrl = pair.primaryUrl();
  await migrate(primaryUrl);
  const pool = new pg.Pool({ connectionString: primaryUrl, max: 4 });
  const loaded = await importFolder(pool, dataset.folder);
  if (!loaded.ok) throw new Error('the dataset did not load');
  log(`loaded ${Object.values(dataset.rows).reduce((a, b) => a + b, 0)} rows`);
  const context = await operationContext(pool, endDate);
  const requests = OPERATIONS.filter((o) => ['Q1', 'Q2', 'Q3', 'Q4'].includes(o.id)).map((o) => ({ id: o.id, request: requestOf(benchDir, o, context) }));
  const rows: string[] = [];
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gospubliki-scaling-'));
  for (const setup of [
    { name: '1 process, primary only', processes: 1, replica: false },
    { name: '2 processes, primary only', processes: 2, replica: false },
    { name: '1 process, reads on the replica', processes: 1, replica: true },
    { name: '2 processes, reads on the replica', processes: 2, replica: true },
  ]) {
    const env = {
      DATABASE_URL: primaryUrl,
      ...(setup.replica ? { DATABASE_READ_URLS: pair.standbyUrl() } : {}),
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DEMO: '0',
      RATE_LIMIT_POINTS: '0',
      CACHE: '0',
      DATA_DIR: logDir,
    };
    const servers = [];
    for (let i = 0; i < setup.processes; i++) servers.push(await startServer(root, env, path.join(logDir, `server-${i}.log`)));
    try {
      for (const { id, request } of requests) {
        // Warm-up, then the measured run: the connections split over the processes (a load balancer's round robin).
        await Promise.all(servers.map((s) => startLoad(s.endpoint, request, 2, 1).done));
        const runs = await Promise.all(servers.map((s) => startLoad(s.endpoint, request, connections / servers.length, seconds).done));
        const samples = runs.flatMap((r) => r.samples);
        const errors = runs.reduce((sum, r) => sum + r.errors, 0);
        const { p50, p95 } = summarise(samples);
        const rps = samples.length / Math.max(...runs.map((r) => r.seconds));
        rows.push(`| ${setup.name} | ${id} | ${rps.toFixed(0)} | ${p50.toFixed(2)} | ${p95.toFixed(2)} | ${errors} |`);
        log(`${setup.name} ${id}: ${rps.toFixed(0)} req/s, p50 ${p50.toFixed(2)} ms, errors ${errors}`);
      }
    } finally {
      for (const server of servers) await server.stop();
    }
  }
  // Replication lag while the daily push applies on the primary.
  const push = await writeDailyPush(pool, path.join(logDir, 'push'), endDate);
  const standby = new pg.Client({ connectionString: pair.standbyUrl() });
  await standby.connect();
  let maxLagBytes = 0;
  let maxLagSeconds = 0;
  let pushing = true;
  const sampler = (async () => {
    while (pushing) {
      const { rows: p } = await pool.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      const { rows: s } = await standby.query<{ bytes: string; seconds: number | null }>(
        'SELECT pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn())::bigint AS bytes, extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS seconds',
        [p[0].lsn],
      );
      const bytes = Math.max(0, Number(s[0].bytes));
      maxLagBytes = Math.max(maxLagBytes, bytes);
      if (bytes > 0 && s[0].seconds !== null) maxLagSeconds = Math.max(maxLagSeconds, s[0].seconds);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const started = performance.now();
  const pushed = await importFolder(pool, path.dirname(push.file));
  const pushSeconds = (performance.now() - started) / 1000;
  pushing = false;
  await sampler;
  await standby.end();
  await pool.end();
  await pair.destroy();
  const report = [
    `# Scaling: API processes and a read replica, ${endDate}`,
    '',
    `Produced by \`npm run bench:scaling\` (bench/scaling.ts): dataset \`small\` (seed 42), PostgreSQL 15 primary + one streaming standby on the same ${os.cpus().length}-core machine (load average ${os.loadavg()[0].toFixed(2)} at the end), ${connections} connections split over the processes, ${seconds} s per operation, no response cache, no rate limit.`,
    '',
    '| setup | op | req/s | p50 ms | p95 ms | errors |',
    '|---|---|--:|--:|--:|--:|',
    ...rows,
    '',
    `Daily push on the primary: ${push.rows} observations (${pushed.ok ? 'applied' : 'FAILED'}) in ${pushSeconds.toFixed(1)} s; the standby was at most ${(maxLagBytes / 1024).toFixed(0)} KB of WAL and ${maxLagSeconds.toFixed(2)} s of replay behind while it applied.`,
    '',
  ].join('\n');
  const file = path.join(benchDir, 'results', `${endDate}-scaling.md`);
  fs.writeFileSync(file, report);
  console.log(`\n${report}\nwritten ${path.relative(root, file)}`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
