import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { isScaleName } from '../../src/modules/generate/index.js';
import { ensureDataset } from './dataset.js';
import { liveBench, liveMarkdown } from './live.js';
import { runImport, startServer, tail } from './processes.js';

const benchDir = fileURLToPath(new URL('..', import.meta.url));
const root = path.resolve(benchDir, '..');
const workDir = path.join(benchDir, '.work');

function log(message: string): void {
  process.stderr.write(`[bench:live ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** A fresh database on the server at `db` (dropped and created), its URL. */
async function freshDatabase(db: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: db });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(db);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function runLiveBench(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
      scale: { type: 'string', default: 'tiny' },
      subscriptions: { type: 'string', default: '2000' },
      loads: { type: 'string', default: '10' },
      seed: { type: 'string', default: '42' },
    },
    strict: true,
  });
  const scale = values.scale!;
  if (!isScaleName(scale)) throw new Error(`--scale must be a generator scale, got "${scale}"`);
  await import('../../src/db/database.js'); // DATE columns as strings, as in the application
  fs.mkdirSync(workDir, { recursive: true });
  const endDate = new Date().toISOString().slice(0, 10);
  const seed = Number(values.seed);
  const dataset = await ensureDataset(root, path.join(workDir, scale), scale, seed, endDate);
  const url = await freshDatabase(values.db!, `gospubliki_bench_live_${scale}`);
  log(`loading ${dataset.folder}…`);
  await runImport(root, dataset.folder, { DATABASE_URL: url }, 'import');
  const serverLog = path.join(workDir, 'live-server.log');
  // One client address opens every stream: the per-address stream limit is lifted for the bench.
  const server = await startServer(root, { DATABASE_URL: url, LIVE_MAX_STREAMS_PER_ADDRESS: '100000' }, serverLog);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  try {
    log(`server on port ${server.port}; opening ${values.subscriptions} subscriptions…`);
    const result = await liveBench({
      endpoint: server.endpoint,
      pool,
      serverPid: server.pid,
      workDir,
      endDate: dataset.endDate,
      seed,
      subscriptions: Number(values.subscriptions),
      loads: Number(values.loads),
    });
    const name = `${endDate}-live`;
    const markdown = `# Live figures (${scale} dataset, ${new Date().toISOString()})\n\n${liveMarkdown(result)}`;
    fs.writeFileSync(path.join(benchDir, 'results', `${name}.md`), markdown);
    fs.writeFileSync(path.join(benchDir, 'results', `${name}.json`), `${JSON.stringify({ scale, ...result }, null, 2)}\n`);
    console.log(markdown);
    return result.unexpected === 0 && result.events > 0 ? 0 : 1;
  } finally {
    await pool.end();
    const code = await server.stop();
    if (code !== 0) log(`the server exited with ${code}; its log:\n${tail(serverLog)}`);
  }
}
