/**
 * The federation root, the eight federal districts, and the federal-subject
 * table (reference/oktmo/federal_subjects.csv) that maps a region's OKTMO code
 * to its federal district and full name.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/** The root of the territory tree. */
export const FEDERATION = { code: 'RU', name: 'Российская Федерация' } as const;

export const FEDERAL_DISTRICT_CODES = [
  'FD-CENTRAL',
  'FD-NORTHWESTERN',
  'FD-SOUTHERN',
  'FD-NORTH-CAUCASIAN',
  'FD-VOLGA',
  'FD-URAL',
  'FD-SIBERIAN',
  'FD-FAR-EASTERN',
] as const;

export type FederalDistrictCode = (typeof FEDERAL_DISTRICT_CODES)[number];

export interface FederalDistrict {
  readonly code: FederalDistrictCode;
  /** Official name, e.g. "Центральный федеральный округ". */
  readonly name: string;
  /** Adjective used by the source tables, e.g. "Центральный". */
  readonly shortName: string;
}

/** The eight federal districts, in the conventional order. */
export const FEDERAL_DISTRICTS: readonly FederalDistrict[] = [
  { code: 'FD-CENTRAL', name: 'Центральный федеральный округ', shortName: 'Центральный' },
  { code: 'FD-NORTHWESTERN', name: 'Северо-Западный федеральный округ', shortName: 'Северо-Западный' },
  { code: 'FD-SOUTHERN', name: 'Южный федеральный округ', shortName: 'Южный' },
  { code: 'FD-NORTH-CAUCASIAN', name: 'Северо-Кавказский федеральный округ', shortName: 'Северо-Кавказский' },
  { code: 'FD-VOLGA', name: 'Приволжский федеральный округ', shortName: 'Приволжский' },
  { code: 'FD-URAL', name: 'Уральский федеральный округ', shortName: 'Уральский' },
  { code: 'FD-SIBERIAN', name: 'Сибирский федеральный округ', shortName: 'Сибирский' },
  { code: 'FD-FAR-EASTERN', name: 'Дальневосточный федеральный округ', shortName: 'Дальневосточный' },
];

/** Finds a federal district by its short (adjective) name, e.g. "Северо-Западный". */
export function federalDistrictByShortName(shortName: string): FederalDistrict | undefined {
  const wanted = shortName.trim();
  return FEDERAL_DISTRICTS.find((fd) => fd.shortName === wanted);
}

/** One row of reference/oktmo/federal_subjects.csv. */
export interface FederalSubject {
  /** 8-digit OKTMO code of the subject, e.g. "17000000"; nested okrugs "11800000", "71800000", "71900000". */
  readonly code: string;
  /** Full name, e.g. "Владимирская область", "Республика Адыгея". */
  readonly name: string;
  /** Federal district; null for subjects not assigned to any district. */
  readonly federalDistrictCode: FederalDistrictCode | null;
  /** Whether the subject has its own entries in the 2019 municipal-formation list. */
  readonly inOktmoMo2019: boolean;
  readonly isoCode: string;
}

export const FEDERAL_SUBJECTS_CSV = new URL('../../../reference/oktmo/federal_subjects.csv', import.meta.url);

const NAME_TOKENS: Readonly<Record<string, string>> = {
  обл: 'область',
  Респ: 'Республика',
  АО: 'автономный округ',
  Аобл: 'автономная область',
  Автономный: 'автономный',
};

/**
 * Expands a DaData-style abbreviated subject name ("Владимирская обл",
 * "Респ Саха /Якутия/", "Чукотский АО", "г Москва") to its full form
 * ("Владимирская область", "Республика Саха (Якутия)", "Чукотский автономный округ", "Москва").
 */
export function expandSubjectName(nameWithType: string): string {
  const words = nameWithType.trim().split(/\s+/);
  const withoutCityPrefix = words[0] === 'г' ? words.slice(1) : words;
  return withoutCityPrefix
    .map((word) => NAME_TOKENS[word] ?? word)
    .join(' ')
    .replace(/\/([^/]+)\//g, '($1)')
    .replace(/ - /g, ' — ');
}

interface FederalSubjectCsvRow {
  oktmo: string;
  name_with_type: string;
  federal_district: string;
  iso_code: string;
  in_oktmo_mo_2019: string;
}

/** Parses the text of federal_subjects.csv; throws on an unknown federal district or malformed code. */
export function parseFederalSubjects(csvText: string): FederalSubject[] {
  const rows = parse(csvText, { columns: true, skip_empty_lines: true, bom: true }) as FederalSubjectCsvRow[];
  return rows.map((row, index) => {
    if (!/^\d{8}$/.test(row.oktmo)) {
      throw new Error(`federal_subjects.csv row ${index + 2}: bad oktmo "${row.oktmo}"`);
    }
    let federalDistrictCode: FederalDistrictCode | null = null;
    if (row.federal_district.trim() !== '') {
      const fd = federalDistrictByShortName(row.federal_district);
      if (!fd) {
        throw new Error(`federal_subjects.csv row ${index + 2}: unknown federal district "${row.federal_district}"`);
      }
      federalDistrictCode = fd.code;
    }
    return {
      code: row.oktmo,
      name: expandSubjectName(row.name_with_type),
      federalDistrictCode,
      inOktmoMo2019: row.in_oktmo_mo_2019 === '1',
      isoCode: row.iso_code,
    };
  });
}

let cachedSubjects: readonly FederalSubject[] | undefined;
let cachedByCode: ReadonlyMap<string, FederalSubject> | undefined;

/** Loads (once) the federal-subject table shipped in reference/oktmo. */
export function loadFederalSubjects(): readonly FederalSubject[] {
  cachedSubjects ??= parseFederalSubjects(readFileSync(FEDERAL_SUBJECTS_CSV, 'utf8'));
  return cachedSubjects;
}

/** Normalises a region code: a 2/3-digit prefix ("17", "118") or an 8-digit code ("17000000"). */
function regionKey(regionCode: string): string | undefined {
  const code = regionCode.trim();
  if (/^\d{2,3}$/.test(code)) return code.padEnd(8, '0');
  if (/^\d{8}$/.test(code)) return code;
  return undefined;
}

/** Looks up a federal subject by its OKTMO code or 2/3-digit prefix. */
export function federalSubjectByCode(regionCode: string): FederalSubject | undefined {
  cachedByCode ??= new Map(loadFederalSubjects().map((s) => [s.code, s]));
  const key = regionKey(regionCode);
  return key === undefined ? undefined : cachedByCode.get(key);
}

/**
 * Federal district of a region (e.g. "17000000" or "17" → "FD-CENTRAL");
 * undefined when the code is unknown or the subject belongs to no federal district.
 */
export function federalDistrictOfRegion(regionCode: string): FederalDistrictCode | undefined {
  return federalSubjectByCode(regionCode)?.federalDistrictCode ?? undefined;
}
