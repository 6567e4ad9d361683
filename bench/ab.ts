/**
 * A/B of two running servers (docs/performance.md, "How it was measured"): the same operations
 * driven at each server in turn, alternating A, B, A, B… in short runs, so that both see the same
 * background load of the shared machine. Prints, per operation and concurrency, every run's p50
 * and req/s and the median of each side, with the load average before and after.
 *
 *   tsx bench/ab.ts --a http://127.0.0.1:4101/graphql --b http://127.0.0.1:4102/graphql \
 *     --only Q1,Q4,Q9-30 --concurrency 1,32 --seconds 3 --rounds 3
 *
 * The servers are started by hand (e.g. two `git archive`s of the commits compared, each
 * `NODE_ENV=production RATE_LIMIT_POINTS=0 DATA_DIR=bench/.work/russia-pg npm start` on its own PORT).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type GraphQLRequest, post, startLoad, summarise } from './lib/load.js';

/** The operations, with the Russia-scale dataset's variables (bench/lib/operations.ts). */
const OPERATIONS: Record<string, { file: string; variables: Record<string, unknown> }> = {
  Q1: { file: 'q1-root-stats.graphql', variables: {} },
  Q2: { file: 'q2-region-stats.graphql', variables: { code: '17000000' } },
  Q3: { file: 'q3-settlement-stats.graphql', variables: { code: '17620434' } },
  Q4: { file: 'q4-region-dashboard.graphql', variables: { code: '17000000' } },
  Q9: { file: 'q9-region-children.graphql', variables: { code: '17000000' } },
  'Q9-11': { file: 'q9-region-children.graphql', variables: { code: '84000000' } },
  'Q9-30': { file: 'q9-region-children.graphql', variables: { code: '56000000' } },
  'Q9-100': { file: 'q9-region-children.graphql', variables: { code: '40000000' } },
};

const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string' },
    only: { type: 'string', default: 'Q1,Q4,Q9-30' },
    concurrency: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
  },
});
if (!values.a || !values.b)
  throw new Error('usage: tsx bench/ab.ts --a <endpoint> --b <endpoint> [--only Q1,Q4] [--concurrency 1,32] [--seconds 3] [--rounds 3]');
const sides = { A: values.a, B: values.b };
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const load = () => os.loadavg()[0]!.toFixed(2);
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

for (const id of values.only!.split(',')) {
  const operation = OPERATIONS[id];
  if (!operation) throw new Error(`unknown operation ${id}`);
  const request: GraphQLRequest = { query: fs.readFileSync(path.join(import.meta.dirname, 'queries', operation.file), 'utf8'), variables: operation.variables };
  for (const [, endpoint] of Object.entries(sides)) {
    // Both must answer the same, without errors.
    await post(endpoint, request);
    await startLoad(endpoint, request, 4, 2).done;
  }
  const [a, b] = await Promise.all([post(sides.A, request), post(sides.B, request)]);
  if (JSON.stringify(a.data) !== JSON.stringify(b.data)) console.log(`${id}: A and B answer differently!`);
  for (const concurrency of values.concurrency!.split(',').map(Number)) {
    const runs: Record<string, { p50: number; rps: number }[]> = { A: [], B: [] };
    const before = load();
    for (let round = 0; round < rounds; round++) {
      for (const [side, endpoint] of Object.entries(sides)) {
        const { samples, errors, seconds: wall } = await startLoad(endpoint, request, concurrency, seconds).done;
        if (errors) console.log(`${id} ${side}: ${errors} errors`);
        runs[side]!.push({ p50: summarise(samples).p50, rps: samples.length / wall });
      }
    }
    const line = (side: string) =>
      `${side} p50 ${median(runs[side]!.map((r) => r.p50)).toFixed(3)} ms [${runs[side]!.map((r) => r.p50.toFixed(2)).join(' ')}]  ${median(runs[side]!.map((r) => r.rps)).toFixed(0)} req/s [${runs[side]!.map((r) => r.rps.toFixed(0)).join(' ')}]`;
    console.log(`${id} c=${concurrency} (load ${before} → ${load()}): ${line('A')} | ${line('B')}`);
  }
}
