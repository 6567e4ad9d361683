import { setMaxListeners } from 'node:events';
import path from 'node:path';
import type pg from 'pg';
import { importFolder } from '../../src/modules/loads/pipeline/runLoad.js';
import { sleep } from '../../src/util/os.js';
import { writeBatch } from './dataset.js';
import { round, rssBytes } from './procstat.js';

/** What the live-figures measurement found. */
export interface LiveResult {
  subscriptions: number;
  /** Distinct (territory, platforms) groups among them. */
  groups: number;
  loads: number;
  /** Events received over all loads. */
  events: number;
  /** Events that were not the load's (a second event for one load, or an older version). */
  unexpected: number;
  /** From the commit (data_version.committed_at) to the event's arrival at the client, ms. */
  latencyMs: { p50: number; p99: number; max: number };
  /** The server's resident memory before the streams opened, and with all of them open (MB). */
  rssMb: { before: number | undefined; open: number | undefined };
  /** How long opening every stream took (s). */
  openSeconds: number;
}

export interface LiveOptions {
  endpoint: string;
  pool: pg.Pool;
  serverPid: number;
  workDir: string;
  endDate: string;
  seed: number;
  subscriptions?: number;
  loads?: number;
  /** Observations per load. */
  batch?: number;
}

const LIVE = `subscription BenchLive($territory: String!, $platforms: [String!]) {
  figuresChanged(territory: $territory, platforms: $platforms) { dataVersion stats { subscribers pages organisationsWithPages byPlatform { subscribers } } }
}`;

interface Arrival {
  version: number;
  at: number;
}

/** One SSE subscription: the arrival time and data version of each event it gets. */
async function openStream(endpoint: string, variables: Record<string, unknown>, arrivals: Arrival[], signal: AbortSignal): Promise<void> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query: LIVE, variables }),
    signal,
  });
  if (response.status !== 200 || !response.body) throw new Error(`a subscription was answered ${response.status}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const at = Date.now();
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const data = /^data: (.+)$/m.exec(buffer.slice(0, end))?.[1];
          buffer = buffer.slice(end + 2);
          const event = data ? (JSON.parse(data) as { data?: { figuresChanged: { dataVersion: number } } }) : undefined;
          if (event?.data) arrivals.push({ version: event.data.figuresChanged.dataVersion, at });
        }
      }
    } catch {
      // aborted at the end
    }
  })();
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Commit-to-event latency of `figuresChanged` with many open SSE subscriptions on one server
 * process: `subscriptions` streams over the shallowest territories (half of them filtered to VK),
 * then `loads` loads of `batch` observations each (the write mix's kind of file); each event's
 * arrival is compared with its load's commit time (data_version.committed_at, the same clock).
 */
export async function liveBench(options: LiveOptions): Promise<LiveResult> {
  const count = options.subscriptions ?? 2000;
  const loads = options.loads ?? 10;
  const { rows } = await options.pool.query<{ code: string }>('SELECT code FROM territory ORDER BY depth, code LIMIT 100');
  const controller = new AbortController();
  setMaxListeners(count + 10, controller.signal); // one listener per stream
  const arrivals: Arrival[][] = [];
  const groups = new Set<string>();
  const before = rssBytes(options.serverPid);
  const opening = performance.now();
  try {
    for (let i = 0; i < count; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, count - i) }, (_, j) => {
          const index = i + j;
          const variables = { territory: rows[index % rows.length].code, platforms: Math.floor(index / rows.length) % 2 ? ['VK'] : null };
          groups.add(JSON.stringify(variables));
          const mine: Arrival[] = [];
          arrivals.push(mine);
          return openStream(options.endpoint, variables, mine, controller.signal);
        }),
      );
    }
    const openSeconds = round((performance.now() - opening) / 1000, 2);
    await sleep(3000); // every group's baseline read
    const open = rssBytes(options.serverPid);
    const latencies: number[] = [];
    let unexpected = 0;
    for (let load = 0; load < loads; load++) {
      const folder = path.join(options.workDir, `live-batch-${load}`);
      await writeBatch(options.pool, folder, options.batch ?? 200, options.endDate, options.seed + 1000 + load);
      const result = await importFolder(options.pool, folder);
      if (!result.ok) throw new Error(`a live-bench load failed: ${JSON.stringify(result.errors).slice(0, 500)}`);
      const { rows: version } = await options.pool.query<{ version: string; at: Date }>('SELECT version, committed_at AS at FROM data_version WHERE id = 1');
      const committed = version[0].at.getTime();
      await sleep(2000);
      for (const stream of arrivals) {
        const events = stream.splice(0);
        const mine = events.filter((event) => event.version === Number(version[0].version));
        unexpected += events.length - Math.min(mine.length, 1);
        if (mine[0]) latencies.push(mine[0].at - committed);
      }
    }
    latencies.sort((a, b) => a - b);
    const mb = (bytes: number | undefined) => (bytes === undefined ? undefined : round(bytes / 1048576, 1));
    return {
      subscriptions: count,
      groups: groups.size,
      loads,
      events: latencies.length,
      unexpected,
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? Number.NaN },
      rssMb: { before: mb(before), open: mb(open) },
      openSeconds,
    };
  } finally {
    controller.abort();
  }
}

/** The measurement as a Markdown section. */
export function liveMarkdown(result: LiveResult): string {
  return [
    '## Live figures: commit to event',
    '',
    `${result.subscriptions} open SSE subscriptions of \`figuresChanged\` on one server process (${result.groups} distinct territory and filter groups, opened in ${result.openSeconds} s), then ${result.loads} loads of observations; the latency runs from the load's commit (\`data_version.committed_at\`) to the event's arrival at the client.`,
    '',
    '| events | p50 (ms) | p99 (ms) | max (ms) | unexpected events | server RSS before (MB) | server RSS with the streams open (MB) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${result.events} | ${result.latencyMs.p50} | ${result.latencyMs.p99} | ${result.latencyMs.max} | ${result.unexpected} | ${result.rssMb.before ?? '—'} | ${result.rssMb.open ?? '—'} |`,
    '',
  ].join('\n');
}
