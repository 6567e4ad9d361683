/**
 * Builds the Gospubliki territory tree (RU → federal districts → regions →
 * municipal formations) from the 2019 municipal-formation list
 * (reference/oktmo/oktmo_mo_2019.csv) and the federal-subject table.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { canBeParentOf, type TerritoryLevelName } from '../territory/levels.js';
import { FEDERAL_DISTRICTS, FEDERATION, type FederalSubject, loadFederalSubjects } from './federalDistricts.js';

/** One node of the territory tree. */
export interface Territory {
  readonly code: string;
  /** null only for the federation root. */
  readonly parentCode: string | null;
  readonly level: TerritoryLevelName;
  readonly name: string;
}

/** One row of oktmo_mo_2019.csv (only the columns the tree needs). */
export interface MoListRow {
  readonly code: string;
  readonly name: string;
  readonly kind: string;
  readonly isGroup: boolean;
  readonly parentCode: string;
  /** false for stale rows whose parent district is no longer in the list. */
  readonly parentInList: boolean;
}

export const OKTMO_MO_2019_CSV = new URL('../../../reference/oktmo/oktmo_mo_2019.csv', import.meta.url);

/** Level of each municipal-formation `kind` of the 2019 list. */
export const MO_KIND_LEVELS: Readonly<Record<string, TerritoryLevelName>> = {
  municipal_district: 'MUNICIPAL_DISTRICT',
  urban_okrug: 'URBAN_OKRUG',
  municipal_okrug: 'MUNICIPAL_OKRUG',
  intracity_territory_federal_city: 'INTRACITY_TERRITORY',
  urban_settlement: 'URBAN_SETTLEMENT',
  rural_settlement: 'RURAL_SETTLEMENT',
  intracity_district: 'INTRACITY_DISTRICT',
  inter_settlement_territory: 'INTER_SETTLEMENT_TERRITORY',
};

const SUBJECT_KINDS = new Set(['subject', 'subject_autonomous_okrug']);

interface MoListCsvRow {
  code: string;
  name: string;
  kind: string;
  is_group: string;
  parent_code: string;
  parent_in_list: string;
}

/** Parses the text of oktmo_mo_2019.csv. */
export function parseMoList(csvText: string): MoListRow[] {
  const rows = parse(csvText, { columns: true, skip_empty_lines: true, bom: true }) as MoListCsvRow[];
  return rows.map((row) => ({
    code: row.code,
    name: row.name.trim(),
    kind: row.kind,
    isGroup: row.is_group === '1',
    parentCode: row.parent_code,
    parentInList: row.parent_in_list !== '0',
  }));
}

/** Result of building the tree: the nodes plus what was left out and why. */
export interface TreeBuildResult {
  /** Parents before children; RU, then federal districts, then OKTMO codes in code order. */
  readonly territories: Territory[];
  readonly skippedHeadings: number;
  /** Codes of stale rows (parent_in_list=0) that were dropped. */
  readonly skippedStale: string[];
  /** Federal subjects of the table that have no entries in the MO list (left out of the tree). */
  readonly subjectsNotInList: FederalSubject[];
}

function regionNode(row: MoListRow, subject: FederalSubject | undefined): Territory {
  if (!subject) throw new Error(`Region ${row.code} (${row.name}) is not in federal_subjects.csv`);
  if (row.kind === 'subject_autonomous_okrug') {
    return { code: row.code, parentCode: row.parentCode, level: 'REGION', name: subject.name };
  }
  if (!subject.federalDistrictCode) {
    throw new Error(`Region ${row.code} (${subject.name}) has no federal district`);
  }
  return { code: row.code, parentCode: subject.federalDistrictCode, level: 'REGION', name: subject.name };
}

function municipalNode(row: MoListRow): Territory {
  const level = MO_KIND_LEVELS[row.kind];
  if (!level) throw new Error(`Unknown kind "${row.kind}" for ${row.code} (${row.name})`);
  return { code: row.code, parentCode: row.parentCode, level, name: row.name };
}

/** Sort key placing RU first, federal districts next, then numeric OKTMO codes. */
function orderGroup(code: string): number {
  if (code === FEDERATION.code) return 0;
  return /^\d/.test(code) ? 2 : 1;
}

/** Sorts territories so that parents precede children (RU, districts, then OKTMO codes by code). */
export function sortTerritories(territories: readonly Territory[]): Territory[] {
  return [...territories].sort((a, b) => orderGroup(a.code) - orderGroup(b.code) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/**
 * Builds the tree: headings (is_group=1) and stale rows (parent_in_list=0) are
 * skipped; subjects become REGIONs under their federal district, nested
 * autonomous okrugs REGIONs under their parent region.
 */
export function buildTerritoryTree(moRows: readonly MoListRow[], subjects: readonly FederalSubject[]): TreeBuildResult {
  const subjectByCode = new Map(subjects.map((s) => [s.code, s]));
  const nodes: Territory[] = [
    { code: FEDERATION.code, parentCode: null, level: 'FEDERATION', name: FEDERATION.name },
    ...FEDERAL_DISTRICTS.map(
      (fd): Territory => ({
        code: fd.code,
        parentCode: FEDERATION.code,
        level: 'FEDERAL_DISTRICT',
        name: fd.name,
      }),
    ),
  ];
  let skippedHeadings = 0;
  const skippedStale: string[] = [];
  const regionCodes = new Set<string>();

  for (const row of moRows) {
    if (row.isGroup) {
      skippedHeadings++;
    } else if (!row.parentInList) {
      skippedStale.push(row.code);
    } else if (SUBJECT_KINDS.has(row.kind)) {
      nodes.push(regionNode(row, subjectByCode.get(row.code)));
      regionCodes.add(row.code);
    } else {
      nodes.push(municipalNode(row));
    }
  }

  const subjectsNotInList = subjects.filter((s) => !regionCodes.has(s.code));
  const missing = subjectsNotInList.filter((s) => s.inOktmoMo2019);
  if (missing.length > 0) {
    throw new Error(`Subjects flagged in_oktmo_mo_2019 but absent from the list: ${missing.map((s) => s.code).join(', ')}`);
  }
  return { territories: sortTerritories(nodes), skippedHeadings, skippedStale, subjectsNotInList };
}

/** Builds the tree from the reference files shipped in reference/oktmo. */
export function buildReferenceTree(): TreeBuildResult {
  const moRows = parseMoList(readFileSync(OKTMO_MO_2019_CSV, 'utf8'));
  return buildTerritoryTree(moRows, loadFederalSubjects());
}

/**
 * Lists structural problems of a territory list: duplicate codes, missing or
 * later-listed parents, invalid parent/child level pairs, more than one root.
 * An empty list means the tree is consistent.
 */
export function findTreeProblems(territories: readonly Territory[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, Territory>();
  let roots = 0;
  for (const t of territories) {
    if (seen.has(t.code)) problems.push(`duplicate code ${t.code}`);
    if (t.parentCode === null) {
      roots++;
      if (t.level !== 'FEDERATION') problems.push(`${t.code} has no parent but is ${t.level}`);
    } else {
      const parent = seen.get(t.parentCode);
      if (!parent) {
        problems.push(`${t.code}: parent ${t.parentCode} missing or listed after the child`);
      } else if (!canBeParentOf(parent.level, t.level)) {
        problems.push(`${t.code}: ${t.level} cannot sit under ${parent.level} ${parent.code}`);
      }
    }
    seen.set(t.code, t);
  }
  if (roots !== 1) problems.push(`expected exactly one root, found ${roots}`);
  return problems;
}

/** Counts territories per level. */
export function countByLevel(territories: readonly Territory[]): Map<TerritoryLevelName, number> {
  const counts = new Map<TerritoryLevelName, number>();
  for (const t of territories) counts.set(t.level, (counts.get(t.level) ?? 0) + 1);
  return counts;
}
