import { LRUCache } from 'lru-cache';
import type pg from 'pg';
import { config } from '../../config.js';
import { CHANNELS } from '../../db/notifications.js';
import { inTransaction } from '../../db/transaction.js';
import { isWellFormed, newSecret, secretHash, secretHint } from './secret.js';
import { expireKeyAt, insertKey, type KeyRow, resolveTerritoryCodes, revokeKeyRow, selectKeyByHash, selectKeys, touchKey } from './sql.js';

/**
 * API keys: created and revoked by an operator (`npm run keys`), presented by integrations as
 * `Authorization: Bearer gp_…`. The secret is shown once and only its hash is stored.
 */

/** Who is calling, once a presented key is checked: what the rest of the API sees. */
export interface Viewer {
  keyId: number;
  name: string;
  /** True: may write nothing. */
  readOnly: boolean;
  /** Codes of the subtrees the key may write; empty: anywhere. */
  within: string[];
  /** Ids of those territories. */
  withinIds: number[];
  /** Rate-limit budget (cost points per minute), null for the default budget of keys. */
  ratePoints: number | null;
}

/** A key as `npm run keys -- list` shows it: never its secret. */
export interface KeySummary {
  id: number;
  name: string;
  hint: string;
  within: string[];
  readOnly: boolean;
  ratePoints: number | null;
  createdAt: string;
  expiresOn: string | null;
  /** The moment the key stops working after a rotation (ISO 8601); null: no such moment. */
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface NewKey {
  name: string;
  within?: string[];
  readOnly?: boolean;
  expiresOn?: string | null;
  ratePoints?: number | null;
}

/** A problem with a key the operator asked for (unknown territory code…). */
export class KeyRequestError extends Error {}

function summary(row: KeyRow): KeySummary {
  return {
    id: row.id,
    name: row.name,
    hint: `${row.hint}…`,
    within: row.within,
    readOnly: row.read_only,
    ratePoints: row.rate_points,
    createdAt: row.created_at.toISOString(),
    expiresOn: row.expires_on,
    expiresAt: row.expires_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/** Creates a key; returns it with its secret, which is never shown again. */
export async function createKey(db: pg.Pool | pg.ClientBase, request: NewKey): Promise<{ key: KeySummary; secret: string }> {
  const name = request.name.trim();
  if (!name) throw new KeyRequestError('a key needs a --name saying who holds it');
  // A blank code (`--within "$CODE"` with CODE unset) must not turn into a key that writes anywhere.
  if ((request.within ?? []).some((code) => !code.trim())) {
    throw new KeyRequestError('--within was given an empty territory code: give a code such as 17000000 (leave --within out for a key that writes anywhere)');
  }
  const within = [...new Set((request.within ?? []).map((code) => code.trim().toUpperCase()))];
  if (within.length) {
    const { unknown } = await resolveTerritoryCodes(db, within);
    if (unknown.length) throw new KeyRequestError(`no territory has the code(s) ${unknown.join(', ')}: --within takes territory codes such as 17000000`);
  }
  if (request.expiresOn && !isCalendarDay(request.expiresOn))
    throw new KeyRequestError(`--expires takes a day, YYYY-MM-DD (not ${request.expiresOn.slice(0, 40)})`);
  const secret = newSecret();
  const row = await insertKey(db, {
    name,
    secretHash: secretHash(secret),
    hint: secretHint(secret),
    within,
    readOnly: request.readOnly ?? false,
    ratePoints: request.ratePoints ?? null,
    expiresOn: request.expiresOn ?? null,
  });
  return { key: summary(row), secret };
}

export async function listKeys(db: pg.Pool | pg.ClientBase): Promise<KeySummary[]> {
  return (await selectKeys(db)).map(summary);
}

/**
 * Revokes a key at once: in this process at once, in every other process at the next
 * notification (`KEYS_CHANNEL`, delivered at commit); every write re-checks its key inside its
 * own transaction anyway.
 */
export async function revokeKey(db: pg.Pool, id: number): Promise<KeySummary | undefined> {
  const row = await revokeKeyRow(db, id);
  if (row) {
    // Every API process listening forgets its cached keys.
    await db.query(`NOTIFY ${KEYS_CHANNEL}`);
    keyCache.clear();
  }
  return row ? summary(row) : undefined;
}

/** Days a rotated key keeps working, unless `--grace-days` says otherwise. */
export const DEFAULT_GRACE_DAYS = 7;

/**
 * Rotates a key: a new key with the same name, scope, limits and expiry day (its secret returned,
 * shown once), and the old key working for `graceDays` more (0: it stops at once), then expired.
 * One transaction; `alsoCopy` runs in it (the CLI copies the key's webhook). Every API process
 * forgets its cached keys at the commit.
 */
export async function rotateKey(
  pool: pg.Pool,
  id: number,
  graceDays: number = DEFAULT_GRACE_DAYS,
  alsoCopy: (client: pg.ClientBase, fromId: number, toId: number) => Promise<unknown> = async () => undefined,
): Promise<{ old: KeySummary; key: KeySummary; secret: string }> {
  if (!Number.isFinite(graceDays) || graceDays < 0 || graceDays > 365) throw new KeyRequestError('--grace-days takes a number of days from 0 to 365');
  const rotated = await inTransaction(pool, async (client) => {
    const old = await expireKeyAt(client, id, Math.round(graceDays * 86_400));
    if (!old) throw new KeyRequestError(`no working key has id ${id} (a revoked or expired key is not rotated: create a new one)`);
    const secret = newSecret();
    const row = await insertKey(client, {
      name: old.name,
      secretHash: secretHash(secret),
      hint: secretHint(secret),
      within: old.within,
      readOnly: old.read_only,
      ratePoints: old.rate_points,
      expiresOn: old.expires_on,
    });
    await alsoCopy(client, old.id, row.id);
    // Every API process listening forgets its cached keys (delivered at the commit).
    await client.query(`NOTIFY ${KEYS_CHANNEL}`);
    return { old: summary(old), key: summary(row), secret };
  });
  keyCache.clear();
  return rotated;
}

/** The notification channel on which a revoke tells every API process to forget cached keys. */
export const KEYS_CHANNEL = CHANNELS.keys;

/** What a request's `Authorization` header amounts to. */
export type Presented = { kind: 'anonymous' } | { kind: 'viewer'; viewer: Viewer } | { kind: 'refused'; reason: string } | { kind: 'limited' };

/** How long a checked key is remembered (a revoke is also announced, so this only bounds a missed notice). */
const CACHE_MS = config().keyCacheSeconds * 1000;
/** Last-used times are written at most this often per key and process. */
const TOUCH_MS = 60_000;

interface Cached {
  row: KeyRow | undefined;
  withinIds: number[];
}
/**
 * Checked keys, bounded: the keys that work and the secrets that do not (well-formed fakes are
 * easy to make, the checksum being CRC-32) in two LRUs, so a flood of fakes cannot evict the keys
 * in use, and neither grows past its size.
 */
const KEY_CACHE_ENTRIES = 10_000;
const keyCache = new LRUCache<string, Cached>({ max: KEY_CACHE_ENTRIES, ttl: CACHE_MS });
const unknownKeys = new LRUCache<string, Cached>({ max: KEY_CACHE_ENTRIES, ttl: CACHE_MS });
const touched = new LRUCache<number, number>({ max: KEY_CACHE_ENTRIES });

/** How many secrets each cache holds now (tests and metrics). */
export function cachedKeyCounts(): { known: number; unknown: number } {
  return { known: keyCache.size, unknown: unknownKeys.size };
}

/** Forgets every cached key (a revoke was announced). */
export function forgetCachedKeys(): void {
  keyCache.clear();
  unknownKeys.clear();
}

/** True for a real day written YYYY-MM-DD (`2026-13-45` and `2026-02-30` are not). */
export function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
}

/** Refuses an expiry day before today for a new key (it would be refused at its first use). */
export function checkNewExpiry(expiresOn: string): void {
  if (isCalendarDay(expiresOn) && expiresOn < today()) {
    throw new KeyRequestError(`--expires ${expiresOn} is in the past: the key would never work (a key works through its expiry day)`);
  }
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * Checks the key a request presents (`Authorization: Bearer <secret>`), once per request,
 * cached briefly. No header: anonymous. A malformed, unknown, revoked or expired key: refused.
 * `mayLookUp` is asked before a secret not in the cache is looked up in the database: false
 * refuses it as `limited` (the client's address ran out of failed attempts).
 */
export async function presentedKey(db: pg.Pool, authorization: string | null, mayLookUp: () => Promise<boolean> = async () => true): Promise<Presented> {
  if (!authorization) return { kind: 'anonymous' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) return { kind: 'refused', reason: 'the Authorization header must be "Bearer <key>"' };
  const secret = match[1];
  if (!isWellFormed(secret)) return { kind: 'refused', reason: 'this is not an API key (a key looks like gp_ followed by 49 letters and digits)' };
  const hash = secretHash(secret);
  let cached = keyCache.get(hash) ?? unknownKeys.get(hash);
  if (!cached) {
    if (!(await mayLookUp())) return { kind: 'limited' };
    const row = await selectKeyByHash(db, hash);
    const withinIds = row?.within.length ? (await resolveTerritoryCodes(db, row.within)).ids : [];
    cached = { row, withinIds };
    (row ? keyCache : unknownKeys).set(hash, cached);
  }
  const { row } = cached;
  if (!row) return { kind: 'refused', reason: 'unknown API key' };
  if (row.revoked_at) return { kind: 'refused', reason: 'this API key was revoked' };
  if (row.expires_on && row.expires_on < today()) return { kind: 'refused', reason: `this API key expired on ${row.expires_on}` };
  if (row.expires_at && row.expires_at.getTime() <= Date.now()) {
    return { kind: 'refused', reason: `this API key was rotated and expired at ${row.expires_at.toISOString()}: use its new key` };
  }
  if ((touched.get(row.id) ?? 0) < Date.now() - TOUCH_MS) {
    touched.set(row.id, Date.now());
    void touchKey(db, row.id).catch(() => undefined); // bookkeeping only: never fails a request
  }
  return {
    kind: 'viewer',
    viewer: { keyId: row.id, name: row.name, readOnly: row.read_only, within: row.within, withinIds: cached.withinIds, ratePoints: row.rate_points },
  };
}

/** True when the viewer may write anywhere (a key with no `within`, not read-only). */
export function isUnrestricted(viewer: Viewer | null): boolean {
  return viewer !== null && !viewer.readOnly && viewer.within.length === 0;
}
