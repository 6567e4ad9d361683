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
