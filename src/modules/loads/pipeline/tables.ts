import type { BulkKind } from '../rows/files.js';

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

/** Columns of each staging table, in COPY order. */
export const STAGED_COLUMNS: Readonly<Record<BulkKind, readonly string[]>> = {
  territories: ['line', 'code', 'parent_code', 'level', 'name', 'search_name', 'status'],
  sectors: ['line', 'code', 'name'],
  organisations: ['line', 'external_id', 'name', 'kind', 'territory_code', 'sector_code', 'inn', 'ogrn', 'search_name'],
  pages: ['line', 'platform', 'external_id', 'organisation_external_id', 'url', 'name', 'verified', 'status'],
  observations: ['line', 'platform', 'external_id', 'subscribers', 'observed_on'],
};

/** The definition of each temporary table. */
export const TEMP_TABLES: Readonly<Record<TempTable, string>> = {
  [STAGED.territories]: `CREATE TEMP TABLE ${STAGED.territories} (line int NOT NULL, code text NOT NULL, parent_code text, level "TerritoryLevel" NOT NULL,
      name text NOT NULL, search_name text NOT NULL, status "TerritoryStatus") ON COMMIT DROP`,
  [STAGED.sectors]: `CREATE TEMP TABLE ${STAGED.sectors} (line int NOT NULL, code text NOT NULL, name text NOT NULL) ON COMMIT DROP`,
  [STAGED.organisations]: `CREATE TEMP TABLE ${STAGED.organisations} (line int NOT NULL, external_id text NOT NULL, name text NOT NULL,
      kind "OrganisationKind" NOT NULL, territory_code text NOT NULL, sector_code text NOT NULL, inn text, ogrn text,
      search_name text NOT NULL) ON COMMIT DROP`,
  [STAGED.pages]: `CREATE TEMP TABLE ${STAGED.pages} (line int NOT NULL, platform text NOT NULL, external_id text NOT NULL,
      organisation_external_id text NOT NULL, url text NOT NULL, name text NOT NULL, verified boolean,
      status "PageStatus") ON COMMIT DROP`,
  [STAGED.observations]: `CREATE TEMP TABLE ${STAGED.observations} (line int NOT NULL, platform text NOT NULL, external_id text NOT NULL,
      subscribers int NOT NULL, observed_on date NOT NULL) ON COMMIT DROP`,
  [OBSERVATION_CHANGE]: `CREATE TEMP TABLE ${OBSERVATION_CHANGE} (page_id int NOT NULL, observed_on date NOT NULL, subscribers int NOT NULL,
      is_new boolean NOT NULL) ON COMMIT DROP`,
};
