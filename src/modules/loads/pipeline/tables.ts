import { BULK_FILES, type BulkFile, type BulkKind, isOptional } from '../rows/files.js';

/**
 * The temporary tables more than one step of a load reads: each name and definition given once,
 * here. All are private to the load's transaction and dropped at its end (`ON COMMIT DROP`); the
 * load's session (`session.ts`) creates each the first time a step asks for it. Tables one step
 * makes and reads alone (the rollup snapshots, a first load's latest counts…) are defined in the
 * file of that step's SQL.
 */

/** The staged rows of each bulk file (after row validation; `line` is the row's line in its file). */
export const STAGED = {
  territories: 'stage_territory',
  sectors: 'stage_sector',
  organisations: 'stage_organisation',
  pages: 'stage_page',
  observations: 'stage_observation',
} as const satisfies Record<BulkKind, string>;

/** The observations a load adds or corrects (page, day, count, whether the day is new): written by the write step, read by the rollups. */
export const OBSERVATION_CHANGE = 'observation_change';

export type TempTable = (typeof STAGED)[BulkKind] | typeof OBSERVATION_CHANGE;

/** Columns of each staging table, in COPY order: the row's line, its columns, then those computed from it. */
export const STAGED_COLUMNS = Object.fromEntries(
  BULK_FILES.map((spec) => [spec.kind, ['line', ...spec.columns.map((column) => column.name), ...spec.derived]]),
) as unknown as Readonly<Record<BulkKind, readonly string[]>>;

/** A staging table's definition, from its file's declaration (an optional column may be null). */
function stagingTable(spec: BulkFile): string {
  const columns = [
    'line int NOT NULL',
    ...spec.columns.map((column) => `${column.name} ${column.sql}${isOptional(column) ? '' : ' NOT NULL'}`),
    ...spec.derived.map((name) => `${name} text NOT NULL`),
  ];
  return `CREATE TEMP TABLE ${STAGED[spec.kind]} (${columns.join(', ')}) ON COMMIT DROP`;
}

/** The definition of each temporary table. */
export const TEMP_TABLES: Readonly<Record<TempTable, string>> = {
  ...(Object.fromEntries(BULK_FILES.map((spec) => [STAGED[spec.kind], stagingTable(spec)])) as Record<(typeof STAGED)[BulkKind], string>),
  [OBSERVATION_CHANGE]: `CREATE TEMP TABLE ${OBSERVATION_CHANGE} (page_id int NOT NULL, observed_on date NOT NULL, subscribers int NOT NULL,
      is_new boolean NOT NULL) ON COMMIT DROP`,
};
