import type pg from 'pg';
import type { LoadSession } from '../session.js';
import { OBSERVATION_CHANGE, STAGED } from '../tables.js';
import { sendBatch } from './batch.js';
import { STORED_OBSERVATION } from './load.js';

/** Counts of one file's upsert. */
export interface UpsertCounts {
  inserted: number;
  updated: number;
}

/** Sums the `inserted` flags returned by an upsert's RETURNING (xmax = 0 means a new row). */
async function upsert(client: pg.PoolClient, sql: string): Promise<UpsertCounts> {
  const { rows } = await client.query<{ inserted: boolean }>(sql);
  const inserted = rows.filter((row) => row.inserted).length;
  return { inserted, updated: rows.length - inserted };
}

/**
 * Empty `status` cells of staged territories: an existing territory keeps its status, a new one
 * is ACTIVE. Runs before the retirement checks compare staged territories with stored ones.
 */
export async function resolveTerritoryDefaults(client: pg.PoolClient): Promise<void> {
  // Empty cells of territories that exist take the stored status.
  await client.query(`UPDATE ${STAGED.territories} s SET status = t.status FROM territory t WHERE t.code = s.code AND s.status IS NULL`);
  // The rest are new territories: ACTIVE.
  await client.query(`UPDATE ${STAGED.territories} SET status = 'ACTIVE' WHERE status IS NULL`);
}

/**
 * Territories: inserts new ones and updates changed names, levels and statuses, then points every staged
 * territory at its parent (a child may come before its parent in the file). Returns the counts
 * and whether an existing territory moved to another parent (the rollups then need a rebuild).
 */
export async function applyTerritories(client: pg.PoolClient): Promise<UpsertCounts & { moved: number }> {
  // Which staged territories are new, changed, or moved to another parent.
  await client.query(`CREATE TEMP TABLE territory_change ON COMMIT DROP AS
    SELECT s.code, t.id IS NULL AS is_new,
           t.id IS NOT NULL AND (t.name, t.level, t.status, p.code) IS DISTINCT FROM (s.name, s.level, s.status, s.parent_code) AS is_changed,
           t.id IS NOT NULL AND p.code IS DISTINCT FROM s.parent_code AS is_moved
      FROM ${STAGED.territories} s LEFT JOIN territory t ON t.code = s.code LEFT JOIN territory p ON p.id = t.parent_id`);
  // New territories and new names or levels; the tree position follows below.
  const counts = await upsert(
    client,
    `INSERT INTO territory (code, name, search_name, level, status, depth, path)
     SELECT s.code, s.name, s.search_name, s.level, s.status, 0, '{}'
       FROM ${STAGED.territories} s JOIN territory_change c ON c.code = s.code
      WHERE c.is_new OR c.is_changed
      ORDER BY s.code
     ON CONFLICT (code) DO UPDATE SET name = excluded.name, search_name = excluded.search_name, level = excluded.level, status = excluded.status
     RETURNING (xmax = 0) AS inserted`,
  );
  // Each staged territory's parent, by code (the parent may be new in this load).
  await client.query(
    `UPDATE territory t SET parent_id = p.id
       FROM ${STAGED.territories} s LEFT JOIN territory p ON p.code = s.parent_code
      WHERE t.code = s.code AND t.parent_id IS DISTINCT FROM p.id`,
  );
  const { rows } = await client.query<{ moved: number }>('SELECT count(*)::int AS moved FROM territory_change WHERE is_moved');
  if (counts.inserted + rows[0].moved > 0) await recomputeTreePaths(client);
  return { ...counts, moved: rows[0].moved };
}

/** Depth and root-to-self id path of every territory, recomputed from the parent links. */
export async function recomputeTreePaths(client: pg.PoolClient): Promise<void> {
  await client.query(
    `WITH RECURSIVE tree AS (
       SELECT id, ARRAY[id] AS path, 0 AS depth FROM territory WHERE parent_id IS NULL
       UNION ALL
       SELECT c.id, tree.path || c.id, tree.depth + 1 FROM territory c JOIN tree ON c.parent_id = tree.id
     )
     UPDATE territory t SET path = tree.path, depth = tree.depth
       FROM tree WHERE t.id = tree.id AND (t.path IS DISTINCT FROM tree.path OR t.depth <> tree.depth)`,
  );
}

/** Sectors: upsert by code. */
export async function applySectors(client: pg.PoolClient): Promise<UpsertCounts> {
  return upsert(
    client,
    `INSERT INTO sector (code, name) SELECT code, name FROM ${STAGED.sectors} ORDER BY code
     ON CONFLICT (code) DO UPDATE SET name = excluded.name WHERE sector.name IS DISTINCT FROM excluded.name
     RETURNING (xmax = 0) AS inserted`,
  );
}

/** Organisations: upsert by external id, territory and sector resolved from their codes. */
export async function applyOrganisations(client: pg.PoolClient): Promise<UpsertCounts> {
  return upsert(
    client,
    `INSERT INTO organisation (external_id, name, search_name, kind, territory_id, sector_id, inn, ogrn)
     SELECT s.external_id, s.name, s.search_name, s.kind, t.id, c.id, s.inn, s.ogrn
       FROM ${STAGED.organisations} s JOIN territory t ON t.code = s.territory_code JOIN sector c ON c.code = s.sector_code
      ORDER BY s.external_id
     ON CONFLICT (external_id) DO UPDATE
        SET name = excluded.name, search_name = excluded.search_name, kind = excluded.kind,
            territory_id = excluded.territory_id, sector_id = excluded.sector_id, inn = excluded.inn, ogrn = excluded.ogrn
      WHERE (organisation.name, organisation.kind, organisation.territory_id, organisation.sector_id, organisation.inn, organisation.ogrn)
            IS DISTINCT FROM (excluded.name, excluded.kind, excluded.territory_id, excluded.sector_id, excluded.inn, excluded.ogrn)
     RETURNING (xmax = 0) AS inserted`,
  );
}

/**
 * Empty `verified` and `status` cells of staged pages: an existing page keeps its value, a new
 * page gets the default (not verified, ACTIVE). Runs before anything compares staged pages
 * with stored ones.
 */
export async function resolvePageDefaults(client: pg.PoolClient): Promise<void> {
  // Empty cells of pages that exist take the stored values.
  await client.query(
    `UPDATE ${STAGED.pages} s SET verified = coalesce(s.verified, p.verified), status = coalesce(s.status, p.status)
       FROM page p JOIN platform f ON f.id = p.platform_id
      WHERE f.code = s.platform AND p.external_id = s.external_id AND (s.verified IS NULL OR s.status IS NULL)`,
  );
  // The rest are new pages: the defaults.
  await client.query(
    `UPDATE ${STAGED.pages} SET verified = coalesce(verified, false), status = coalesce(status, 'ACTIVE')
      WHERE verified IS NULL OR status IS NULL`,
  );
}

/** Pages: upsert by (platform, external id), organisation resolved from its external id. */
export async function applyPages(client: pg.PoolClient): Promise<UpsertCounts> {
  return upsert(
    client,
    `INSERT INTO page (platform_id, external_id, organisation_id, url, name, verified, status)
     SELECT f.id, s.external_id, o.id, s.url, s.name, s.verified, s.status
       FROM ${STAGED.pages} s JOIN platform f ON f.code = s.platform JOIN organisation o ON o.external_id = s.organisation_external_id
      ORDER BY f.id, s.external_id
     ON CONFLICT (platform_id, external_id) DO UPDATE
        SET organisation_id = excluded.organisation_id, url = excluded.url, name = excluded.name,
            verified = excluded.verified, status = excluded.status
      WHERE (page.organisation_id, page.url, page.name, page.verified, page.status)
            IS DISTINCT FROM (excluded.organisation_id, excluded.url, excluded.name, excluded.verified, excluded.status)
     RETURNING (xmax = 0) AS inserted`,
  );
}

/**
 * Observations: the staged rows resolved to page ids, split into new, corrected and unchanged
 * (the observation change table, created with them, keeps the new and corrected ones for the
 * rollups), then upserted. One round trip; returns how many are unchanged and how many change.
 * `resolve`: the statements that fill the observation change, when not RESOLVE_OBSERVATIONS
 * alone (a load of observations only snapshots the observed pages in the same pass: sql/rollup.ts).
 */
export async function resolveObservations(
  session: LoadSession,
  resolve: readonly string[] = [RESOLVE_OBSERVATIONS],
): Promise<{ unchanged: number; changed: number }> {
  const results = await session.send(
    [
      ...resolve,
      // Looked up by page and day by the rollup step.
      `CREATE INDEX ON ${OBSERVATION_CHANGE} (page_id, observed_on)`,
      // Its real size for the planner of the steps that join it.
      `ANALYZE ${OBSERVATION_CHANGE}`,
      // The staged rows, and those that change (the rest are unchanged).
      `SELECT (SELECT count(*) FROM ${STAGED.observations})::int AS staged, (SELECT count(*) FROM ${OBSERVATION_CHANGE})::int AS changed`,
    ],
    [OBSERVATION_CHANGE],
  );
  const { staged, changed } = results[results.length - 1].rows[0] as { staged: number; changed: number };
  return { unchanged: staged - changed, changed };
}

/** Staged observations that add a date or correct a count, into the observation change; unchanged ones are dropped here. */
const RESOLVE_OBSERVATIONS = `INSERT INTO ${OBSERVATION_CHANGE} (page_id, observed_on, subscribers, is_new)
  SELECT p.id, s.observed_on, s.subscribers, o.page_id IS NULL
    FROM ${STAGED.observations} s
    JOIN platform f ON f.code = s.platform
    JOIN page p ON p.platform_id = f.id AND p.external_id = s.external_id
    ${STORED_OBSERVATION}
   WHERE o.page_id IS NULL OR o.subscribers <> s.subscribers`;

/**
 * Writes the new and corrected observations resolved by `resolveObservations`, and counts them
 * (`appliedCounts` reads the last result): statements the rollup step sends with its snapshot.
 */
export const APPLY_OBSERVATIONS = [
  // The new and corrected observations.
  `INSERT INTO observation (page_id, observed_on, subscribers)
   SELECT page_id, observed_on, subscribers FROM ${OBSERVATION_CHANGE} ORDER BY page_id, observed_on
   ON CONFLICT (page_id, observed_on) DO UPDATE SET subscribers = excluded.subscribers`,
  // How many of each.
  `SELECT count(*) FILTER (WHERE is_new)::int AS inserted, count(*) FILTER (WHERE NOT is_new)::int AS updated FROM ${OBSERVATION_CHANGE}`,
] as const;

/** The counts of APPLY_OBSERVATIONS, from its results. */
export function appliedCounts(results: readonly pg.QueryResult[]): UpsertCounts {
  return results[results.length - 1].rows[0] as UpsertCounts;
}
