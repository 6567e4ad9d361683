/**
 * Generates a complete synthetic bulk load (territories, sectors, organisations,
 * pages, observations) for one scale. Same seed + end date + scale → identical bytes.
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { calibrate } from './calibration.js';
import { catalogueSectors } from './catalogue.js';
import { CsvWriter } from './csv-writer.js';
import { parseIsoDate, todayUtc } from './dates.js';
import { writeOrganisationFiles } from './load-writer.js';
import { planOrganisations } from './organisations.js';
import { REFERENCE_REGION, SCALES, type Scale, type ScaleName } from './scales.js';
import { type GenerationSummary, SummaryTally } from './summary.js';
import { readTerritories, TerritoryTree } from './territories.js';

export const DEFAULT_SEED = 42;

export interface GenerateOptions {
  scale: ScaleName | Scale;
  outDir: string;
  territoriesPath: string;
  sectorsPath: string;
  seed?: number;
  /** YYYY-MM-DD; defaults to today (UTC). */
  endDate?: string;
}

export async function generateLoad(options: GenerateOptions): Promise<GenerationSummary> {
  const started = performance.now();
  const scale = typeof options.scale === 'string' ? SCALES[options.scale] : options.scale;
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed)) throw new Error(`Seed must be an integer, got ${seed}`);
  const endDate = options.endDate ?? todayUtc();
  const endDay = parseIsoDate(endDate);

  const fullTree = new TerritoryTree(readTerritories(options.territoriesPath));
  const tree = scale.regions ? fullTree.subset(pickRegions(fullTree, scale.regions)) : fullTree;
  const sectorRows = await readSectorCodes(options.sectorsPath);

  await mkdir(options.outDir, { recursive: true });
  if (scale.regions) await writeTerritories(tree, join(options.outDir, 'territories.csv'));
  else await copyFile(options.territoriesPath, join(options.outDir, 'territories.csv'));
  await copyFile(options.sectorsPath, join(options.outDir, 'sectors.csv'));

  const plan = () => planOrganisations({ tree, scale, seed });
  const calibration = calibrate(plan, scale);
  const tally = new SummaryTally();
  const rows = await writeOrganisationFiles(plan(), { outDir: options.outDir, seed, endDay, scale, calibration, tally });

  const reference = tree.get(REFERENCE_REGION);
  return {
    scale: scale.name,
    seed,
    endDate,
    outDir: options.outDir,
    rows: { 'territories.csv': tree.territories.length, 'sectors.csv': sectorRows, ...rows },
    reference: reference
      ? {
          code: reference.code,
          name: reference.name,
          organisations: tally.referenceOrganisations,
          subscribers: tally.referenceSubscribers,
        }
      : null,
    totalSubscribers: tally.totalSubscribers,
    organisationsBySector: tally.sectorsLargestFirst(),
    pagesByPlatform: tally.byPlatform,
    calibration,
    elapsedMs: performance.now() - started,
  };
}

/** The wanted regions that exist, topped up with the first other regions to the same count. */
function pickRegions(tree: TerritoryTree, wanted: readonly string[]): string[] {
  const regions = tree.regions().map((r) => r.code);
  const picked = wanted.filter((code) => regions.includes(code));
  for (const code of regions) {
    if (picked.length >= wanted.length) break;
    if (!picked.includes(code)) picked.push(code);
  }
  if (picked.length === 0) throw new Error('The territory file has no REGION rows');
  return picked;
}

/** Reads sectors.csv and checks every sector the catalogue uses is there; returns the row count. */
async function readSectorCodes(path: string): Promise<number> {
  const rows = parse(await readFile(path), { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
  const codes = new Set(rows.map((row) => row.code));
  const missing = [...catalogueSectors()].filter((code) => !codes.has(code));
  if (missing.length > 0) throw new Error(`${path} lacks sector codes: ${missing.join(', ')}`);
  return rows.length;
}

async function writeTerritories(tree: TerritoryTree, path: string): Promise<void> {
  const writer = CsvWriter.open(path, ['code', 'parent_code', 'level', 'name']);
  for (const t of tree.territories) await writer.write([t.code, t.parentCode, t.level, t.name]);
  await writer.close();
}
