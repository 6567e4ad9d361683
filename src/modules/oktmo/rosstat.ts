/**
 * Streaming parser for the official Rosstat OKTMO open-data file:
 * no header, `;`-separated, quoted text, 13 fields
 * (ter;kod1;kod2;kod3;kc;razdel;name;centrum;nomdescr;nomakt;status;dateut;datevved),
 * cp1251 as shipped by Rosstat or UTF-8.
 *
 * Headings are skipped, control digits verified, and every territory gets a
 * level and a parent derived from its code.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import type { TerritoryLevelName } from '../territory/levels.js';
import { oktmoCheckDigit } from './checkDigit.js';
import { FEDERATION, federalDistrictOfRegion, federalSubjectByCode } from './federalDistricts.js';

/** A territory row of the Rosstat file. */
export interface RosstatTerritoryRow {
  readonly type: 'territory';
  /** 8 digits (municipal formation, region) or 11 digits (locality), without the control digit. */
  readonly code: string;
  /** OKTMO code of the parent, or a federal district code / "RU" for regions. */
  readonly parentCode: string;
  readonly level: TerritoryLevelName;
  readonly name: string;
  /** 1-based line number in the file. */
  readonly line: number;
}

/** A row that could not be turned into a territory. */
export interface RosstatRowError {
  readonly type: 'error';
  readonly line: number;
  readonly message: string;
}

export type RosstatRow = RosstatTerritoryRow | RosstatRowError;

export type RosstatEncoding = 'utf8' | 'win1251';

const FIELD_COUNT = 13;
const FEDERAL_CITY_PREFIXES = new Set(['40', '45', '67']);
const NESTED_OKRUG_PREFIXES = new Set(['118', '718', '719']);
const HEADING_PREFIXES = [
  'Муниципальные районы',
  'Муниципальные округа',
  'Муниципальные образования',
  'Городские округа',
  'Городские поселения',
  'Сельские поселения',
  'Внутригородские',
  'Межселенные территории',
  'Межселенная территория',
  'Населенные пункты, входящие',
  'Населённые пункты, входящие',
];

/**
 * Detects the file encoding: UTF-8 if the whole file decodes as strict UTF-8
 * (stops at the first invalid sequence), otherwise Windows-1251.
 */
export async function detectRosstatEncoding(filePath: string): Promise<RosstatEncoding> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const stream = createReadStream(filePath);
  try {
    for await (const chunk of stream) decoder.decode(chunk as Buffer, { stream: true });
    decoder.decode();
    return 'utf8';
  } catch (error) {
    if (error instanceof TypeError) return 'win1251';
    throw error;
  } finally {
    stream.destroy();
  }
}

interface CsvRecord {
  readonly fields: string[];
  readonly line: number;
}

/** Streams the CSV records of the file, decoded from `encoding`. */
async function* readRecords(filePath: string, encoding: RosstatEncoding): AsyncGenerator<CsvRecord> {
  const parser = parse({
    delimiter: ';',
    quote: '"',
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
  });
  // pipeline() destroys every stream with the first error, so it surfaces in the loop below.
  pipeline(createReadStream(filePath), iconv.decodeStream(encoding), parser, () => {});
  for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    yield { fields: item.record, line: item.info.lines };
  }
}

/** A record after classification, before its parent is resolved. */
type Classified =
  | { readonly kind: 'heading' }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'territory'; readonly code: string; readonly level: TerritoryLevelName; readonly name: string };

/** Region codes an OKTMO code belongs to, nearest first: the nested okrug (118/718/719 + 00000) if any, then RR000000. */
function regionCodesOf(code: string): string[] {
  const prefix3 = code.slice(0, 3);
  const region = `${code.slice(0, 2)}000000`;
  return NESTED_OKRUG_PREFIXES.has(prefix3) ? [`${prefix3}00000`, region] : [region];
}

function isRegionCode(code8: string): boolean {
  return code8.slice(2) === '000000' || (NESTED_OKRUG_PREFIXES.has(code8.slice(0, 3)) && code8.slice(3) === '00000');
}

function isMunicipalHeading(code8: string, name: string): boolean {
  return code8.endsWith('00') && HEADING_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** Level of a level-2 formation (RRXXX000) from its 3rd digit (4th for 8/9-coded okrug areas). */
function levelTwoOf(code8: string, name: string): TerritoryLevelName | undefined {
  const typeDigit = code8[2];
  if (FEDERAL_CITY_PREFIXES.has(code8.slice(0, 2)) && (typeDigit === '3' || typeDigit === '9')) {
    return 'INTRACITY_TERRITORY';
  }
  switch (typeDigit) {
    case '5':
      return 'MUNICIPAL_OKRUG';
    case '6':
      return 'MUNICIPAL_DISTRICT';
    case '7':
      return 'URBAN_OKRUG';
    case '8':
    case '9':
      // Nested autonomous okrugs (118, 718, 719) and the Koryak/Komi-Permyak areas (308, 578):
      // the 4th digit separates districts (1x–4x) from urban okrugs (5x+).
      if (/муниципальный округ/i.test(name)) return 'MUNICIPAL_OKRUG';
      return Number(code8[3]) < 5 ? 'MUNICIPAL_DISTRICT' : 'URBAN_OKRUG';
    default:
      return undefined;
  }
}

const LEVEL_THREE_BY_DIGIT: Readonly<Record<string, TerritoryLevelName>> = {
  '1': 'URBAN_SETTLEMENT',
  '3': 'INTRACITY_DISTRICT',
  '4': 'RURAL_SETTLEMENT',
  '7': 'INTER_SETTLEMENT_TERRITORY',
};

type LevelResult = { readonly level: TerritoryLevelName } | { readonly error: string };

/** Level of an 8-digit municipal or region code. */
function municipalLevelOf(code8: string, name: string): LevelResult {
  if (isRegionCode(code8)) return { level: 'REGION' };
  if (code8.slice(5) === '000') {
    const level = levelTwoOf(code8, name);
    return level ? { level } : { error: `${code8}: unknown level-2 type digit ${code8[2]}` };
  }
  const level = LEVEL_THREE_BY_DIGIT[code8[5]!];
  return level ? { level } : { error: `${code8}: unknown level-3 type digit ${code8[5]}` };
}

/** Classifies one CSV record: heading, territory (code, level, name) or error. */
function classifyRecord(fields: readonly string[]): Classified {
  if (fields.length !== FIELD_COUNT) {
    return { kind: 'error', message: `expected ${FIELD_COUNT} fields, got ${fields.length}` };
  }
  const [ter, kod1, kod2, kod3, kc, razdel, rawName] = fields.map((f) => f.trim()) as [string, string, string, string, string, string, string];
  if (!/^\d{2}$/.test(ter) || !/^\d{3}$/.test(kod1) || !/^\d{3}$/.test(kod2) || !/^\d{3}$/.test(kod3)) {
    return { kind: 'error', message: `malformed code "${ter};${kod1};${kod2};${kod3}"` };
  }
  if (razdel !== '1' && razdel !== '2') return { kind: 'error', message: `unknown razdel "${razdel}"` };
  const name = rawName.replace(/\s+/g, ' ');
  const code8 = ter + kod1 + kod2;

  if (razdel === '2' && kod3 === '000') return { kind: 'heading' };
  if (razdel === '1' && !isRegionCode(code8) && isMunicipalHeading(code8, name)) return { kind: 'heading' };

  const code = razdel === '2' ? code8 + kod3 : code8;
  if (!/^\d$/.test(kc)) return { kind: 'error', message: `${code}: malformed control digit "${kc}"` };
  const expected = oktmoCheckDigit(code);
  if (expected !== Number(kc)) {
    return { kind: 'error', message: `${code}: control digit ${kc}, expected ${expected}` };
  }
  if (name === '') return { kind: 'error', message: `${code}: empty name` };

  if (razdel === '2') return { kind: 'territory', code, level: 'LOCALITY', name };
  const result = municipalLevelOf(code8, name);
  if ('error' in result) return { kind: 'error', message: result.error };
  const displayName = result.level === 'REGION' ? (federalSubjectByCode(code)?.name ?? name) : name;
  return { kind: 'territory', code, level: result.level, name: displayName };
}

/**
 * Candidate parents of a code, nearest first: for a locality its first 8 digits,
 * then the level-2 formation (first 5 digits + 000), then the region(s).
 */
function parentCandidates(code: string, level: TerritoryLevelName): string[] {
  const regions = regionCodesOf(code);
  const levelTwo = `${code.slice(0, 5)}000`;
  switch (level) {
    case 'LOCALITY':
      return [...new Set([code.slice(0, 8), levelTwo, ...regions])];
    case 'INTRACITY_DISTRICT':
    case 'URBAN_SETTLEMENT':
    case 'RURAL_SETTLEMENT':
    case 'INTER_SETTLEMENT_TERRITORY':
      return [levelTwo, ...regions];
    default:
      return regions;
  }
}

/** Parent of a territory: the federal district (or RU) for regions, else the nearest existing ancestor code. */
function resolveParent(code: string, level: TerritoryLevelName, existing: ReadonlySet<string>): string {
  if (level === 'REGION') {
    if (NESTED_OKRUG_PREFIXES.has(code.slice(0, 3))) return `${code.slice(0, 2)}000000`;
    return federalDistrictOfRegion(code) ?? FEDERATION.code;
  }
  const candidates = parentCandidates(code, level);
  return candidates.find((c) => c !== code && existing.has(c)) ?? candidates[candidates.length - 1]!;
}

/**
 * Parses a Rosstat OKTMO file, yielding territories (with derived level and
 * parent) and row errors in file order. Reads the file as a stream, three
 * times: encoding detection, collection of municipal codes (so that parents
 * resolve regardless of row order), then the yielding pass.
 *
 * Regions get their full name from reference/oktmo/federal_subjects.csv and
 * their federal district as parent ("RU" when the subject has none). A
 * locality whose 8-digit parent is absent (a heading or missing row) is
 * attached to the nearest existing ancestor.
 */
export async function* parseRosstatOktmo(filePath: string): AsyncGenerator<RosstatRow> {
  const encoding = await detectRosstatEncoding(filePath);

  const existing = new Set<string>();
  for await (const { fields } of readRecords(filePath, encoding)) {
    const row = classifyRecord(fields);
    if (row.kind === 'territory' && row.code.length === 8) existing.add(row.code);
  }

  for await (const { fields, line } of readRecords(filePath, encoding)) {
    const row = classifyRecord(fields);
    if (row.kind === 'heading') continue;
    if (row.kind === 'error') {
      yield { type: 'error', line, message: row.message };
      continue;
    }
    yield {
      type: 'territory',
      code: row.code,
      parentCode: resolveParent(row.code, row.level, existing),
      level: row.level,
      name: row.name,
      line,
    };
  }
}
