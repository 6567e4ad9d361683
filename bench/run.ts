/**
 * `npm run bench [-- --scale small|russia] [--db <url>] [--duration <s>] [--compare <old results>]`:
 * the benchmark suite (see bench/README.md). The entry only sets the bench's log level before
 * the project's modules (and their logger) load, then hands over to bench/lib/main.ts.
 */
process.env.LOG_LEVEL ??= 'warn';

const { main } = await import('./lib/main.js');

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
