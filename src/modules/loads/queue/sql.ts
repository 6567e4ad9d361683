import type pg from 'pg';
import { ADVISORY_LOCKS } from '../../../db/locks.js';
import type { FileSummary, RowError } from '../rows/files.js';

/** A load row as the queue and the routes read it. */
export interface LoadRow {
  id: string;
  seq: string;
  key_id: number;
  status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  dry_run: boolean;
  idempotency_key: string | null;
  content_hash: string;
  owner: string;
  folder: string;
  bytes: string;
  received_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  progress: unknown;
  files: FileSummary[] | null;
  error_count: number;
  errors: RowError[] | null;
  reason: string | null;
}

/** Holds this process's owner lock on a session of its own (released when the session ends, a crash included). */
export async function holdOwnerLock(client: pg.ClientBase, owner: string): Promise<void> {
  // The lock that says "the process owning these loads is alive".
  await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [ADVISORY_LOCKS.loadOwner, owner]);
}

/** Owners of unfinished loads whose process is gone (their owner lock is free). */
export async function deadOwners(client: pg.ClientBase, me: string): Promise<string[]> {
  // Owners with queued or running loads, other than this process.
  const { rows } = await client.query<{ owner: string }>("SELECT DISTINCT owner FROM load WHERE status IN ('QUEUED', 'RUNNING') AND owner <> $1", [me]);
  const dead: string[] = [];
  for (const { owner } of rows) {
    // Free lock: nobody holds it, so the owner is gone; taken and given back at once.
    const { rows: probe } = await client.query<{ free: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS free', [ADVISORY_LOCKS.loadOwner, owner]);
    if (probe[0].free) {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [ADVISORY_LOCKS.loadOwner, owner]);
      dead.push(owner);
    }
  }
  return dead;
}

/** Ends the unfinished loads of a dead owner: FAILED, `interrupted` (nothing of them was committed). */
export async function failInterrupted(
  db: pg.Pool | pg.ClientBase,
  owner: string,
  statuses: readonly ('QUEUED' | 'RUNNING')[] = ['QUEUED', 'RUNNING'],
): Promise<LoadRow[]> {
  // The loads cut off by their process's end (or, with ['RUNNING'], by the loss of its session).
  const { rows } = await db.query<LoadRow>(
    `UPDATE load SET status = 'FAILED', reason = 'interrupted', finished_at = now(), progress = NULL
      WHERE owner = $1 AND status = ANY($2::"LoadStatus"[]) RETURNING *`,
    [owner, statuses],
  );
  return rows;
}

/** The first unfinished load in order of arrival (the next to apply, or the one applying). */
export async function firstUnfinished(db: pg.Pool | pg.ClientBase): Promise<LoadRow | undefined> {
  // The head of the queue.
  const { rows } = await db.query<LoadRow>("SELECT * FROM load WHERE status IN ('QUEUED', 'RUNNING') ORDER BY seq LIMIT 1");
  return rows[0];
}

/** Marks a queued load running; false when another worker took it first. */
export async function claimLoad(db: pg.Pool | pg.ClientBase, id: string): Promise<boolean> {
  // The load, now running.
  const { rowCount } = await db.query("UPDATE load SET status = 'RUNNING', started_at = now() WHERE id = $1 AND status = 'QUEUED'", [id]);
  return rowCount === 1;
}

export async function saveProgress(db: pg.Pool | pg.ClientBase, id: string, progress: unknown): Promise<void> {
  // The running load's latest progress.
  await db.query("UPDATE load SET progress = $2 WHERE id = $1 AND status = 'RUNNING'", [id, JSON.stringify(progress)]);
}

/** Records how a load ended. */
export async function finishLoad(
  db: pg.Pool | pg.ClientBase,
  id: string,
  outcome: { status: 'SUCCEEDED' | 'FAILED'; files: FileSummary[] | null; errorCount: number; errors: RowError[]; reason: string | null },
): Promise<void> {
  // The load's end: status, summaries, the first errors.
  await db.query('UPDATE load SET status = $2, finished_at = now(), progress = NULL, files = $3, error_count = $4, errors = $5, reason = $6 WHERE id = $1', [
    id,
    outcome.status,
    outcome.files ? JSON.stringify(outcome.files) : null,
    outcome.errorCount,
    JSON.stringify(outcome.errors),
    outcome.reason,
  ]);
}

/** Deletes finished loads older than `days`. */
export async function purgeLoads(db: pg.Pool | pg.ClientBase, days: number): Promise<number> {
  // Loads kept past their retention.
  const { rowCount } = await db.query("DELETE FROM load WHERE finished_at < now() - make_interval(days => $1) AND status IN ('SUCCEEDED', 'FAILED')", [days]);
  return rowCount ?? 0;
}

export async function selectLoad(db: pg.Pool | pg.ClientBase, id: string): Promise<LoadRow | undefined> {
  // One load by id.
  const { rows } = await db.query<LoadRow>('SELECT * FROM load WHERE id = $1', [id]);
  return rows[0];
}

/**
 * Records a received load, or finds the load this idempotency key already names (same key,
 * within 24 hours): serialised per (key, idempotency key) by an advisory lock.
 */
export async function insertOrReplayLoad(
  pool: pg.Pool,
  load: { id: string; keyId: number; dryRun: boolean; idempotencyKey: string | null; contentHash: string; owner: string; folder: string; bytes: number },
): Promise<{ row: LoadRow; replayed: boolean }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    if (load.idempotencyKey !== null) {
      // One request at a time per (key, idempotency key), until this transaction ends.
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ADVISORY_LOCKS.idempotency, `${load.keyId}:${load.idempotencyKey}`]);
      // The load this idempotency key named in the last 24 hours, if any.
      const { rows } = await client.query<LoadRow>(
        "SELECT * FROM load WHERE key_id = $1 AND idempotency_key = $2 AND received_at > now() - interval '24 hours' ORDER BY seq LIMIT 1",
        [load.keyId, load.idempotencyKey],
      );
      if (rows[0]) {
        await client.query('COMMIT');
        return { row: rows[0], replayed: true };
      }
    }
    // The new load, queued.
    const { rows } = await client.query<LoadRow>(
      `INSERT INTO load (id, key_id, dry_run, idempotency_key, content_hash, owner, folder, bytes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [load.id, load.keyId, load.dryRun, load.idempotencyKey, load.contentHash, load.owner, load.folder, load.bytes],
    );
    await client.query('COMMIT');
    return { row: rows[0], replayed: false };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
