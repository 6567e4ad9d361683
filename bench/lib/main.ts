import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { isScaleName, type ScaleName } from '../../src/modules/generate/index.js';
import { isAlive, sleep } from '../../src/util/os.js';
import { compareWithQ1, measureBaseline, type Q1Stats } from './baseline.js';
import { bareCopy, typedCopy } from './copy.js';
import { ensureDataset, writeBatch } from './dataset.js';
import { type EdgeResult, edgeBench, edgeMarkdown } from './edge.js';
import { type ExportsResult, exportsBench, exportsMarkdown } from './exports.js';
import { type LiveResult, liveBench, liveMarkdown } from './live.js';
import { type GraphQLRequest, interleaved, measure, post, type RunStats, startLoad, toStats } from './load.js';
import { BASELINE, OPERATIONS, type OperationContext, REGION, readQuery, requestOf, unreferencedQueryFiles } from './operations.js';
import { type ImportRun, runImport, startServer, tail } from './processes.js';
import { ProcessMonitor, parentPid, round } from './procstat.js';
import { benchKey, type PushResult, sendDailyPush, timeRecordObservations, writeDailyPush } from './push.js';
import {
  type BenchResults,
  compareResults,
  markdownReport,
  type OperationResult,
  type PushReport,
  readResults,
  resultsTable,
  type Target,
  type WriteMixResult,
} from './report.js';
import { countStatements } from './statements.js';

/** Issue 20's monitoring operations, each compared with a plain stats (M1) of the same node. */
const MONITORING_OPS = ['M2', 'M3', 'M4'] as const;
const MONITORING_NAMES: Record<(typeof MONITORING_OPS)[number], string> = { M2: 'compliance', M3: 'freshness', M4: 'anomalies' };

const USAGE = `usage: npm run bench [-- --scale small|russia|tiny|demo] [--db <postgres url>] [--duration <s>]
                     [--compare <old results .json|.md>] [--seed 42] [--only Q1,Q4] [--reuse-db] [--history-days N]
       npm run bench -- --compare <old .json|.md> --against <new .json|.md>

Generates the dataset (bench/.work/<scale>), loads it into a fresh database through the import
command, starts the server (production settings) and drives each operation of bench/queries over
HTTP; writes bench/results/<date>-<scale>.md and .json. See bench/README.md.`;

/** Per-scale defaults: seconds per (operation, concurrency), warm-up seconds, write-mix batch size. */
const DEFAULTS: Record<ScaleName, { duration: number; warmup: number; batch: number }> = {
  tiny: { duration: 2, warmup: 1, batch: 2_000 },
  small: { duration: 2, warmup: 2, batch: 20_000 },
  demo: { duration: 4, warmup: 1, batch: 30_000 },
  national: { duration: 6, warmup: 2, batch: 50_000 },
  russia: { duration: 6, warmup: 2, batch: 50_000 },
};

/** Connections per operation in the write mix (Q1–Q4 together: 4 × 2 = 8). */
const MIX_CONNECTIONS = 2;

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: 'string', default: 'small' },
      db: { type: 'string' },
      duration: { type: 'string' },
      compare: { type: 'string' },
      against: { type: 'string' },
      seed: { type: 'string', default: '42' },
      only: { type: 'string' },
      'reuse-db': { type: 'boolean', default: false },
      'history-days': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.against) {
    if (!values.compare) throw new Error('--against needs --compare <old results>');
    console.log(compareResults(readResults(values.compare), readResults(values.against), values.compare, values.against));
    return 0;
  }
  const scale = values.scale!;
  if (!isScaleName(scale)) throw new Error(`--scale must be one of tiny, small, demo, russia; got "${scale}"\n${USAGE}`);
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer, got "${values.seed}"`);
  const duration = values.duration === undefined ? DEFAULTS[scale].duration : Number(values.duration);
  if (!(duration > 0)) throw new Error(`--duration must be a positive number of seconds, got "${values.duration}"`);
  const old = values.compare ? readResults(values.compare) : undefined; // fail before a long run, not after
  const only = values.only ? new Set(values.only.split(',').map((id) => id.trim())) : undefined;
  const historyDays = values['history-days'] === undefined ? undefined : Number(values['history-days']);
  if (historyDays !== undefined && !(Number.isSafeInteger(historyDays) && historyDays > 0))
    throw new Error(`--history-days must be a whole number above 0, got "${values['history-days']}"`);
  return run({
    scale,
    seed,
    duration,
    db: values.db,
    reuseDb: values['reuse-db']!,
    only,
    historyDays,
    compare: old && { results: old, name: values.compare! },
  });
}

interface RunOptions {
  scale: ScaleName;
  seed: number;
  duration: number;
  db: string | undefined;
  reuseDb: boolean;
  only: Set<string> | undefined;
  /** Days of daily observations in the dataset (`--history-days`); absent: the scale's own schedule. */
  historyDays?: number;
  compare: { results: BenchResults; name: string } | undefined;
}

const benchDir = fileURLToPath(new URL('..', import.meta.url));
const root = path.resolve(benchDir, '..');
const workDir = path.join(benchDir, '.work');

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function run(options: RunOptions): Promise<number> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const { scale, seed, duration } = options;
  const warmup = DEFAULTS[scale].warmup;
  const endDate = startedAt.slice(0, 10);
  const loadStart = os.loadavg()[0];
  const notes: string[] = [];
  await import('../../src/db/database.js'); // DATE columns as 'YYYY-MM-DD' strings, as in the application
  fs.mkdirSync(workDir, { recursive: true });
  for (const file of unreferencedQueryFiles(benchDir)) notes.push(`bench/queries/${file} is not driven by any operation (see bench/lib/operations.ts)`);
  if (loadStart > 0.5) log(`warning: load average is ${loadStart.toFixed(2)}: other work on the machine will skew the figures`);

  // 1. The dataset.
  log(`dataset: scale ${scale}, seed ${seed}, end date ${endDate}`);
  const dataset = await ensureDataset(
    root,
    path.join(workDir, options.historyDays ? `${scale}-${options.historyDays}d` : scale),
    scale,
    seed,
    endDate,
    options.historyDays,
  );
  if (options.historyDays) notes.push(`History: ${options.historyDays} days of daily observations (one per page per day), not the scale's own schedule.`);
  log(
    `dataset ${dataset.generated ? `generated in ${(dataset.generationMs / 1000).toFixed(1)} s` : 'reused'}: ${Object.values(dataset.rows)
      .reduce((a, b) => a + b, 0)
      .toLocaleString('en-US')} rows in ${dataset.folder}`,
  );

  // 2. A fresh database, loaded through the import command.
  const database = await prepareDatabase(options, dataset.endDate);
  let load: ImportRun;
  if (database.reused) {
    load = database.reused;
    log('database reused (--reuse-db): no load');
    notes.push("The database was reused from an earlier run (--reuse-db): the load figures are that run's, and earlier write mixes are in the data.");
  } else {
    log(`loading ${dataset.folder} through the import command…`);
    load = await runImport(root, dataset.folder, database.env, 'import');
    log(
      `loaded ${load.rows.toLocaleString('en-US')} rows in ${load.loadSeconds} s (${load.rowsPerSecond.toLocaleString('en-US')} rows/s), ${load.wallSeconds} s wall`,
    );
    database.remember(load);
  }

  // 3. The server, as a user starts it.
  const serverLog = path.join(workDir, `${scale}-server.log`);
  log('starting the server…');
  // One client address opens the live bench's 2,000 streams: the per-address stream limit is lifted.
  const server = await startServer(root, { ...database.env, LIVE_MAX_STREAMS_PER_ADDRESS: '100000' }, serverLog);
  log(`server ready on port ${server.port} in ${server.startupSeconds} s (pid ${server.pid}, log ${path.relative(root, serverLog)})`);
  let client: { pool: pg.Pool; url: string; release: () => Promise<void> } | undefined;
  const cleanup = async () => {
    await client?.pool.end().catch(() => undefined);
    await client?.release().catch(() => undefined);
    client = undefined;
    if (!server.exited) {
      const code = await server.stop();
      if (code !== 0) log(`the server exited with ${code}; its log:\n${tail(serverLog)}`);
    }
  };
  const onSignal = () => {
    log('interrupted: stopping what the bench started…');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    client = await database.connect();
    const { pool } = client;
    const postmaster = await postmasterPid(pool);
    const pids = { server: server.pid, postmaster };
    if (!postmaster) notes.push('PostgreSQL runs on another machine (or its processes are not visible): its CPU is not reported.');

    // The yardstick of the first load: the same files COPYed into plain tables on the same server.
    log('bare COPY of the dataset files into plain tables (the yardstick of the load)…');
    const copied = await bareCopy(pool, dataset.folder);
    log(`bare COPY: ${copied.seconds} s; the load took ${load.loadSeconds} s: ${round(load.loadSeconds / copied.seconds, 2)}×`);
    log('COPY of the dataset files into typed tables with keys (what a team would load into)…');
    const typed = await typedCopy(pool, dataset.folder);
    log(`typed COPY: ${typed.seconds} s: the load is ${round(load.loadSeconds / typed.seconds, 2)}× it`);

    const context = await operationContext(pool, endDate);
    log(`variables: ${JSON.stringify(context)}`);
    const machine = machineInfo();
    const [postgres, settings, tables, databaseMb] = await Promise.all([
      pool.query<{ version: string }>('SELECT version()').then((r) => r.rows[0].version.replace(/ on .*/, '')),
      postgresSettings(pool),
      tableCounts(pool),
      pool.query<{ mb: number }>('SELECT (pg_database_size(current_database()) / 1048576.0)::float8 AS mb').then((r) => round(r.rows[0].mb, 0)),
    ]);

    // 4. Each operation: check it answers, count its statements, warm up, measure.
    const operations = OPERATIONS.filter((operation) => !options.only || options.only.has(operation.id));
    const requests = new Map<string, GraphQLRequest>(operations.map((operation) => [operation.id, requestOf(benchDir, operation, context)]));
    const failed = new Map<string, string>();
    const responseBytes = new Map<string, number>();
    for (const [id, request] of requests) {
      try {
        responseBytes.set(id, (await post(server.endpoint, request)).bytes);
      } catch (error) {
        failed.set(id, (error as Error).message);
        log(`${id} fails, skipped: ${(error as Error).message}`);
        notes.push(`${id} was not measured: it fails against this schema/server: ${(error as Error).message.slice(0, 300)}`);
      }
    }
    log('counting SQL statements per request (in-process yoga)…');
    const statements = await countStatements(pool, new Map([...requests].filter(([id]) => !failed.has(id)))).catch((error: Error) => {
      notes.push(`Statement counts unavailable: ${error.message.slice(0, 300)}`);
      return new Map<string, { statements: number; sql: string[] }>();
    });

    // One warm-up pass over every operation first (JIT, plan caches, PostgreSQL's buffers), so that
    // the first operation measured is not the one that pays for a cold process.
    log(`warming up: ${warmup} s per operation at concurrency 8…`);
    for (const operation of operations) {
      if (!failed.has(operation.id)) await startLoad(server.endpoint, requests.get(operation.id)!, 8, warmup).done;
    }

    const results: OperationResult[] = [];
    for (const operation of operations) {
      const request = requests.get(operation.id)!;
      const result: OperationResult = {
        id: operation.id,
        title: operation.title,
        file: operation.file,
        variables: request.variables,
        statements: statements.get(operation.id)?.statements ?? null,
        sql: statements.get(operation.id)?.sql ?? [],
        responseBytes: responseBytes.get(operation.id) ?? null,
        runs: [],
      };
      results.push(result);
      if (failed.has(operation.id)) continue;
      await startLoad(server.endpoint, request, 8, 0.5).done;
      for (const concurrency of operation.concurrency) {
        const stats = await measure(server.endpoint, request, concurrency, duration, pids);
        result.runs.push(stats);
        log(
          `${operation.id.padEnd(9)} c=${String(concurrency).padEnd(2)} p50 ${stats.p50.toFixed(2)} ms  p95 ${stats.p95.toFixed(2)}  p99 ${stats.p99.toFixed(2)}  ${stats.requestsPerSecond} req/s  ${result.statements ?? '?'} SQL/req  server CPU ${stats.serverCpuPercent}%  PG CPU ${stats.postgresCpuPercent ?? '—'}%${stats.errors ? `  ${stats.errors} ERRORS` : ''}`,
        );
      }
    }

    // The ratio root/village from Q1 and Q3 measured in alternation (same background for both).
    let pair: BenchResults['q1q3Interleaved'] = null;
    if (requests.has('Q1') && requests.has('Q3') && !failed.has('Q1') && !failed.has('Q3')) {
      const measured = await interleaved(server.endpoint, requests.get('Q1')!, requests.get('Q3')!, 2 * duration);
      pair = { seconds: 2 * duration, slice: 0.5, q1: measured.a, q3: measured.b, ratio: round(measured.a.p50 / measured.b.p50, 2) };
      log(`Q1/Q3 interleaved at c=1: Q1 p50 ${measured.a.p50} ms, Q3 p50 ${measured.b.p50} ms, ratio ${pair.ratio}`);
    }

    // Issue 20: compliance (M2), freshness (M3) and anomalies (M4) against a plain stats of the same node (M1), each pair
    // measured in alternation at c=1. Keyed `root`, `region` (M2, as before) and `M3-root`… (`m2` then holds M3's or M4's p50).
    const compliancePairs: Record<string, { m1: number; m2: number; ratio: number }> = {};
    for (const op of MONITORING_OPS) {
      for (const where of ['root', 'region']) {
        const [m1, m2] = [requests.get(`M1-${where}`), requests.get(`${op}-${where}`)];
        if (!m1 || !m2 || failed.has(`M1-${where}`) || failed.has(`${op}-${where}`)) continue;
        const measured = await interleaved(server.endpoint, m1, m2, 2 * duration);
        const key = op === 'M2' ? where : `${op}-${where}`;
        compliancePairs[key] = { m1: measured.a.p50, m2: measured.b.p50, ratio: round(measured.b.p50 / measured.a.p50, 2) };
        log(`${op}/M1 (${where}) interleaved at c=1: M1 p50 ${measured.a.p50} ms, ${op} p50 ${measured.b.p50} ms, ratio ${compliancePairs[key].ratio}`);
      }
    }

    // 5. Q8, the on-read baseline, as SQL beside the server.
    let baseline: BenchResults['baseline'] = null;
    if (!options.only || options.only.has(BASELINE.id)) {
      log('Q8: the on-read baseline (SQL)…');
      const measured = await measureBaseline(client.url, readQuery(benchDir, BASELINE.file), 'RU', {
        seconds: duration,
        minIterations: 5,
        maxIterations: 10_000,
        postmaster,
      });
      const q1 = await post<{ territory: { stats: Q1Stats } }>(server.endpoint, requestOf(benchDir, OPERATIONS[0], context)).catch(() => undefined);
      const differences = q1 ? compareWithQ1(measured.answer, q1.data.territory.stats) : ['Q1 did not answer'];
      baseline = {
        id: BASELINE.id,
        title: BASELINE.title,
        file: BASELINE.file,
        statements: 1,
        run: measured.stats,
        differencesFromQ1: differences,
        plan: measured.plan,
      };
      log(
        `Q8        c=1  p50 ${measured.stats.p50.toFixed(1)} ms  p95 ${measured.stats.p95.toFixed(1)}  ${measured.stats.requests} runs; ${differences.length ? `DIFFERS from Q1: ${differences.slice(0, 3).join('; ')}` : 'same figures as Q1'}`,
      );
    }

    // 6. The write mix: Q1–Q4 read while a batch of observations goes through the import command.
    let writeMix: WriteMixResult | null = null;
    const mixOperations = operations.filter((operation) => operation.inWriteMix && !failed.has(operation.id));
    if (mixOperations.length > 0 && (!options.only || options.only.has('mix'))) {
      const batch = await writeBatch(pool, path.join(workDir, `${scale}-write`), DEFAULTS[scale].batch, endDate, seed);
      log(
        `write mix: ${batch.rows} observations (${batch.corrections} corrections); reading ${mixOperations.map((o) => o.id).join(', ')} with ${MIX_CONNECTIONS} connections each`,
      );
      const drive = async (seconds: number, during?: (monitor: ProcessMonitor) => Promise<ImportRun>) => {
        const monitor = new ProcessMonitor(server.pid, postmaster);
        const loads = mixOperations.map((operation) => startLoad(server.endpoint, requests.get(operation.id)!, MIX_CONNECTIONS, seconds));
        let imported: ImportRun | undefined;
        try {
          if (during) imported = await during(monitor);
        } finally {
          if (during) for (const load of loads) load.stop();
        }
        const done = await Promise.all(loads.map((load) => load.done));
        const use = monitor.finish();
        const runs = done.map((d, i): RunStats & { id: string } => ({
          id: mixOperations[i].id,
          ...toStats(d.samples, d.errors, d.seconds, MIX_CONNECTIONS, use),
        }));
        return { runs, imported, importCpuPercent: use.extra.import ?? null };
      };
      const quiet = await drive(duration);
      const during = await drive(3600, async (monitor) => {
        await sleep(300);
        return runImport(root, batch.folder, database.env, 'write mix', (pid) => monitor.watch('import', pid));
      });
      const { folder: _folder, ...batchFigures } = batch;
      writeMix = {
        batch: batchFigures,
        operations: mixOperations.map((operation) => operation.id),
        connectionsPerOperation: MIX_CONNECTIONS,
        quiet: quiet.runs,
        duringImport: during.runs,
        import: during.imported!,
        importCpuPercent: during.importCpuPercent,
      };
      log(
        `write mix: import ${during.imported!.rowsPerSecond} rows/s (${during.imported!.loadSeconds} s); during it ${during.runs.map((r) => `${r.id} p50 ${r.p50.toFixed(2)} ms`).join(', ')}`,
      );
    }

    // 6b. The public edge: cold/warm at concurrency 32 and the hostile mix.
    let edge: EdgeResult | null = null;
    if (!options.only || options.only.has('edge')) {
      const edgeRequests = new Map(
        OPERATIONS.filter((operation) => ['Q1', 'Q2', 'Q3', 'Q4'].includes(operation.id) && !failed.has(operation.id)).map((operation) => [
          operation.id,
          requests.get(operation.id) ?? requestOf(benchDir, operation, context),
        ]),
      );
      log(`the public edge: ${[...edgeRequests.keys()].join(', ')} cold and warm at concurrency 32, then the hostile mix…`);
      edge = await edgeBench(server.endpoint, edgeRequests, duration, pids, log);
    }

    // 6c. The spreadsheet exports of the largest region (issue 20).
    let exportsResult: ExportsResult | null = null;
    if (!options.only || options.only.has('exports')) {
      exportsResult = await exportsBench(server.endpoint, pool, endDate, 5, log).catch((error: Error) => {
        notes.push(`The exports were not measured: ${error.message.slice(0, 300)}`);
        return null;
      });
    }

    // 6d. Live figures: commit-to-event latency with 2,000 open SSE subscriptions on this process.
    let live: LiveResult | null = null;
    if (!options.only || options.only.has('live')) {
      log('live figures: 2,000 SSE subscriptions, then 10 loads…');
      live = await liveBench({ endpoint: server.endpoint, pool, serverPid: server.pid, workDir, endDate, seed });
      log(`live figures: p50 ${live.latencyMs.p50} ms, p99 ${live.latencyMs.p99} ms, server RSS ${live.rssMb.open} MB with the streams open`);
    }

    // 7. Pushes over HTTP: the daily push (one observation for every page through POST /v1/loads)
    // while Q1–Q4 are read, and recordObservations with 1,000 items.
    let push: PushReport | null = null;
    if (mixOperations.length > 0 && (!options.only || options.only.has('push'))) {
      const key = await benchKey(pool);
      const daily = await writeDailyPush(pool, path.join(workDir, `${scale}-push`), endDate);
      log(`push: ${daily.rows} observations through POST /v1/loads while ${mixOperations.map((o) => o.id).join(', ')} are read`);
      const monitor = new ProcessMonitor(server.pid, postmaster);
      const loads = mixOperations.map((operation) => startLoad(server.endpoint, requests.get(operation.id)!, MIX_CONNECTIONS, 3600));
      let sent: PushResult['daily'];
      try {
        await sleep(300);
        sent = await sendDailyPush(server.endpoint, key, daily.file, daily.rows);
      } finally {
        for (const load of loads) load.stop();
      }
      const done = await Promise.all(loads.map((load) => load.done));
      const use = monitor.finish();
      const during = done.map((d, i): RunStats & { id: string } => ({
        id: mixOperations[i].id,
        ...toStats(d.samples, d.errors, d.seconds, MIX_CONNECTIONS, use),
      }));
      const mutation = await timeRecordObservations(server.endpoint, key, pool, endDate);
      push = { daily: sent, duringPush: during, mutation };
      log(
        `push: ${sent.status} in ${sent.totalSeconds} s (upload ${sent.uploadSeconds} s, apply ${sent.applySeconds} s); reads during it ${during.map((r) => `${r.id} p50 ${r.p50.toFixed(2)}/p99 ${r.p99.toFixed(2)} ms`).join(', ')}; recordObservations ×${mutation.items} p50 ${mutation.p50.toFixed(1)} ms, p99 ${mutation.p99.toFixed(1)} ms`,
      );
    }

    // 8. The report.
    const p50 = (id: string) => results.find((r) => r.id === id)?.runs.find((run) => run.concurrency === 1)?.p50 ?? null;
    const ratio = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? round(a / b, 2) : null);
    const ratios = {
      q1OverQ3: pair?.ratio ?? ratio(p50('Q1'), p50('Q3')),
      q1OverQ3Table: ratio(p50('Q1'), p50('Q3')),
      q8OverQ1: ratio(baseline?.run.p50 ?? null, p50('Q1')),
    };
    const target = (name: string, measured: number | null, text: string, met: (value: number) => boolean): Target => ({
      name,
      measured,
      target: text,
      met: measured === null ? null : met(measured),
    });
    const targets = [
      target('Q1 root stats p50 (ms, HTTP round trip, c=1)', p50('Q1'), '< 3', (v) => v < 3),
      target('Q1/Q3 p50 (interleaved run, c=1)', ratios.q1OverQ3, '≤ 1.5', (v) => v <= 1.5),
      target('Q4 region dashboard p50 (ms, c=1)', p50('Q4'), '< 15', (v) => v < 15),
      target('Q5 90-day history at the root p50 (ms, c=1)', p50('Q5-root'), '< 20', (v) => v < 20),
      target('Q8/Q1 p50 (baseline SQL vs API over HTTP)', ratios.q8OverQ1, '≥ 50', (v) => v >= 50),
      target('daily push over HTTP, one observation per page (s, POST to SUCCEEDED)', push?.daily.totalSeconds ?? null, '< 40', (v) => v < 40),
      target('recordObservations with 1,000 items p50 (ms)', push?.mutation.p50 ?? null, '< 150', (v) => v < 150),
      // Issue 12.
      target('issue 12: Q9 region children by code (Vladimir) p50 (ms, c=1)', p50('Q9'), '≤ 2.5', (v) => v <= 2.5),
      target('issue 12: Q9-30 region children, 30 children p50 (ms, c=1)', p50('Q9-30'), '≤ 2.5', (v) => v <= 2.5),
      target('issue 12: Q4 region dashboard p50 (ms, c=1)', p50('Q4'), '≤ 3', (v) => v <= 3),
      target('issue 12: Q1 root stats p50 (ms, c=1)', p50('Q1'), '≤ 1.5', (v) => v <= 1.5),
      target('issue 12: first load / bare COPY of the same files (text columns)', round(load.loadSeconds / copied.seconds, 2), '≤ 2', (v) => v <= 2),
      target('issue 12: first load / COPY into typed tables with keys', round(load.loadSeconds / typed.seconds, 2), '≤ 2', (v) => v <= 2),
      target('issue 12: daily push over HTTP (s)', push?.daily.totalSeconds ?? null, '< 20', (v) => v < 20),
      // Issue 20: compliance, freshness and anomalies as cheap as a plain stats of the same node.
      ...MONITORING_OPS.flatMap((op) =>
        (['root', 'region'] as const).map((where) =>
          target(
            `issue 20: ${op}/M1 ${MONITORING_NAMES[op]} vs plain stats at ${where === 'root' ? 'the root' : 'a region'} p50 (interleaved, c=1)`,
            compliancePairs[op === 'M2' ? where : `${op}-${where}`]?.ratio ?? ratio(p50(`${op}-${where}`), p50(`M1-${where}`)),
            '≤ 1.5',
            (v) => v <= 1.5,
          ),
        ),
      ),
    ];
    await cleanup();
    let stopped = postmaster === undefined || !isAlive(postmaster);
    for (let attempt = 0; !stopped && attempt < 50; attempt++) {
      await sleep(100);
      stopped = !isAlive(postmaster!);
    }
    if (!stopped && database.kind === 'embedded')
      notes.push('The embedded PostgreSQL was still running after the server stopped (another process holds a lease).');

    const results_: BenchResults = {
      format: 1,
      scale,
      seed,
      endDate,
      startedAt,
      totalSeconds: round((performance.now() - started) / 1000, 1),
      machine: { ...machine, postgres, loadAverage: { start: loadStart, end: os.loadavg()[0] } },
      git: gitInfo(),
      settings: {
        database: database.kind,
        durationSeconds: duration,
        warmupSeconds: warmup,
        server: {
          NODE_ENV: 'production',
          LOG_LEVEL: 'warn',
          DEMO: '0',
          RATE_LIMIT_POINTS: '0',
          DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? '10 (default)',
        },
        postgres: settings,
        freshDatabase: !database.reused,
      },
      dataset: {
        generated: dataset.generated,
        generationSeconds: round(dataset.generationMs / 1000, 1),
        files: dataset.rows,
        tables,
        databaseMb,
      },
      load,
      bareCopy: copied,
      typedCopy: typed,
      serverStartupSeconds: server.startupSeconds,
      context: { ...context },
      operations: results,
      baseline,
      q1q3Interleaved: pair,
      writeMix,
      push,
      edge,
      exports: exportsResult,
      complianceInterleaved: compliancePairs,
      ratios,
      targets,
      notes,
    };
    // A partial run (--only) never overwrites the day's full results.
    const base = path.join(benchDir, 'results', `${endDate}-${scale}${options.only ? '-partial' : ''}`);
    fs.mkdirSync(path.dirname(base), { recursive: true });
    fs.writeFileSync(`${base}.json`, `${JSON.stringify(results_, null, 2)}\n`);
    let markdown = markdownReport(results_);
    if (edge) markdown += `\n${edgeMarkdown(edge)}`;
    if (exportsResult) markdown += `\n## Exports (issue 20)\n\n${exportsMarkdown(exportsResult)}\n`;
    if (live) {
      markdown += `\n${liveMarkdown(live)}`;
      fs.writeFileSync(`${base}-live.json`, `${JSON.stringify(live, null, 2)}\n`);
    }
    if (options.compare) {
      const comparison = compareResults(options.compare.results, results_, options.compare.name, 'this run');
      markdown += `\n## Compared with ${path.basename(options.compare.name)}\n\n${comparison}\n`;
    }
    fs.writeFileSync(`${base}.md`, markdown);
    console.log(`\n${resultsTable(results_)}\n`);
    console.log(
      `Q1/Q3 p50: ${ratios.q1OverQ3 ?? '—'} (interleaved; ${ratios.q1OverQ3Table ?? '—'} from the table rows)   Q8/Q1 p50: ${ratios.q8OverQ1 ?? '—'}`,
    );
    if (edge) console.log(`\n${edgeMarkdown(edge)}`);
    for (const t of targets) console.log(`  ${t.met === null ? '?' : t.met ? 'ok ' : 'NO '} ${t.name}: ${t.measured ?? '—'} (target ${t.target})`);
    if (writeMix) {
      console.log(
        `write mix: import ${writeMix.import.rowsPerSecond} rows/s; reads during it: ${writeMix.duringImport.map((r) => `${r.id} p50 ${r.p50.toFixed(2)}/p95 ${r.p95.toFixed(2)} ms`).join(', ')}`,
      );
    }
    for (const note of notes) console.log(`note: ${note}`);
    if (options.compare) console.log(`\n${compareResults(options.compare.results, results_, options.compare.name, 'this run')}`);
    console.log(`\nwritten ${path.relative(root, base)}.md and .json in ${results_.totalSeconds} s`);
    return 0;
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

interface PreparedDatabase {
  kind: 'embedded' | 'external';
  /** What the import command and the server get to find the database. */
  env: Record<string, string>;
  /** The load of an earlier run when --reuse-db found one. */
  reused: ImportRun | undefined;
  remember(load: ImportRun): void;
  /** A pool of the bench process on the database, and how to give it up. */
  connect(): Promise<{ pool: pg.Pool; url: string; release: () => Promise<void> }>;
}

/**
 * A fresh database: the embedded PostgreSQL in bench/.work/<scale>-pg (wiped; the import command
 * creates the cluster and the server then owns it), or `gospubliki_bench_<scale>` dropped and
 * created again on the server of --db.
 */
async function prepareDatabase(options: RunOptions, endDate: string): Promise<PreparedDatabase> {
  const key = { scale: options.scale, seed: options.seed, endDate };
  if (options.db) {
    if (options.reuseDb) throw new Error('--reuse-db works with the embedded database only');
    const name = `gospubliki_bench_${options.scale}`;
    const admin = new pg.Client({ connectionString: options.db });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    const url = new URL(options.db);
    url.pathname = `/${name}`;
    log(`database ${name} created on ${url.host}`);
    return {
      kind: 'external',
      env: { DATABASE_URL: url.toString() },
      reused: undefined,
      remember: () => undefined,
      connect: async () => ({ pool: new pg.Pool({ connectionString: url.toString(), max: 4 }), url: url.toString(), release: async () => undefined }),
    };
  }
  const dataDir = path.join(workDir, `${options.scale}-pg`);
  const marker = path.join(dataDir, 'bench-load.json');
  let reused: ImportRun | undefined;
  if (options.reuseDb) {
    const saved = fs.existsSync(marker) ? (JSON.parse(fs.readFileSync(marker, 'utf8')) as { key: typeof key; load: ImportRun }) : undefined;
    if (saved && JSON.stringify(saved.key) === JSON.stringify(key)) reused = saved.load;
    else log('--reuse-db: no database of this dataset to reuse: loading a fresh one');
  }
  if (!reused) fs.rmSync(dataDir, { recursive: true, force: true });
  return {
    kind: 'embedded',
    env: { DATA_DIR: dataDir },
    reused,
    remember: (load) => fs.writeFileSync(marker, JSON.stringify({ key, load })),
    connect: async () => {
      // Join the embedded server the API server runs (a lease, like `npm run import` beside `npm start`).
      const { startEmbeddedPostgres } = await import('../../src/db/embeddedPostgres.js');
      const embedded = await startEmbeddedPostgres(dataDir);
      const url = embedded.url('gospubliki');
      return { pool: new pg.Pool({ connectionString: url, max: 4 }), url, release: () => embedded.release() };
    },
  };
}

/** The postmaster's pid when PostgreSQL runs on this machine (a backend's parent), else undefined. */
async function postmasterPid(pool: pg.Pool): Promise<number | undefined> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const parent = parentPid(rows[0].pid);
  return parent && parent > 1 ? parent : undefined;
}

/** Variables of the operations: the region, its busiest rural settlement, the 90-day window. */
export async function operationContext(pool: pg.Pool, endDate: string): Promise<OperationContext> {
  const { rows } = await pool.query<{ code: string }>(
    `SELECT t.code
       FROM territory r
       JOIN territory t ON t.path @> ARRAY[r.id] AND t.level = 'RURAL_SETTLEMENT'
       JOIN organisation o ON o.territory_id = t.id
       JOIN page p ON p.organisation_id = o.id AND p.status = 'ACTIVE'
      WHERE r.code = $1
      GROUP BY t.code ORDER BY count(*) DESC, t.code LIMIT 1`,
    [REGION],
  );
  if (!rows[0]) throw new Error(`no RURAL_SETTLEMENT of ${REGION} has an active page`);
  const to = endDate;
  const from = new Date(Date.parse(`${endDate}T00:00:00Z`) - 89 * 86_400_000).toISOString().slice(0, 10);
  return { regionCode: REGION, settlementCode: rows[0].code, from, to };
}

async function postgresSettings(pool: pg.Pool): Promise<Record<string, string>> {
  const names = [
    'shared_buffers',
    'work_mem',
    'effective_cache_size',
    'max_connections',
    'max_parallel_workers_per_gather',
    'jit',
    'synchronous_commit',
    'fsync',
    'random_page_cost',
  ];
  const { rows } = await pool.query<{ name: string; setting: string; unit: string | null }>(
    `SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1) ORDER BY array_position($1, name)`,
    [names],
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.setting]));
}

async function tableCounts(pool: pg.Pool): Promise<Record<string, number>> {
  const tables = [
    'territory',
    'sector',
    'platform',
    'organisation',
    'page',
    'observation',
    'territory_page_rollup',
    'territory_platform_rollup',
    'territory_organisation_rollup',
    'territory_subscriber_change',
    'territory_freshness_rollup',
    'territory_anomaly',
  ];
  const { rows } = await pool.query<Record<string, number>>(`SELECT ${tables.map((t) => `(SELECT count(*)::int FROM ${t}) AS ${t}`).join(', ')}`);
  return rows[0];
}

function machineInfo(): Omit<BenchResults['machine'], 'postgres' | 'loadAverage'> {
  const cpuModel = /^model name\s*:\s*(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  let cpus = os.cpus().length;
  try {
    cpus = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || cpus;
  } catch {
    // nproc missing: os.cpus() it is
  }
  return { cpus, cpuModel, memoryGb: round(os.totalmem() / 1024 ** 3, 1), kernel: os.release(), node: process.versions.node };
}

/** The commit and whether the tree has changes (read-only git calls). */
function gitInfo(): BenchResults['git'] {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const status = execFileSync('git', ['--no-optional-locks', 'status', '--porcelain'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return null;
  }
}
