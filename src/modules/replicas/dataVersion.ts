import type pg from 'pg';

/**
 * The version of the data (table `data_version`, one row): bumped by every load just before it
 * commits, read by every GraphQL response from the database that answers it. A client that just
 * pushed data compares the version its load got with a read's `extensions.dataVersion.version`.
 */
export interface DataVersion {
  /** How many loads the answering database has applied (0: none yet). */
  version: number;
  /** When the last of them was committed on the primary (ISO 8601); null before the first. */
  committedAt: string | null;
}

interface DataVersionRow {
  version: string;
  committed_at: Date | null;
}

function fromRow(row: DataVersionRow | undefined): DataVersion {
  return { version: Number(row?.version ?? 0), committedAt: row?.committed_at?.toISOString() ?? null };
}

/**
 * Counts one more applied load, inside the load's transaction (so it commits, or not, with it),
 * and sends the notice on `channel` carrying the new version (delivered at commit: the
 * announcement of `notifyDataChanged`), in one statement.
 */
export async function bumpDataVersionAndNotify(client: pg.PoolClient, channel: string): Promise<DataVersion> {
  // The next version, stamped with the time just before the commit (clock_timestamp(), not the
  // transaction's start; the load holds the apply lock, so versions follow the commit order), and
  // the notice whose payload is that version.
  const { rows } = await client.query<DataVersionRow>(
    `WITH bumped AS (UPDATE data_version SET version = version + 1, committed_at = clock_timestamp() WHERE id = $1 RETURNING version, committed_at)
     SELECT version, committed_at, pg_notify($2, version::text) FROM bumped`,
    [1, channel],
  );
  return fromRow(rows[0]);
}

/** The version of the data in the database behind `pool` (a replica: as far as it has replayed). */
export async function readDataVersion(pool: pg.Pool): Promise<DataVersion> {
  // The one row of the table.
  const { rows } = await pool.query<DataVersionRow>('SELECT version, committed_at FROM data_version WHERE id = $1', [1]);
  return fromRow(rows[0]);
}

/** Milliseconds a pool's version is remembered: responses within this window share one read. */
export const DATA_VERSION_CACHE_MS = 100;

/**
 * `readDataVersion` remembered per pool for `DATA_VERSION_CACHE_MS`; concurrent requests share
 * one read. A cached version is never newer than the database, so what a read returns always
 * includes at least that version (it is read before the operation executes).
 */
export function dataVersionCache(ttlMs = DATA_VERSION_CACHE_MS): (pool: pg.Pool) => Promise<DataVersion> {
  const cached = new Map<pg.Pool, { at: number; value: Promise<DataVersion> }>();
  return async (pool) => {
    const hit = cached.get(pool);
    if (hit && Date.now() - hit.at < ttlMs) return hit.value;
    const value = readDataVersion(pool);
    cached.set(pool, { at: Date.now(), value });
    // A failed read is not remembered.
    value.catch(() => {
      if (cached.get(pool)?.value === value) cached.delete(pool);
    });
    return value;
  };
}
