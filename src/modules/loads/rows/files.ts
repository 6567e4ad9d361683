/**
 * The bulk file format (README, "Loading data"): a load is a folder holding any of these CSV files,
 * applied in this order. Each row is an upsert by its key.
 */
export const BULK_FILES = [
  { kind: 'territories', file: 'territories.csv', columns: ['code', 'parent_code', 'level', 'name', 'status'], key: ['code'] },
  { kind: 'sectors', file: 'sectors.csv', columns: ['code', 'name'], key: ['code'] },
  {
    kind: 'organisations',
    file: 'organisations.csv',
    columns: ['external_id', 'name', 'kind', 'territory_code', 'sector_code', 'inn', 'ogrn'],
    key: ['external_id'],
  },
  {
    kind: 'pages',
    file: 'pages.csv',
    columns: ['platform', 'external_id', 'organisation_external_id', 'url', 'name', 'verified', 'status'],
    key: ['platform', 'external_id'],
  },
  {
    kind: 'observations',
    file: 'observations.csv',
    columns: ['platform', 'external_id', 'subscribers', 'observed_on'],
    key: ['platform', 'external_id', 'observed_on'],
  },
] as const;

export type BulkFile = (typeof BULK_FILES)[number];
export type BulkKind = BulkFile['kind'];

/** Columns that may be left empty (null). */
export const OPTIONAL_COLUMNS: Readonly<Record<BulkKind, readonly string[]>> = {
  territories: ['parent_code', 'status'],
  sectors: [],
  organisations: ['inn', 'ogrn'],
  pages: ['verified', 'status'],
  observations: [],
};

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

export function formatRowError(error: RowError): string {
  return `${error.file}:${error.line}: ${error.column}: ${error.reason}`;
}
