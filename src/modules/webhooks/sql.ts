import type pg from 'pg';

type Db = pg.Pool | pg.ClientBase;

/** A key's webhook as stored. */
export interface EndpointRow {
  key_id: number;
  url: string;
  secret_ciphertext: string;
  created_at: Date;
  updated_at: Date;
}

/** A delivery as the worker and `keys deliveries` read it. */
export interface DeliveryRow {
  id: string;
  key_id: number;
  load_id: string;
  url: string;
  body: string | null;
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  next_attempt_at: Date;
  lease_token: string | null;
  lease_until: Date | null;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

/** A claimed delivery with its key's current webhook URL and secret (null: the webhook was turned off). */
export type ClaimedDelivery = DeliveryRow & { endpoint_url: string | null; secret_ciphertext: string | null };

/** Changes the URL of a key's webhook (its secret stays); false when the key has none. */
export async function updateEndpointUrl(db: Db, keyId: number, url: string): Promise<boolean> {
  // The key's webhook, pointed elsewhere.
  const { rowCount } = await db.query('UPDATE webhook_endpoint SET url = $2, updated_at = now() WHERE key_id = $1', [keyId, url]);
  return rowCount === 1;
}

/** Gives a key a webhook with its (encrypted) secret. */
export async function insertEndpoint(db: Db, keyId: number, url: string, secretCiphertext: string): Promise<void> {
  // The key's new webhook.
  await db.query('INSERT INTO webhook_endpoint (key_id, url, secret_ciphertext) VALUES ($1, $2, $3)', [keyId, url, secretCiphertext]);
}

/** Removes a key's webhook; true when it had one. */
export async function deleteEndpoint(db: Db, keyId: number): Promise<boolean> {
  // The key's webhook, gone.
  const { rowCount } = await db.query('DELETE FROM webhook_endpoint WHERE key_id = $1', [keyId]);
  return rowCount === 1;
}

export async function selectEndpoint(db: Db, keyId: number): Promise<EndpointRow | undefined> {
  // One key's webhook.
  const { rows } = await db.query<EndpointRow>('SELECT * FROM webhook_endpoint WHERE key_id = $1', [keyId]);
  return rows[0];
}

/** Every key's webhook URL, by key id (for `keys list`). */
export async function selectEndpointUrls(db: Db): Promise<Map<number, string>> {
  // Key id and URL of every webhook.
  const { rows } = await db.query<{ key_id: number; url: string }>('SELECT key_id, url FROM webhook_endpoint');
  return new Map(rows.map((row) => [row.key_id, row.url]));
}

/**
 * Claims up to `limit` deliveries due now that nobody holds (or whose holder's lease ran out: its
 * process died): each gets this claim's token and a lease of `leaseSeconds`, and one more attempt.
 */
export async function claimDeliveries(db: Db, token: string, leaseSeconds: number, limit: number): Promise<ClaimedDelivery[]> {
  // Due, unheld deliveries, oldest due first, skipping rows another process is claiming right now.
  const { rows } = await db.query<ClaimedDelivery>(
    `UPDATE webhook_delivery d
        SET lease_token = $1, lease_until = now() + make_interval(secs => $2), attempts = d.attempts + 1
       FROM webhook_delivery c LEFT JOIN webhook_endpoint e ON e.key_id = c.key_id
      WHERE c.id = d.id AND d.id IN (SELECT id FROM webhook_delivery
                      WHERE status = 'PENDING' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
                      ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
      RETURNING d.*, e.url AS endpoint_url, e.secret_ciphertext`,
    [token, leaseSeconds, limit],
  );
  return rows;
}

/** Stores a delivery's body unless it has one (every attempt then sends the same bytes); returns the body kept. */
export async function fillBody(db: Db, id: string, token: string, body: string): Promise<string | undefined> {
  // The body, set once, by the claim's holder.
  const { rows } = await db.query<{ body: string }>('UPDATE webhook_delivery SET body = coalesce(body, $3) WHERE id = $1 AND lease_token = $2 RETURNING body', [
    id,
    token,
    body,
  ]);
  return rows[0]?.body;
}

/** Records a 2xx answer (only while this claim still holds the delivery). */
export async function markDelivered(db: Db, id: string, token: string, status: number): Promise<void> {
  // The delivery, done.
  await db.query(
    `UPDATE webhook_delivery SET status = 'DELIVERED', delivered_at = now(), last_status = $3, last_error = NULL, lease_token = NULL, lease_until = NULL
      WHERE id = $1 AND lease_token = $2`,
    [id, token, status],
  );
}

/**
 * Records a failed attempt: the next one `retryInSeconds` from now, or FAILED for good when that
 * would fall after `windowSeconds` since the delivery was queued (or `giveUp` says so).
 */
export async function markFailed(
  db: Db,
  id: string,
  token: string,
  attempt: { status: number | null; error: string; retryInSeconds: number; windowSeconds: number; giveUp?: boolean },
): Promise<'PENDING' | 'FAILED'> {
  // The delivery, rescheduled or given up.
  const { rows } = await db.query<{ status: 'PENDING' | 'FAILED' }>(
    `UPDATE webhook_delivery
        SET status = CASE WHEN $7 OR created_at + make_interval(secs => $6) < now() + make_interval(secs => $5) THEN 'FAILED' ELSE 'PENDING' END::"WebhookDeliveryStatus",
            next_attempt_at = now() + make_interval(secs => $5), last_status = $3, last_error = $4, lease_token = NULL, lease_until = NULL
      WHERE id = $1 AND lease_token = $2 RETURNING status`,
    [id, token, attempt.status, attempt.error.slice(0, 500), attempt.retryInSeconds, attempt.windowSeconds, attempt.giveUp ?? false],
  );
  return rows[0]?.status ?? 'PENDING';
}

/** The latest deliveries, newest first, of one key or all. */
export async function selectDeliveries(db: Db, keyId: number | null, limit: number): Promise<DeliveryRow[]> {
  // Deliveries for `keys deliveries`.
  const { rows } = await db.query<DeliveryRow>('SELECT * FROM webhook_delivery WHERE ($1::int IS NULL OR key_id = $1) ORDER BY created_at DESC, id LIMIT $2', [
    keyId,
    limit,
  ]);
  return rows;
}

/** Deletes ended deliveries (DELIVERED or FAILED) queued more than `days` ago; returns how many. */
export async function purgeDeliveries(db: Db, days: number): Promise<number> {
  // Deliveries kept past their retention (the loads they announce are purged after as long).
  const { rowCount } = await db.query("DELETE FROM webhook_delivery WHERE status <> 'PENDING' AND created_at < now() - make_interval(days => $1)", [days]);
  return rowCount ?? 0;
}
