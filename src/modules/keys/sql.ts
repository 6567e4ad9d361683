import type pg from 'pg';

/** A stored key as the service sees it. */
export interface KeyRow {
  id: number;
  name: string;
  hint: string;
  within: string[];
  read_only: boolean;
  rate_points: number | null;
  created_at: Date;
  expires_on: string | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const COLUMNS =
  'id, name, hint, coalesce(within, ARRAY[]::text[]) AS within, read_only, rate_points, created_at, expires_on, expires_at, revoked_at, last_used_at';

/** Stores a new key (its secret's hash only) and returns it. */
export async function insertKey(
  db: pg.ClientBase | pg.Pool,
  key: { name: string; secretHash: string; hint: string; within: string[]; readOnly: boolean; ratePoints: number | null; expiresOn: string | null },
): Promise<KeyRow> {
  // One new key.
  const { rows } = await db.query<KeyRow>(
    `INSERT INTO api_key (name, secret_hash, hint, within, read_only, rate_points, expires_on)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [key.name, key.secretHash, key.hint, key.within, key.readOnly, key.ratePoints, key.expiresOn],
  );
  return rows[0];
}

/** Every key, oldest first. */
export async function selectKeys(db: pg.ClientBase | pg.Pool): Promise<KeyRow[]> {
  // All keys with their scope and state (never a secret: only its hash is stored, and not selected).
  const { rows } = await db.query<KeyRow>(`SELECT ${COLUMNS} FROM api_key ORDER BY id`);
  return rows;
}

/** The key whose secret has this hash, whatever its state. */
export async function selectKeyByHash(db: pg.ClientBase | pg.Pool, hash: string): Promise<KeyRow | undefined> {
  // The key a presented secret names (unique index on secret_hash).
  const { rows } = await db.query<KeyRow>(`SELECT ${COLUMNS} FROM api_key WHERE secret_hash = $1`, [hash]);
  return rows[0];
}

/** Marks a key revoked (once); returns it, or undefined when no key has this id. */
export async function revokeKeyRow(db: pg.ClientBase | pg.Pool, id: number): Promise<KeyRow | undefined> {
  // The key, revoked now unless it was already.
  const { rows } = await db.query<KeyRow>(`UPDATE api_key SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${COLUMNS}`, [id]);
  return rows[0];
}

/** Records that a key was used (callers throttle this). */
export async function touchKey(db: pg.ClientBase | pg.Pool, id: number): Promise<void> {
  // The time the key was last used.
  await db.query('UPDATE api_key SET last_used_at = now() WHERE id = $1', [id]);
}

/**
 * True while the key may still write: not revoked, not expired. Run inside a write's transaction
 * (`FOR SHARE`), so a revoke waits for the write in flight and every later write sees it.
 */
export async function keyStillValid(client: pg.ClientBase, id: number): Promise<boolean> {
  // The key's row, locked against a concurrent revoke until this transaction ends.
  const { rows } = await client.query(
    'SELECT 1 FROM api_key WHERE id = $1 AND revoked_at IS NULL AND (expires_on IS NULL OR expires_on >= current_date) AND (expires_at IS NULL OR expires_at > now()) FOR SHARE',
    [id],
  );
  return rows.length > 0;
}

/** Ids of the territories with these codes, and the codes no territory has. */
export async function resolveTerritoryCodes(db: pg.ClientBase | pg.Pool, codes: readonly string[]): Promise<{ ids: number[]; unknown: string[] }> {
  // The territories named by a key's `within` codes.
  const { rows } = await db.query<{ id: number; code: string }>('SELECT id, code FROM territory WHERE code = ANY($1::text[])', [codes]);
  const found = new Set(rows.map((row) => row.code));
  return { ids: rows.map((row) => row.id).sort((a, b) => a - b), unknown: codes.filter((code) => !found.has(code)) };
}

/** A key by id, whatever its state. */
export async function selectKeyById(db: pg.ClientBase | pg.Pool, id: number): Promise<KeyRow | undefined> {
  // One key by id.
  const { rows } = await db.query<KeyRow>(`SELECT ${COLUMNS} FROM api_key WHERE id = $1`, [id]);
  return rows[0];
}

/** Sets the moment a key stops working (a rotation's end of grace), unless it stops sooner already; undefined when no usable key has this id. */
export async function expireKeyAt(db: pg.ClientBase | pg.Pool, id: number, graceSeconds: number): Promise<KeyRow | undefined> {
  // The rotated key, working for the grace period more; a revoked or expired key is not rotated.
  const { rows } = await db.query<KeyRow>(
    `UPDATE api_key SET expires_at = LEAST(coalesce(expires_at, 'infinity'), now() + make_interval(secs => $2))
      WHERE id = $1 AND revoked_at IS NULL AND (expires_on IS NULL OR expires_on >= current_date) AND (expires_at IS NULL OR expires_at > now())
      RETURNING ${COLUMNS}`,
    [id, graceSeconds],
  );
  return rows[0];
}
