import type pg from 'pg';
import { summarise } from './load.js';

/** One export measured: sequential downloads of the whole file, timed to its last byte. */
export interface ExportRun {
  path: string;
  downloads: number;
  p50: number;
  max: number;
  bytes: number;
  /** Data rows of a CSV (lines after the header); null for XLSX. */
  rows: number | null;
}

export interface ExportsResult {
  region: { code: string; name: string; organisations: number };
  runs: ExportRun[];
}

/** The region with the most organisations (the largest export of organisations). */
async function largestRegion(pool: pg.Pool): Promise<ExportsResult['region']> {
  const { rows } = await pool.query<{ code: string; name: string; organisations: number }>(
    `SELECT t.code, t.name, sum(r.organisations)::int AS organisations
       FROM territory t JOIN territory_organisation_rollup r ON r.territory_id = t.id
      WHERE t.level = 'REGION' GROUP BY t.code, t.name ORDER BY 3 DESC, 1 LIMIT 1`,
  );
  if (!rows[0]) throw new Error('no region in the database');
  return rows[0];
}

async function download(url: string): Promise<{ ms: number; bytes: number; body: Buffer }> {
  const started = performance.now();
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
  const body = Buffer.from(await response.arrayBuffer());
  return { ms: performance.now() - started, bytes: body.length, body };
}

/**
 * The spreadsheet exports of the largest region (issue 20): children and organisations, CSV and
 * XLSX, each downloaded once to warm up and then `downloads` times one after another.
 */
export async function exportsBench(endpoint: string, pool: pg.Pool, to: string, downloads: number, log: (line: string) => void): Promise<ExportsResult> {
  const region = await largestRegion(pool);
  const origin = new URL(endpoint).origin;
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - 89 * 86_400_000).toISOString().slice(0, 10);
  const base = `/v1/exports/territories/${region.code}`;
  const paths = [
    `${base}/children.csv?required=VK,OK&from=${from}&to=${to}`,
    `${base}/children.xlsx?required=VK,OK&from=${from}&to=${to}`,
    `${base}/organisations.csv`,
    `${base}/organisations.xlsx`,
    `${base}/organisations.csv?missingPlatforms=VK,OK`,
  ];
  const runs: ExportRun[] = [];
  for (const path of paths) {
    await download(origin + path);
    const samples: number[] = [];
    let last: { bytes: number; body: Buffer } = { bytes: 0, body: Buffer.alloc(0) };
    for (let i = 0; i < downloads; i++) {
      const got = await download(origin + path);
      samples.push(got.ms);
      last = got;
    }
    const rows = path.includes('.csv') ? last.body.toString('utf8').split('\r\n').filter(Boolean).length - 1 : null;
    const { p50, max } = summarise(samples);
    runs.push({ path, downloads, p50, max, bytes: last.bytes, rows });
    log(`export ${path}: p50 ${p50.toFixed(1)} ms, ${last.bytes} bytes${rows === null ? '' : `, ${rows} rows`}`);
  }
  return { region, runs };
}

/** The Markdown table of the exports. */
export function exportsMarkdown(result: ExportsResult): string {
  return [
    `Largest region by organisations: ${result.region.name} (${result.region.code}, ${result.region.organisations.toLocaleString('en-US')} organisations). Each file downloaded whole, one download after another (after one warm-up download).`,
    '',
    '| export | downloads | p50 ms | max ms | bytes | rows |',
    '|---|--:|--:|--:|--:|--:|',
    ...result.runs.map(
      (r) => `| \`${r.path}\` | ${r.downloads} | ${r.p50.toFixed(1)} | ${r.max.toFixed(1)} | ${r.bytes.toLocaleString('en-US')} | ${r.rows ?? '—'} |`,
    ),
  ].join('\n');
}
