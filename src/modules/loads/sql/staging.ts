import type pg from 'pg';
import type { BulkKind } from '../files.js';

/**
 * Staging tables of a bulk load: temporary, private to the load's transaction, dropped at its
 * end. Rows arrive here by COPY after row validation; `line` is the row's line in its file.
 */
export const STAGING_TABLES: Readonly<Record<BulkKind, { table: string; ddl: string; columns: readonly string[] }>> = {
  territories: {
    table: 'stage_territory',
    ddl: 'CREATE TEMP TABLE stage_territory (line int NOT NULL, code text NOT NULL, parent_code text, level "TerritoryLevel" NOT NULL, name text NOT NULL, search_name text NOT NULL, status "TerritoryStatus") ON COMMIT DROP',
    columns: ['line', 'code', 'parent_code', 'level', 'name', 'search_name', 'status'],
  },
  sectors: {
    table: 'stage_sector',
    ddl: 'CREATE TEMP TABLE stage_sector (line int NOT NULL, code text NOT NULL, name text NOT NULL) ON COMMIT DROP',
    columns: ['line', 'code', 'name'],
  },
  organisations: {
    table: 'stage_organisation',
    ddl: `CREATE TEMP TABLE stage_organisation (line int NOT NULL, external_id text NOT NULL, name text NOT NULL,
            kind "OrganisationKind" NOT NULL, territory_code text NOT NULL, sector_code text NOT NULL, inn text, ogrn text,
            search_name text NOT NULL) ON COMMIT DROP`,
    columns: ['line', 'external_id', 'name', 'kind', 'territory_code', 'sector_code', 'inn', 'ogrn', 'search_name'],
  },
  pages: {
    table: 'stage_page',
    ddl: `CREATE TEMP TABLE stage_page (line int NOT NULL, platform text NOT NULL, external_id text NOT NULL,
            organisation_external_id text NOT NULL, url text NOT NULL, name text NOT NULL, verified boolean,
            status "PageStatus") ON COMMIT DROP`,
    columns: ['line', 'platform', 'external_id', 'organisation_external_id', 'url', 'name', 'verified', 'status'],
  },
  observations: {
    table: 'stage_observation',
    ddl: `CREATE TEMP TABLE stage_observation (line int NOT NULL, platform text NOT NULL, external_id text NOT NULL,
            subscribers int NOT NULL, observed_on date NOT NULL) ON COMMIT DROP`,
    columns: ['line', 'platform', 'external_id', 'subscribers', 'observed_on'],
  },
};

/** Refreshes the planner's statistics of a staging table once its rows are in. */
export async function analyzeStaging(client: pg.PoolClient, kind: BulkKind): Promise<void> {
  await client.query(`ANALYZE ${STAGING_TABLES[kind].table}`);
}

/**
 * Plain observation lines (`plainObservations.ts`): the statements that read observations.csv
 * with PostgreSQL's own CSV reader and stage it when every line is plain.
 */
export const PLAIN_OBSERVATIONS = {
  /** The file's fields as text, numbered in file order (the header line is not copied). */
  ddl: `CREATE TEMP TABLE plain_observation (n int GENERATED ALWAYS AS IDENTITY, platform text NOT NULL, external_id text NOT NULL,
          subscribers text NOT NULL, observed_on text NOT NULL) ON COMMIT DROP`,
  /**
   * Fields split at commas, with no quoting (the quote is a control character the checks refuse):
   * a quote, an empty field or a wrong field count cannot pass unnoticed.
   */
  copy: "COPY plain_observation (platform, external_id, subscribers, observed_on) FROM STDIN WITH (FORMAT csv, HEADER true, QUOTE E'\\x02')",
  /**
   * Rows that are not plain — an external id other than ASCII letters, digits, `_`, `.` and `-`
   * (no space, quote or other character csv-parse or zod could read differently) or longer than
   * 1,000 characters, a count other than 1 to 10 digits or above $1.
   */
  check: `SELECT count(*) FILTER (WHERE NOT (external_id ~ '^[-A-Za-z0-9_.]+$' AND length(external_id) <= 1000
                                         AND subscribers ~ '^[0-9]+$' AND length(subscribers) <= 10
                                         AND (length(subscribers) < 10 OR subscribers <= $1)))::int AS bad
            FROM plain_observation`,
  /** The distinct platform codes (checked in Node with the row check's rules). */
  platforms: 'SELECT DISTINCT platform AS value FROM plain_observation',
  /** The distinct days (likewise). */
  days: 'SELECT DISTINCT observed_on AS value FROM plain_observation',
  /** The rows staged: row n of the data is the file's line n + 1 (the header is line 1). */
  stage: `INSERT INTO stage_observation (line, platform, external_id, subscribers, observed_on)
          SELECT n + 1, platform, external_id, subscribers::int, observed_on::date FROM plain_observation ORDER BY n`,
} as const;
