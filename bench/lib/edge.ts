import { type GraphQLRequest, measure, type RunStats, startLoad, summarise } from './load.js';
import { round } from './procstat.js';

/**
 * The public edge under load (issue 10): Q1–Q4 cold (POST: never cached, every request executes)
 * and warm (GET: served by the response cache) at concurrency 32; then Q1–Q4 read together with
 * and without a stream of hostile queries (refused by the limits) at 8 req/s beside them.
 */
export interface EdgeResult {
  concurrency: number;
  operations: { id: string; cold: RunStats; warm: RunStats; warmOverCold: number }[];
  hostile: {
    perSecond: number;
    sent: number;
    refused: number;
    /** Median answer time of the refused queries, ms. */
    refusedP50: number;
    reads: { id: string; p99Without: number; p99With: number; rise: number }[];
  };
}

/** The refused queries: a cost bomb of aliased nested lists (the issue's 48-second request), depth, aliases, tokens, fragments. */
export const HOSTILE: string[] = [
  `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: organisations(first: 100) { nodes { name pages { url history(from: "2025-01-01", to: "2025-12-31") { subscribers } } } }`).join(' ')} }`,
  `{ territory(code: "RU") { ${'children(first: 100) { nodes { '.repeat(8)}code${' } }'.repeat(8)} } }`,
  `{ ${Array.from({ length: 200 }, (_, i) => `p${i}: platforms { code }`).join(' ')} }`,
  `{ platforms { ${'code '.repeat(5000)} } }`,
  `fragment A on Territory { children(first: 100) { nodes { ...B } } } fragment B on Territory { children(first: 100) { nodes { code organisations(first: 100) { nodes { name } } } } } { territories(first: 100) { nodes { ...A } } }`,
];

export async function edgeBench(
  endpoint: string,
  requests: Map<string, GraphQLRequest>,
  seconds: number,
  pids: { server?: number; postmaster?: number },
  log: (message: string) => void,
): Promise<EdgeResult> {
  const ids = ['Q1', 'Q2', 'Q3', 'Q4'].filter((id) => requests.has(id));
  const concurrency = 32;
  const operations: EdgeResult['operations'] = [];
  for (const id of ids) {
    const request = requests.get(id)!;
    const cold = await measure(endpoint, request, concurrency, seconds, pids);
    await startLoad(endpoint, request, 1, 0.2, { get: true }).done; // fill the cache
    const warm = await measure(endpoint, request, concurrency, seconds, pids, { get: true });
    const warmOverCold = round(warm.requestsPerSecond / cold.requestsPerSecond, 1);
    operations.push({ id, cold, warm, warmOverCold });
    log(
      `edge ${id} c=${concurrency}: cold p50 ${cold.p50} p99 ${cold.p99} ms ${cold.requestsPerSecond} req/s; warm p50 ${warm.p50} p99 ${warm.p99} ms ${warm.requestsPerSecond} req/s (${warmOverCold}×)${cold.errors + warm.errors ? ` ${cold.errors + warm.errors} ERRORS` : ''}`,
    );
  }

  // Q1–Q4 together (2 connections each, cold), without and then with the hostile stream.
  const mixSeconds = Math.max(seconds, 5); // enough hostile queries to matter
  const mix = async () => {
    const loads = ids.map((id) => startLoad(endpoint, requests.get(id)!, 2, mixSeconds));
    return Promise.all(loads.map((load) => load.done));
  };
  const without = await mix();
  const perSecond = 8;
  let sent = 0;
  let refused = 0;
  const refusedMs: number[] = [];
  const inFlight: Promise<void>[] = [];
  const timer = setInterval(() => {
    const query = HOSTILE[sent % HOSTILE.length];
    sent++;
    const started = performance.now();
    inFlight.push(
      fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })
        .then((response) => response.text())
        .then((text) => {
          if (text.includes('QUERY_TOO_COMPLEX')) refused++;
          refusedMs.push(performance.now() - started);
        })
        .catch(() => undefined),
    );
  }, 1000 / perSecond);
  const withHostile = await mix().finally(() => clearInterval(timer));
  await Promise.all(inFlight);
  const reads = ids.map((id, i) => {
    const p99Without = summarise(without[i].samples).p99;
    const p99With = summarise(withHostile[i].samples).p99;
    return { id, p99Without, p99With, rise: round(p99With / p99Without - 1, 3) };
  });
  log(
    `edge hostile mix: ${sent} hostile queries at ${perSecond}/s, ${refused} refused (p50 ${summarise(refusedMs).p50} ms); p99 ${reads.map((r) => `${r.id} ${r.p99Without}→${r.p99With} ms (${(100 * r.rise).toFixed(1)}%)`).join(', ')}`,
  );
  return { concurrency, operations, hostile: { perSecond, sent, refused, refusedP50: summarise(refusedMs).p50, reads } };
}

export function edgeMarkdown(edge: EdgeResult): string {
  const lines = [
    '## The public edge (issue 10)',
    '',
    `Q1–Q4 at concurrency ${edge.concurrency}: **cold** = POST (never cached: every request executes), **warm** = the same request as GET, served by the server-side response cache.`,
    '',
    '| op | cold p50 ms | cold p99 ms | cold req/s | warm p50 ms | warm p99 ms | warm req/s | warm/cold |',
    '| --- | --: | --: | --: | --: | --: | --: | --: |',
    ...edge.operations.map(
      (o) =>
        `| ${o.id} | ${o.cold.p50} | ${o.cold.p99} | ${o.cold.requestsPerSecond} | ${o.warm.p50} | ${o.warm.p99} | ${o.warm.requestsPerSecond} | ${o.warmOverCold}× |`,
    ),
    '',
    `Hostile mix: Q1–Q4 read together (2 connections each, cold) without and then with ${edge.hostile.perSecond} refused queries per second beside them (${edge.hostile.sent} sent, ${edge.hostile.refused} refused with QUERY_TOO_COMPLEX, answered in ${edge.hostile.refusedP50} ms at the median).`,
    '',
    '| op | p99 without ms | p99 with ms | rise |',
    '| --- | --: | --: | --: |',
    ...edge.hostile.reads.map((r) => `| ${r.id} | ${r.p99Without} | ${r.p99With} | ${(100 * r.rise).toFixed(1)}% |`),
    '',
  ];
  return lines.join('\n');
}
