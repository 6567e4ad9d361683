/**
 * Builds the Gospubliki territory tree (RU → federal districts → regions → municipal formations →
 * settlements) from the reference files in reference/oktmo:
 *
 * - the federal-subject table (regions and their federal districts);
 * - the 2024 list of second-level municipal formations (municipal_formations_2018_2024.csv,
 *   SberIndex, CC BY-SA 4.0): the formations valid on 2024-01-01 with their real types;
 * - the 2019 municipal-formation list (oktmo_mo_2019.csv): the subjects, and the settlements,
 *   kept only under a formation that is still a municipal district in 2024 (a district turned
 *   into an okrug lost its settlements; a merged one is gone).
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

export const MUNICIPAL_FORMATIONS_2024_CSV = new URL('../../../reference/oktmo/municipal_formations_2018_2024.csv', import.meta.url);

/** Level of each `municipal_district_type` of the 2018–2024 list. */
export const FORMATION_TYPE_LEVELS: Readonly<Record<string, TerritoryLevelName>> = {
  'муниципальный район': 'MUNICIPAL_DISTRICT',
  'муниципальный округ': 'MUNICIPAL_OKRUG',
  'городской округ': 'URBAN_OKRUG',
  'внутригородская территория города федерального значения': 'INTRACITY_TERRITORY',
};

/** The year_to of a row still valid at the end of the list (2024-01-01). */
const STILL_VALID = 9999;

/** One row of municipal_formations_2018_2024.csv: a second-level formation valid from yearFrom to yearTo. */
export interface MunicipalFormationRow {
  /** 8-digit OKTMO code (the list writes `NN-NNN-NNN-NNN`; the last group is always 000). */
  readonly code: string;
  readonly name: string;
  readonly level: TerritoryLevelName;
  readonly yearFrom: number;
  /** 9999 while still valid. */
  readonly yearTo: number;
}

interface FormationCsvRow {
  oktmo: string;
  municipal_district_name: string;
  municipal_district_type: string;
  year_from: string;
  year_to: string;
}

/**
 * The list prefixes the names of urban okrugs and intra-city territories with their type
 * ("городской округ город Владимир", "внутригородская территория города федерального значения
 * муниципальный округ Арбат"); the classifier itself, and the 2019 list, name them without it
 * ("город Владимир", "муниципальный округ Арбат"). The level already says the type, so the prefix
 * is dropped. A stray trailing quote pair of the conversion (`поселение Мосрентген""`) is dropped too.
 */
function classifierName(level: TerritoryLevelName, raw: string): string {
  let name = raw.trim().replace(/\s+/g, ' ');
  const prefix = TYPE_PREFIXES[level];
  if (prefix && name.startsWith(prefix) && name.length > prefix.length) name = name.slice(prefix.length);
  if (name.endsWith('""') && name.indexOf('"') === name.length - 2) name = name.slice(0, -2);
  return name;
}

const TYPE_PREFIXES: Partial<Record<TerritoryLevelName, string>> = {
  URBAN_OKRUG: 'городской округ ',
  INTRACITY_TERRITORY: 'внутригородская территория города федерального значения ',
};

/** Parses the text of municipal_formations_2018_2024.csv. */
export function parseMunicipalFormations(csvText: string): MunicipalFormationRow[] {
  const rows = parse(csvText, { columns: true, skip_empty_lines: true, bom: true }) as FormationCsvRow[];
  return rows.map((row, i) => {
    const digits = row.oktmo.replaceAll('-', '');
    const level = FORMATION_TYPE_LEVELS[row.municipal_district_type];
    if (!/^\d{8}000$/.test(digits)) throw new Error(`municipal formations line ${i + 2}: unexpected OKTMO code "${row.oktmo}"`);
    if (!level) throw new Error(`municipal formations line ${i + 2}: unknown type "${row.municipal_district_type}"`);
    return {
      code: digits.slice(0, 8),
      name: classifierName(level, row.municipal_district_name),
      level,
      yearFrom: Number(row.year_from),
      yearTo: Number(row.year_to),
    };
  });
}

/**
 * The region a second-level formation belongs to, from its code: the nested autonomous okrugs
 * (118 Ненецкий, 718 Ханты-Мансийский, 719 Ямало-Ненецкий) keep their three digits, the others
 * take the subject's two.
 */
export function formationRegionCode(code: string): string {
  const nested = code.slice(0, 3);
  return nested === '118' || nested === '718' || nested === '719' ? `${nested}00000` : `${code.slice(0, 2)}000000`;
}

/** What the 2024 layer did to the 2019 tree, for SOURCE.md and the builder's report. */
export interface CurrentTreeReport {
  /** Current (2024-01-01) second-level formations taken. */
  readonly formations: number;
  /** 2019 second-level formations no longer in the 2024 list (merged, renumbered or turned into okrugs). */
  readonly formationsGone: number;
  /** 2019 settlements (and inter-settlement territories) kept under a still-existing municipal district. */
  readonly settlementsKept: number;
  /** 2019 settlements dropped because their formation is now an okrug under the same code. */
  readonly settlementsUnderOkrugs: number;
  /** 2019 settlements dropped because their formation is gone from the 2024 list. */
  readonly settlementsUnderGone: number;
  /** 2019 intra-city districts kept under their urban okrug. */
  readonly intracityDistrictsKept: number;
}

const SETTLEMENT_LIKE: ReadonlySet<TerritoryLevelName> = new Set(['URBAN_SETTLEMENT', 'RURAL_SETTLEMENT', 'INTER_SETTLEMENT_TERRITORY']);
const SECOND_LEVEL: ReadonlySet<TerritoryLevelName> = new Set(['MUNICIPAL_DISTRICT', 'MUNICIPAL_OKRUG', 'URBAN_OKRUG', 'INTRACITY_TERRITORY']);

/**
 * The current tree: the 2019 tree's federation, districts and regions; the second level as of
 * 2024-01-01 (the rows of `formations` still valid); the 2019 settlements (and inter-settlement
 * territories) only under a formation that is a municipal district in 2024, and the 2019
 * intra-city districts only under a formation that is still an urban okrug.
 */
export function buildCurrentTree(
  moRows: readonly MoListRow[],
  formations: readonly MunicipalFormationRow[],
  subjects: readonly FederalSubject[],
): TreeBuildResult & { readonly report: CurrentTreeReport } {
  const base = buildTerritoryTree(moRows, subjects);
  const top = base.territories.filter((t) => t.level === 'FEDERATION' || t.level === 'FEDERAL_DISTRICT' || t.level === 'REGION');
  const regions = new Set(top.filter((t) => t.level === 'REGION').map((t) => t.code));
  const current = new Map<string, Territory>();
  for (const row of formations) {
    if (row.yearTo !== STILL_VALID) continue;
    const parentCode = formationRegionCode(row.code);
    if (!regions.has(parentCode)) throw new Error(`formation ${row.code} (${row.name}): region ${parentCode} is not in the tree`);
    if (current.has(row.code)) throw new Error(`formation ${row.code} is listed twice as current`);
    current.set(row.code, { code: row.code, parentCode, level: row.level, name: row.name });
  }
  const below: Territory[] = [];
  let settlementsKept = 0;
  let settlementsUnderOkrugs = 0;
  let settlementsUnderGone = 0;
  let intracityDistrictsKept = 0;
  let formationsGone = 0;
  for (const t of base.territories) {
    if (SECOND_LEVEL.has(t.level)) {
      if (!current.has(t.code)) formationsGone++;
      continue;
    }
    if (t.parentCode === null || regions.has(t.code) || !/^\d/.test(t.code)) continue;
    const parent = current.get(t.parentCode);
    if (t.level === 'INTRACITY_DISTRICT') {
      if (parent?.level === 'URBAN_OKRUG') {
        below.push(t);
        intracityDistrictsKept++;
      }
    } else if (SETTLEMENT_LIKE.has(t.level)) {
      if (parent?.level === 'MUNICIPAL_DISTRICT') {
        below.push(t);
        settlementsKept++;
      } else if (parent) {
        settlementsUnderOkrugs++;
      } else {
        settlementsUnderGone++;
      }
    }
  }
  return {
    territories: sortTerritories([...top, ...current.values(), ...below]),
    skippedHeadings: base.skippedHeadings,
    skippedStale: base.skippedStale,
    subjectsNotInList: base.subjectsNotInList,
    report: {
      formations: current.size,
      formationsGone,
      settlementsKept,
      settlementsUnderOkrugs,
      settlementsUnderGone,
      intracityDistrictsKept,
    },
  };
}

/** Builds the current tree from the reference files shipped in reference/oktmo. */
export function buildReferenceTree(): TreeBuildResult & { readonly report: CurrentTreeReport } {
  const moRows = parseMoList(readFileSync(OKTMO_MO_2019_CSV, 'utf8'));
  const formations = parseMunicipalFormations(readFileSync(MUNICIPAL_FORMATIONS_2024_CSV, 'utf8'));
  return buildCurrentTree(moRows, formations, loadFederalSubjects());
}

/** Builds the 2019 tree (the 2019 list alone), as shipped before the 2024 layer. */
export function build2019Tree(): TreeBuildResult {
  return buildTerritoryTree(parseMoList(readFileSync(OKTMO_MO_2019_CSV, 'utf8')), loadFederalSubjects());
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
