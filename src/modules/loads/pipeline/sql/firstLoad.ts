import type pg from 'pg';
import { STAGED } from '../tables.js';
import type { UpsertCounts } from './apply.js';

/**
 * The first load into a database with no organisation, page or observation yet: the same rows
 * the incremental path writes, in fewer and cheaper statements. Nothing stored can conflict, so
 * rows are plain INSERTs; each page's current count and each organisation's platform set and
 * subscribers are computed from the staged rows and written with the row (instead of written
 * and then updated); the secondary indexes and foreign keys of the three tables are built once at
 * the end instead of row by row (in a brand-new database only); the rollups are counted once from
 * the written rows (`rebuildRollups`).
 * Staging, the checks and the scope checks are the same as for any load.
 */

/** The tables a first load fills. */
export const FILLED_TABLES = ['organisation', 'page', 'observation'] as const;

/**
 * Whether the load can take the first-load path (no organisation, page or observation stored) and
 * whether the database is brand new (not even a territory stored yet): only then does the path
 * also rebuild indexes and foreign keys, which holds the three tables until the load commits. Each
 * of the three tables is asked whether it is empty (pages and observations need an organisation,
 * but a half-cleaned database is not assumed), and the territory table too.
 */
export const FIRST_LOAD_KIND = `SELECT NOT EXISTS (SELECT 1 FROM organisation) AND NOT EXISTS (SELECT 1 FROM page)
         AND NOT EXISTS (SELECT 1 FROM observation) AS first,
         NOT EXISTS (SELECT 1 FROM territory) AS brand_new`;

/** The answer of FIRST_LOAD_KIND (sent by the check step, after the apply lock, with its first checks). */
export interface FirstLoadKind {
  first: boolean;
  brandNew: boolean;
}

/** FIRST_LOAD_KIND's result read. */
export function firstLoadKindOf(result: pg.QueryResult): FirstLoadKind {
  const row = result.rows[0] as { first: boolean; brand_new: boolean };
  return { first: row.first, brandNew: row.first && row.brand_new };
}

/**
 * Drops what a first load builds better once at the end than row by row, and returns the
 * statements that create it again: the secondary (non-unique) indexes of the filled tables, and
 * their foreign keys (to each other, and to territories, sectors and platforms; each checked row
 * by row by a trigger, where re-adding it checks all rows in one join). Unique indexes and
 * primary keys stay: they guard the rows as they are written.
 *
 * Dropping takes the strongest lock on the filled tables and on the tables their keys reference,
 * until the load commits: a reader of them waits. So it is done only in a brand-new database
 * (`firstLoadKind`: no territory stored yet), where there is nothing to read; the tables are
 * empty, so no reader loses an index or a guarantee.
 */
export async function dropDeferredStructures(client: pg.PoolClient): Promise<string[]> {
  // The definitions of the filled tables' indexes that no constraint or uniqueness depends on.
  const indexes = await client.query<{ name: string; definition: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = current_schema() AND t.relname = ANY($1::text[]) AND NOT i.indisunique AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
      ORDER BY c.relname`,
    [FILLED_TABLES],
  );
  // The foreign keys of the filled tables, with their full definitions.
  const keys = await client.query<{ name: string; owner: string; definition: string }>(
    `SELECT k.conname AS name, k.conrelid::regclass::text AS owner, pg_get_constraintdef(k.oid) AS definition
       FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE k.contype = 'f' AND n.nspname = current_schema() AND t.relname = ANY($1::text[])
      ORDER BY k.conname`,
    [FILLED_TABLES],
  );
  // Names as regclass prints them: quoted where needed and schema-qualified where the search
  // path would not find them first (a temporary table of the same name, say).
  for (const index of indexes.rows) await client.query(`DROP INDEX ${index.name}`);
  for (const key of keys.rows) await client.query(`ALTER TABLE ${key.owner} DROP CONSTRAINT ${quoteIdentifier(key.name)}`);
  return [
    ...indexes.rows.map((index) => index.definition),
    ...keys.rows.map((key) => `ALTER TABLE ${key.owner} ADD CONSTRAINT ${quoteIdentifier(key.name)} ${key.definition}`),
  ];
}

/**
 * Creates what `dropDeferredStructures` dropped (each index in one pass over its table, each
 * foreign key checked over all rows at once), then refreshes the filled tables' statistics for
 * the rollup rebuild that follows.
 */
export async function createDeferredStructures(client: pg.PoolClient, statements: readonly string[]): Promise<void> {
  if (statements.length > 0) {
    // Index builds sort in memory when they can.
    await client.query("SET LOCAL maintenance_work_mem = '512MB'");
    for (const statement of statements) await client.query(statement);
  }
  await client.query(`ANALYZE ${FILLED_TABLES.join(', ')}`);
}

/**
 * `page_latest`: each staged page's latest staged observation (its current count), empty when
 * the load has no observations.
 */
export async function stageLatestCounts(client: pg.PoolClient, hasObservations: boolean): Promise<void> {
  await client.query(
    hasObservations
      ? // The last observation of each (platform, page) of the load, found by hashing rather than by
        // sorting every observation: (day, count) packed into one bigint whose maximum is the
        // latest day's (days since 2000 in the high 32 bits, the count, below 2^31, in the low 32).
        `CREATE TEMP TABLE page_latest ON COMMIT DROP AS
         SELECT platform, external_id, (latest & 4294967295)::int AS subscribers, DATE '2000-01-01' + (latest >> 32)::int AS observed_on
           FROM (SELECT platform, external_id, max(((observed_on - DATE '2000-01-01')::bigint << 32) | subscribers) AS latest
                   FROM ${STAGED.observations} GROUP BY platform, external_id) l`
      : 'CREATE TEMP TABLE page_latest (platform text, external_id text, subscribers int, observed_on date) ON COMMIT DROP',
  );
  await client.query('ANALYZE page_latest');
}

/**
 * Organisations with their platform set and current subscribers (from the load's active pages and
 * their latest counts) computed before they are written.
 */
export async function insertOrganisations(client: pg.PoolClient, hasPages: boolean): Promise<UpsertCounts> {
  const summary = hasPages
    ? // Per organisation of the load: the platforms of its active pages and the sum of their latest counts.
      `SELECT s.organisation_external_id AS external_id,
              bit_or(1 << (f.id - 1)) FILTER (WHERE s.status = 'ACTIVE') AS mask,
              sum(l.subscribers) FILTER (WHERE s.status = 'ACTIVE') AS subscribers
         FROM ${STAGED.pages} s JOIN platform f ON f.code = s.platform
         LEFT JOIN page_latest l ON l.platform = s.platform AND l.external_id = s.external_id
        GROUP BY 1`
    : 'SELECT NULL::text AS external_id, NULL::int AS mask, NULL::bigint AS subscribers WHERE false';
  // Every staged organisation, territory and sector resolved from their codes, in key order.
  const result = await client.query(
    `INSERT INTO organisation (external_id, name, search_name, kind, territory_id, sector_id, inn, ogrn, platform_mask, subscribers)
     SELECT s.external_id, s.name, s.search_name, s.kind, t.id, c.id, s.inn, s.ogrn, coalesce(a.mask, 0), coalesce(a.subscribers, 0)
       FROM ${STAGED.organisations} s JOIN territory t ON t.code = s.territory_code JOIN sector c ON c.code = s.sector_code
       LEFT JOIN (${summary}) a ON a.external_id = s.external_id
      ORDER BY s.external_id`,
  );
  return { inserted: result.rowCount ?? 0, updated: 0 };
}

/** Pages with their current count (latest staged observation) written with the row. */
export async function insertPages(client: pg.PoolClient): Promise<UpsertCounts> {
  // Every staged page, organisation and platform resolved, with its latest count when observed.
  const result = await client.query(
    `INSERT INTO page (platform_id, external_id, organisation_id, url, name, verified, status, subscribers, observed_on)
     SELECT f.id, s.external_id, o.id, s.url, s.name, s.verified, s.status, l.subscribers, l.observed_on
       FROM ${STAGED.pages} s JOIN platform f ON f.code = s.platform JOIN organisation o ON o.external_id = s.organisation_external_id
       LEFT JOIN page_latest l ON l.platform = s.platform AND l.external_id = s.external_id
      ORDER BY f.id, s.external_id`,
  );
  return { inserted: result.rowCount ?? 0, updated: 0 };
}

/** Observations, each resolved to its page, in the order of the primary key. */
export async function insertObservations(client: pg.PoolClient): Promise<UpsertCounts> {
  // Every staged observation with its page's id.
  const result = await client.query(
    `INSERT INTO observation (page_id, observed_on, subscribers)
     SELECT p.id, s.observed_on, s.subscribers
       FROM ${STAGED.observations} s JOIN platform f ON f.code = s.platform JOIN page p ON p.platform_id = f.id AND p.external_id = s.external_id
      ORDER BY p.id, s.observed_on`,
  );
  return { inserted: result.rowCount ?? 0, updated: 0 };
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
