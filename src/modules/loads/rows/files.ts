import { isValidInn, isValidOgrn } from '../../organisation/identifiers.js';
import { TERRITORY_LEVELS } from '../../territory/levels.js';

/**
 * The bulk file format (README, "Loading data"), declared once: a load is a folder holding any of
 * these CSV files, applied in this order; each row is an upsert by its key. Every rule of a column
 * (its type, its limits, its message) is written here and nowhere else: the zod schemas and the
 * fast checks (rules.ts), the CSV header check (source.ts, also used by the upload route), the
 * staging tables (pipeline/tables.ts) and the SQL check of plain observation files derive from it.
 */

/** Largest subscriber count (PostgreSQL's int). */
export const MAX_SUBSCRIBERS = 2_147_483_647;

/** What one cell must be, and what it becomes. Empty cells arrive as absent. */
export type ColumnRule =
  /** Required text, trimmed, at most `max` characters (`tooLong`: the message past it). */
  | { type: 'text'; max?: number; tooLong?: string }
  /** Optional text, trimmed; empty: null. */
  | { type: 'optionalText' }
  /** One of `values`: trimmed unless `trim` is false; optional ones give null when empty. */
  | { type: 'choice'; values: readonly string[]; message: string; optional?: boolean; trim?: boolean }
  /** `true` or `false`, optional (null when empty). */
  | { type: 'flag'; message: string }
  /** Text matching `pattern` once trimmed. */
  | { type: 'pattern'; pattern: RegExp; message: string }
  /** An optional identifier with check digits (null when empty). */
  | { type: 'identifier'; valid: (value: string) => boolean; message: string }
  /** A platform code the database knows. */
  | { type: 'platform' }
  /** An http(s) URL on one of the row's platform's hosts. */
  | { type: 'url' }
  /** Digits, at most `max`. */
  | { type: 'count'; max: number }
  /** A calendar day `YYYY-MM-DD`, not in the future. */
  | { type: 'date' };

export interface Column {
  name: string;
  rule: ColumnRule;
  /** Its type in the staging table. */
  sql: string;
}

const text = (name: string, max: number): Column => ({ name, rule: { type: 'text', max }, sql: 'text' });
const required = (name: string): Column => ({ name, rule: { type: 'text' }, sql: 'text' });
const platform: Column = { name: 'platform', rule: { type: 'platform' }, sql: 'text' };

/** One kind of bulk file: its name, its key, its columns in order, and the columns computed from them. */
export interface FileDeclaration<K extends string = string> {
  kind: K;
  file: `${K}.csv`;
  key: readonly string[];
  columns: readonly Column[];
  /** Columns computed from the row, staged after its own. */
  derived: readonly string[];
}

const declare = <K extends string>(declaration: FileDeclaration<K>): FileDeclaration<K> => declaration;

export const BULK_FILES = [
  declare({
    kind: 'territories',
    file: 'territories.csv',
    key: ['code'],
    columns: [
      {
        name: 'code',
        rule: {
          type: 'text',
          max: 40,
          tooLong: 'is longer than 40 characters (an OKTMO code has 8 or 11 digits; a federal district code at most 40 characters)',
        },
        sql: 'text',
      },
      { name: 'parent_code', rule: { type: 'optionalText' }, sql: 'text' },
      {
        name: 'level',
        rule: { type: 'choice', values: TERRITORY_LEVELS, message: 'unknown level (FEDERATION, FEDERAL_DISTRICT, REGION, MUNICIPAL_DISTRICT, …)' },
        sql: '"TerritoryLevel"',
      },
      text('name', 1000),
      // Empty: an existing territory keeps its status, a new one is ACTIVE (see resolveTerritoryDefaults).
      {
        name: 'status',
        rule: { type: 'choice', values: ['ACTIVE', 'RETIRED'], message: 'must be ACTIVE or RETIRED', optional: true },
        sql: '"TerritoryStatus"',
      },
    ],
    derived: ['search_name'],
  }),
  declare({
    kind: 'sectors',
    file: 'sectors.csv',
    key: ['code'],
    columns: [
      { name: 'code', rule: { type: 'pattern', pattern: /^[a-z][a-z0-9_]{0,39}$/, message: 'must be a lowercase code (a-z, 0-9, _)' }, sql: 'text' },
      text('name', 1000),
    ],
    derived: [],
  }),
  declare({
    kind: 'organisations',
    file: 'organisations.csv',
    key: ['external_id'],
    columns: [
      text('external_id', 200),
      text('name', 1000),
      {
        name: 'kind',
        rule: { type: 'choice', values: ['AUTHORITY', 'INSTITUTION', 'OTHER'], message: 'must be AUTHORITY, INSTITUTION or OTHER', trim: false },
        sql: '"OrganisationKind"',
      },
      required('territory_code'),
      required('sector_code'),
      { name: 'inn', rule: { type: 'identifier', valid: isValidInn, message: 'not a valid INN (10 or 12 digits with correct check digits)' }, sql: 'text' },
      { name: 'ogrn', rule: { type: 'identifier', valid: isValidOgrn, message: 'not a valid OGRN (13 or 15 digits with a correct check digit)' }, sql: 'text' },
    ],
    derived: ['search_name'],
  }),
  declare({
    kind: 'pages',
    file: 'pages.csv',
    key: ['platform', 'external_id'],
    columns: [
      platform,
      text('external_id', 200),
      required('organisation_external_id'),
      { name: 'url', rule: { type: 'url' }, sql: 'text' },
      text('name', 1000),
      // Empty: keep an existing page's value; a new page is not verified (see resolvePageDefaults).
      { name: 'verified', rule: { type: 'flag', message: 'must be true or false' }, sql: 'boolean' },
      // Empty: keep an existing page's status; a new page is ACTIVE (see resolvePageDefaults).
      { name: 'status', rule: { type: 'choice', values: ['ACTIVE', 'ARCHIVED'], message: 'must be ACTIVE or ARCHIVED', optional: true }, sql: '"PageStatus"' },
    ],
    derived: [],
  }),
  declare({
    kind: 'observations',
    file: 'observations.csv',
    key: ['platform', 'external_id', 'observed_on'],
    columns: [
      platform,
      required('external_id'),
      { name: 'subscribers', rule: { type: 'count', max: MAX_SUBSCRIBERS }, sql: 'int' },
      { name: 'observed_on', rule: { type: 'date' }, sql: 'date' },
    ],
    derived: [],
  }),
] as const;

export type BulkFile = (typeof BULK_FILES)[number];
export type BulkKind = BulkFile['kind'];

/** The declaration of one kind of file. */
export function bulkFile(kind: BulkKind): BulkFile {
  return BULK_FILES.find((spec) => spec.kind === kind)!;
}

/** The column names of a file, in order. */
export function columnNames(spec: BulkFile): string[] {
  return spec.columns.map((column) => column.name);
}

/** Whether a column may be left empty (null): those that may are optional in the header too. */
export function isOptional(column: Column): boolean {
  const { rule } = column;
  return rule.type === 'optionalText' || rule.type === 'flag' || rule.type === 'identifier' || (rule.type === 'choice' && rule.optional === true);
}

/** What one file's rows did to the database. */
export interface FileSummary {
  file: string;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

/**
 * Why a row was refused, set where the problem is found: `INVALID` (a value is malformed or out
 * of range, or the file is), `NOT_FOUND` (it names a row that exists nowhere), `DUPLICATE` (its
 * key was given on an earlier line), `FORBIDDEN` (the key may not write it).
 */
export type RowErrorCode = 'INVALID' | 'NOT_FOUND' | 'DUPLICATE' | 'FORBIDDEN';

/** One bad row: where it is, what is wrong with it, and the kind of problem. */
export interface RowError {
  file: string;
  line: number;
  column: string;
  reason: string;
  code: RowErrorCode;
}

/** Most characters of input a message quotes. */
const EXCERPT = 60;

/** Input as a message quotes it: at most a short excerpt (a 6 MB header cell does not come back whole). */
export function excerpt(text: string, most = EXCERPT): string {
  return text.length <= most ? text : `${text.slice(0, most)}… (${text.length} characters)`;
}

export function formatRowError(error: RowError): string {
  return `${error.file}:${error.line}: ${error.column}: ${error.reason}`;
}
