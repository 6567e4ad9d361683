import fs from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { formatIsoDate, parseIsoDate } from '../../src/modules/generate/dates.js';
import { DEFAULT_SEED, generateLoad, SCALES, type ScaleName, withHistoryDays } from '../../src/modules/generate/index.js';
import { Random } from '../../src/modules/generate/random.js';

/** The generated load of a run, reused while its scale, seed and end date stay the same. */
export interface Dataset {
  scale: ScaleName;
  seed: number;
  endDate: string;
  folder: string;
  /** Data rows per file. */
  rows: Record<string, number>;
  /** Generation time in ms (of the run that generated it). */
  generationMs: number;
  /** False when an earlier run's files were reused. */
  generated: boolean;
  /** Days of daily observations (`--history-days`), instead of the scale's own schedule; absent: the scale's. */
  historyDays?: number;
}

/** Bumped when the way the bench calls the generator changes, so old folders are regenerated. */
const MARKER_VERSION = 1;

/**
 * Generates the load for `scale` with the project's generator into `folder` (the bulk format the
 * import command reads), or reuses the folder when its marker says the same scale, seed and end
 * date made it. With `historyDays`, one observation per page on each of that many days up to the
 * end date (`npm run bench -- --history-days N`).
 */
export async function ensureDataset(
  root: string,
  folder: string,
  scale: ScaleName,
  seed = DEFAULT_SEED,
  endDate: string,
  historyDays?: number,
): Promise<Dataset> {
  const markerFile = path.join(folder, 'dataset.json');
  const marker = await fs
    .readFile(markerFile, 'utf8')
    .then((text) => JSON.parse(text) as Omit<Dataset, 'generated' | 'folder'> & { version: number })
    .catch(() => undefined);
  if (
    marker &&
    marker.version === MARKER_VERSION &&
    marker.scale === scale &&
    marker.seed === seed &&
    marker.endDate === endDate &&
    marker.historyDays === historyDays
  ) {
    return { scale, seed, endDate, folder, rows: marker.rows, generationMs: marker.generationMs, generated: false, historyDays };
  }
  await fs.rm(folder, { recursive: true, force: true });
  const summary = await generateLoad({
    scale: historyDays ? withHistoryDays(SCALES[scale], historyDays) : scale,
    outDir: folder,
    seed,
    endDate,
    territoriesPath: path.join(root, 'reference/territories.csv'),
    sectorsPath: path.join(root, 'reference/sectors.csv'),
  });
  const dataset = { scale, seed, endDate, rows: summary.rows, generationMs: Math.round(summary.elapsedMs), historyDays };
  await fs.writeFile(markerFile, `${JSON.stringify({ version: MARKER_VERSION, ...dataset }, null, 2)}\n`);
  return { ...dataset, folder, generated: true };
}

/** What the write-mix batch holds. */
export interface WriteBatch {
  folder: string;
  rows: number;
  /** Rows for a (page, day) the database already has an observation for, with another count. */
  corrections: number;
  /** Rows for a day the page had no observation on (most of them older than its latest: out of order). */
  newDays: number;
  pages: number;
}

/**
 * Writes the write mix's batch: `size` observations (`observations.csv` alone) for existing pages,
 * on random days of the 90 days ending `endDate`, each with a count that differs from the page's
 * current one by a few per cent. About a fifth correct an existing (page, day); the rest add a day,
 * mostly before the page's latest observation (late, out of order). Seeded: the same database and
 * seed give the same file.
 */
export async function writeBatch(pool: pg.Pool, folder: string, size: number, endDate: string, seed: number): Promise<WriteBatch> {
  const { rows: pages } = await pool.query<{ id: number; platform: string; external_id: string; subscribers: number | null }>(
    `SELECT p.id, f.code AS platform, p.external_id, p.subscribers FROM page p JOIN platform f ON f.id = p.platform_id ORDER BY p.id`,
  );
  if (pages.length === 0) throw new Error('the database has no pages to write observations for');
  const random = new Random(seed ^ 0x5eed);
  const end = parseIsoDate(endDate);
  const taken = new Set<string>();
  const lines: string[] = [];
  const touched = new Set<number>();
  let corrections = 0;

  // Corrections: existing observations of random pages, counted again with another value.
  const correctionTarget = Math.round(size / 5);
  const sample = new Set<number>();
  while (sample.size < Math.min(correctionTarget, pages.length)) sample.add(pages[random.int(0, pages.length - 1)].id);
  const { rows: existing } = await pool.query<{ page_id: number; observed_on: string; subscribers: number }>(
    `SELECT DISTINCT ON (page_id) page_id, observed_on::text, subscribers FROM observation
      WHERE page_id = ANY($1::int[]) ORDER BY page_id, observed_on`,
    [[...sample]],
  );
  const byId = new Map(pages.map((page) => [page.id, page]));
  for (const row of existing) {
    const page = byId.get(row.page_id)!;
    const key = `${row.page_id}|${row.observed_on}`;
    taken.add(key);
    touched.add(row.page_id);
    lines.push(line(page.platform, page.external_id, changed(row.subscribers, random), row.observed_on));
    corrections++;
  }

  // New days: random pages on random days of the window (a day already observed becomes a correction).
  while (lines.length < size) {
    const page = pages[random.int(0, pages.length - 1)];
    const day = formatIsoDate(end - random.int(0, 89));
    const key = `${page.id}|${day}`;
    if (taken.has(key)) continue;
    taken.add(key);
    touched.add(page.id);
    lines.push(line(page.platform, page.external_id, changed(page.subscribers ?? 100, random), day));
  }
  const { rows: overlap } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM observation o JOIN unnest($1::int[], $2::date[]) AS k(page_id, day)
        ON o.page_id = k.page_id AND o.observed_on = k.day`,
    [[...taken].map((key) => Number(key.split('|')[0])), [...taken].map((key) => key.split('|')[1])],
  );
  corrections = overlap[0].n;

  await fs.rm(folder, { recursive: true, force: true });
  await fs.mkdir(folder, { recursive: true });
  await fs.writeFile(path.join(folder, 'observations.csv'), `platform,external_id,subscribers,observed_on\n${lines.join('\n')}\n`);
  return { folder, rows: lines.length, corrections, newDays: lines.length - corrections, pages: touched.size };
}

/** A count a few per cent away from `value`, never equal to it. */
function changed(value: number, random: Random): number {
  const next = Math.max(0, Math.round(value * (0.97 + 0.06 * random.next())));
  return next === value ? value + 1 : next;
}

function line(platform: string, externalId: string, subscribers: number, day: string): string {
  const quote = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  return [platform, quote(externalId), subscribers, day].join(',');
}
