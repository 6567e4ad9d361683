import type pg from 'pg';

export interface AuditRow {
  id: number;
  key_id: number | null;
  key_name: string | null;
  at: Date;
  action: string;
  outcome: string;
  counts: unknown;
  load_id: string | null;
  detail: string | null;
}

/** Records one write and its outcome. */
export async function insertAuditEvent(
  db: pg.Pool | pg.ClientBase,
  event: { keyId: number | null; action: string; outcome: string; counts?: unknown; loadId?: string | null; detail?: string | null },
): Promise<void> {
  // One audit event.
  await db.query('INSERT INTO audit_event (key_id, action, outcome, counts, load_id, detail) VALUES ($1, $2, $3, $4, $5, $6)', [
    event.keyId,
    event.action,
    event.outcome,
    event.counts === undefined ? null : JSON.stringify(event.counts),
    event.loadId ?? null,
    event.detail ?? null,
  ]);
}

/** The latest audit events, newest first, optionally of one key. */
export async function selectAuditEvents(db: pg.Pool | pg.ClientBase, keyId: number | null, limit: number): Promise<AuditRow[]> {
  // Audit events with the name of their key.
  const { rows } = await db.query<AuditRow>(
    `SELECT e.id, e.key_id, k.name AS key_name, e.at, e.action, e.outcome, e.counts, e.load_id, e.detail
       FROM audit_event e LEFT JOIN api_key k ON k.id = e.key_id
      WHERE $1::int IS NULL OR e.key_id = $1
      ORDER BY e.at DESC, e.id DESC LIMIT $2`,
    [keyId, limit],
  );
  return rows;
}
