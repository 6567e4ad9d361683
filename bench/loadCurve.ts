/**
 * `npm run bench:load-curve`: the first load's time at 1/4, 1/2 and the whole of a dataset
 * (issue 12: a straight line, not a bend). The fractions keep every territory and sector, every
 * 4th (every 2nd) organisation, those organisations' pages and those pages' observations, so
 * each is a smaller country of the same shape. Each is loaded through `importFolder` into a fresh
 * embedded PostgreSQL, with the machine's load average before and after. Writes
 * bench/results/<date>-load-curve.md. `--scale` (default russia) picks the generator's scale.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embeddedPostgres.js';
import { migrate } from '../src/db/migrate.js';
import { isScaleName } from '../src/modules/generate/index.js';
import { importFolder } from '../src/modules/loads/pipeline/runLoad.js';
import { ensureDataset } from './lib/dataset.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchDir = path.join(root, 'bench');
const log = (message: string) => console.log(`[load-curve ${new Date().toISOString().slice(11, 19)}] ${message}`);

/** One fraction's load. */
interface Point {
  fraction: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  loadBefore: number;
  loadAfter: number;
}

/**
 * Writes the fraction `1/every` of `source` into `target`: every `every`-th organisation, its
 * pages and their observations; territories and sectors whole. Returns the data rows written.
 */
async function writeFraction(source: string, target: string, every: number): Promise<number> {
  await fs.mkdir(target, { recursive: true });
  let rows = 0;
  for (const file of ['territories.csv', 'sectors.csv']) {
    await fs.copyFile(path.join(source, file), path.join(target, file));
    rows += (await fs.readFile(path.join(source, file), 'utf8')).trimEnd().split('\n').length - 1;
  }
  const organisations = new Set<string>();
  const pages = new Set<string>();
  // Each file's records as their raw text, kept or dropped by `keep` (the header always kept).
  const filter = async (file: string, keep: (record: string[], index: number) => boolean) => {
    const out = createWriteStream(path.join(target, file));
    let index = -1;
    for await (const { record, raw } of createReadStream(path.join(source, file)).pipe(parse({ raw: true, bom: true })) as AsyncIterable<{
      record: string[];
      raw: string;
    }>) {
      const header = index === -1;
      if (header || keep(record, index)) {
        if (!out.write(raw.endsWith('\n') ? raw : `${raw}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
        if (!header) rows++;
      }
      index++;
    }
    out.end();
    await finished(out);
  };
  await filter('organisations.csv', (record, index) => {
    if (index % every !== 0) return false;
    organisations.add(record[0]);
    return true;
  });
  // pages.csv: platform, external_id, organisation_external_id, …
  await filter('pages.csv', (record) => {
    if (!organisations.has(record[2])) return false;
    pages.add(`${record[0]} ${record[1]}`);
    return true;
  });
  // observations.csv: platform, external_id, …
  await filter('observations.csv', (record) => pages.has(`${record[0]} ${record[1]}`));
  return rows;
}

/** Loads `folder` into a fresh embedded PostgreSQL and times the import. */
async function loadFresh(folder: string, workDir: string): Promise<number> {
  const dataDir = path.join(workDir, 'pg');
  await fs.rm(dataDir, { recursive: true, force: true });
  const server = await startEmbeddedPostgres(dataDir);
  try {
    const admin = new pg.Client({ connectionString: server.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE gospubliki_curve');
    await admin.end();
    const url = server.url().replace(/\/[^/]*$/, '/gospubliki_curve');
    await migrate(url);
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      const result = await importFolder(pool, folder);
      if (!result.ok) throw new Error(`the fraction did not load: ${JSON.stringify(result.errors.slice(0, 3))}`);
      return result.elapsedMs / 1000;
    } finally {
      await pool.end();
    }
  } finally {
    await server.release();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const scaleArg = process.argv.indexOf('--scale');
  const scale = scaleArg > 0 ? process.argv[scaleArg + 1] : 'russia';
  if (!isScaleName(scale)) throw new Error(`--scale must be a generator scale, got "${scale}"`);
  const endDate = new Date().toISOString().slice(0, 10);
  const workDir = path.join(benchDir, '.work', `${scale}-curve`);
  log(`dataset: scale ${scale}, seed 42, end date ${endDate}`);
  const dataset = await ensureDataset(root, path.join(benchDir, '.work', scale), scale, 42, endDate);
  const points: Point[] = [];
  for (const every of [4, 2, 1]) {
    const fraction = every === 1 ? '1' : `1/${every}`;
    const folder = every === 1 ? dataset.folder : path.join(workDir, `1-${every}`);
    const rows = every === 1 ? Object.values(dataset.rows).reduce((a, b) => a + b, 0) : await writeFraction(dataset.folder, folder, every);
    const loadBefore = os.loadavg()[0];
    log(`loading ${fraction} (${rows.toLocaleString('en')} rows), load average ${loadBefore.toFixed(2)}`);
    const seconds = await loadFresh(folder, workDir);
    const point = { fraction, rows, seconds, rowsPerSecond: Math.round(rows / seconds), loadBefore, loadAfter: os.loadavg()[0] };
    log(`${fraction}: ${seconds.toFixed(1)} s, ${point.rowsPerSecond.toLocaleString('en')} rows/s`);
    points.push(point);
  }
  await fs.rm(workDir, { recursive: true, force: true });
  const whole = points.at(-1)!;
  const lines = [
    `# First-load curve, ${endDate}`,
    '',
    `Produced by \`npm run bench:load-curve\` (bench/loadCurve.ts): dataset \`${scale}\` (seed 42), each fraction loaded through \`importFolder\` into a fresh embedded PostgreSQL on this ${os.cpus().length}-core machine. A fraction keeps every territory and sector, every 4th (2nd) organisation, their pages and those pages' observations.`,
    '',
    '| fraction | rows | load s | rows/s | s per million rows | load average before / after |',
    '|---|--:|--:|--:|--:|--:|',
    ...points.map(
      (p) =>
        `| ${p.fraction} | ${p.rows.toLocaleString('en')} | ${p.seconds.toFixed(1)} | ${p.rowsPerSecond.toLocaleString('en')} | ${((p.seconds / p.rows) * 1e6).toFixed(1)} | ${p.loadBefore.toFixed(2)} / ${p.loadAfter.toFixed(2)} |`,
    ),
    '',
    `Linearity: the whole took ${(whole.seconds / points[0].seconds).toFixed(2)}× the quarter's time for ${(whole.rows / points[0].rows).toFixed(2)}× its rows, and ${(whole.seconds / points[1].seconds).toFixed(2)}× the half's for ${(whole.rows / points[1].rows).toFixed(2)}× its rows (the territories, 18,281 rows, are in every fraction).`,
    '',
  ];
  const file = path.join(benchDir, 'results', `${endDate}-load-curve.md`);
  await fs.writeFile(file, lines.join('\n'));
  console.log(lines.join('\n'));
  log(`wrote ${path.relative(root, file)}`);
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
