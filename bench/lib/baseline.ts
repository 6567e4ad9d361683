import pg from 'pg';
import { type RunStats, toStats } from './load.js';
import { ProcessMonitor } from './procstat.js';

/** One row of q8-baseline.sql. */
export interface BaselineRow {
  dim: 'total' | 'platform' | 'sector';
  key: string | null;
  subscribers: string;
  pages: number;
  organisations: number;
  organisations_with_pages: number;
}

/**
 * Times the on-read baseline: the SQL of q8-baseline.sql on one dedicated connection, one
 * execution after another (concurrency 1), for at least `seconds` and at least `minIterations`
 * executions (at most `maxIterations`), after one untimed execution that warms the cache and
 * returns the answer. Latency is the client-side round trip of the statement: no HTTP, no
 * GraphQL parsing or serialisation, which favours the baseline.
 */
export async function measureBaseline(
  url: string,
  sql: string,
  rootCode: string,
  options: { seconds: number; minIterations: number; maxIterations: number; postmaster?: number },
): Promise<{ stats: RunStats; answer: BaselineRow[]; plan: string }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: answer } = await client.query<BaselineRow>(sql, [rootCode]);
    const plan = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, [rootCode])).rows.map((row) => row['QUERY PLAN']).join('\n');
    const monitor = new ProcessMonitor(undefined, options.postmaster);
    const samples: number[] = [];
    const started = performance.now();
    while (samples.length < options.maxIterations) {
      const elapsed = (performance.now() - started) / 1000;
      if (elapsed >= options.seconds && samples.length >= options.minIterations) break;
      const t0 = performance.now();
      await client.query(sql, [rootCode]);
      samples.push(performance.now() - t0);
    }
    const seconds = (performance.now() - started) / 1000;
    return { stats: toStats(samples, 0, seconds, 1, monitor.finish()), answer, plan };
  } finally {
    await client.end();
  }
}

/** Root figures as Q1 returns them (subscriber sums may come as numbers or decimal strings). */
export interface Q1Stats {
  subscribers: number | string;
  pages: number;
  organisations: number;
  organisationsWithPages: number;
  byPlatform: { platform: { code: string }; subscribers: number | string; pages: number; organisations: number }[];
  bySector: { sector: { code: string }; subscribers: number | string; pages: number; organisations: number; organisationsWithPages: number }[];
}

/** Differences between the baseline's answer and Q1's (empty when they agree exactly). */
export function compareWithQ1(answer: BaselineRow[], q1: Q1Stats): string[] {
  const differences: string[] = [];
  const check = (what: string, baseline: unknown, api: unknown) => {
    if (String(baseline) !== String(api)) differences.push(`${what}: baseline ${baseline}, API ${api}`);
  };
  const total = answer.find((row) => row.dim === 'total');
  if (!total) return ['the baseline returned no total row'];
  check('subscribers', total.subscribers, q1.subscribers);
  check('pages', total.pages, q1.pages);
  check('organisations', total.organisations, q1.organisations);
  check('organisationsWithPages', total.organisations_with_pages, q1.organisationsWithPages);
  const platforms = answer.filter((row) => row.dim === 'platform');
  check('platforms with pages', platforms.length, q1.byPlatform.length);
  for (const row of platforms) {
    const api = q1.byPlatform.find((entry) => entry.platform.code === row.key);
    check(`${row.key} subscribers`, row.subscribers, api?.subscribers);
    check(`${row.key} pages`, row.pages, api?.pages);
    check(`${row.key} organisations`, row.organisations, api?.organisations);
  }
  const sectors = answer.filter((row) => row.dim === 'sector');
  check('sectors with organisations', sectors.length, q1.bySector.length);
  for (const row of sectors) {
    const api = q1.bySector.find((entry) => entry.sector.code === row.key);
    check(`${row.key} subscribers`, row.subscribers, api?.subscribers);
    check(`${row.key} pages`, row.pages, api?.pages);
    check(`${row.key} organisations`, row.organisations, api?.organisations);
    check(`${row.key} organisationsWithPages`, row.organisations_with_pages, api?.organisationsWithPages);
  }
  return differences;
}
