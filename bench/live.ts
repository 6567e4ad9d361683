/**
 * `npm run bench:live [-- --db <postgres url>] [--scale tiny|small] [--subscriptions 2000] [--loads 10]`:
 * the live-figures measurement alone (commit-to-event latency with many open SSE subscriptions on
 * one server process, and the process's memory); `npm run bench` runs the same after its operations.
 * Writes bench/results/<date>-live.md and .json.
 */
process.env.LOG_LEVEL ??= 'warn';

const { runLiveBench } = await import('./lib/liveMain.js');

runLiveBench(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:live failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
