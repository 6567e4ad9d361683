/**
 * One small push, measured on its own (docs/performance.md, "Small pushes"): `recordObservations`
 * with 1,000 items of random existing pages, sent `--calls` times in a row to the API in this
 * process (src/yoga.ts over its own pool, no socket) on an already loaded database, by a key
 * made for it. Prints the p50, p95 and p99 and the round trips one call makes (every statement
 * text sent to PostgreSQL, the push's own and the API's), with `--sql` each of them.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/db npx tsx bench/push.ts --calls 30 [--sql]
 *
 * `npm run bench` measures the same mutation over HTTP against the real server (bench/lib/push.ts).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { connectPrisma, disconnectPrisma } from '../src/db/prisma.js';
import { createKey } from '../src/modules/keys/keys.js';
import { LoadQueue } from '../src/modules/loads/queue/queue.js';
import { createApi } from '../src/yoga.js';
import { summarise } from './lib/load.js';
import { explainStatements, traceStatements } from './lib/statementTrace.js';

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '30' }, items: { type: 'string', default: '1000' }, sql: { type: 'boolean' }, explain: { type: 'boolean' } },
});
const url = process.env.DATABASE_URL;
if (!url) throw new Error('set DATABASE_URL to a loaded database');

/** Every statement any client of this process sends during the measured call (lib/statementTrace.ts). */
const trace = traceStatements();

const pool = new pg.Pool({ connectionString: url, max: 4 });
/** With `--explain`: each statement's execution time on the server (auto_explain, as notices; needs a superuser), for one call. */
const explain = values.explain
  ? explainStatements(
      pool,
      'SET auto_explain.log_min_duration = 0; SET auto_explain.log_analyze = on; SET auto_explain.log_timing = off; SET auto_explain.log_nested_statements = on; SET auto_explain.log_level = notice; SET auto_explain.log_format = json',
    )
  : undefined;
connectPrisma(pool);
const api = createApi({
  pool,
  ready: async () => true,
  loads: { queue: new LoadQueue({ pool, uploadsDir: os.tmpdir(), retentionDays: 30 }), maxBytes: 1 },
  edge: { config: { ratePoints: 0, maxCost: 0 } },
});
const key = (await createKey(pool, { name: 'bench push' })).secret;
const day = new Date().toISOString().slice(0, 10);
// A random sample of pages to observe.
const { rows: pages } = await pool.query<{ platform: string; external_id: string }>(
  'SELECT f.code AS platform, p.external_id FROM page p JOIN platform f ON f.id = p.platform_id ORDER BY random() LIMIT $1',
  [Number(values.items)],
);
const mutation = 'mutation ($input: RecordObservationsInput!) { recordObservations(input: $input) { inserted updated unchanged userErrors { message } } }';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  Plans?: PlanNode[];
}

/** A plan in one line: each node's type and relation, depth first, up to a few. */
function describe(node: PlanNode): string {
  const parts: string[] = [];
  const walk = (n: PlanNode) => {
    parts.push(`${n['Node Type']}${n['Relation Name'] ? ` ${n['Relation Name']}` : ''} (${n['Actual Rows'] ?? '?'})`);
    for (const child of n.Plans ?? []) walk(child);
  };
  walk(node);
  return parts.join(' > ').slice(0, 200);
}

/** One call with a fresh count for every page; its time in ms. */
async function call(round: number): Promise<number> {
  const observations = pages.map((page, i) => ({ platform: page.platform, externalId: page.external_id, subscribers: 1000 + round * 7 + i, observedOn: day }));
  const started = performance.now();
  const response = await api.fetch('http://bench/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: mutation, variables: { input: { observations } } }),
  });
  const body = (await response.json()) as { errors?: unknown; data?: { recordObservations: { userErrors: unknown[] } } };
  if (body.errors || body.data?.recordObservations.userErrors.length) throw new Error(JSON.stringify(body).slice(0, 500));
  return performance.now() - started;
}

await call(0); // warms up
trace.start();
explain?.start();
await call(1);
for (const notice of explain?.stop() ?? []) {
  const ms = Number(/duration: ([0-9.]+) ms/.exec(notice)?.[1] ?? 0);
  const plan = JSON.parse(notice.slice(notice.indexOf('{'))) as { Plan: PlanNode };
  if (ms >= 0.5) console.log(`  ${ms.toFixed(1).padStart(6)} ms (server)  ${describe(plan.Plan)}`);
}
const statements = trace.stop() ?? [];
const samples: number[] = [];
for (let round = 2; round < Number(values.calls) + 2; round++) samples.push(await call(round));
const { p50, p95, p99 } = summarise(samples);
if (values.sql) for (const { text, ms } of statements) console.log(`  ${ms.toFixed(1).padStart(6)} ms  ${text.replace(/\s+/g, ' ').trim().slice(0, 130)}`);
console.log(
  `recordObservations ×${pages.length}, ${samples.length} calls: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms; ${statements.length} round trips per call; load average ${os.loadavg()[0].toFixed(2)}`,
);
await disconnectPrisma();
await pool.end();
