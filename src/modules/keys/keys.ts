import type pg from 'pg';
import { config } from '../../config.js';
import { CHANNELS } from '../../db/notifications.js';
import { isWellFormed, newSecret, secretHash, secretHint } from './secret.js';
import { insertKey, type KeyRow, resolveTerritoryCodes, revokeKeyRow, selectKeyByHash, selectKeys, touchKey } from './sql.js';

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
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/** Creates a key; returns it with its secret, which is never shown again. */
export async function createKey(db: pg.Pool | pg.ClientBase, request: NewKey): Promise<{ key: KeySummary; secret: string }> {
  const name = request.name.trim();
  if (!name) throw new KeyRequestError('a key needs a --name saying who holds it');
  const within = [...new Set((request.within ?? []).map((code) => code.trim().toUpperCase()).filter(Boolean))];
  if (within.length) {
    const { unknown } = await resolveTerritoryCodes(db, within);
    if (unknown.length) throw new KeyRequestError(`no territory has the code(s) ${unknown.join(', ')}: --within takes territory codes such as 17000000`);
  }
  if (request.expiresOn && !/^\d{4}-\d{2}-\d{2}$/.test(request.expiresOn)) throw new KeyRequestError('--expires takes a day, YYYY-MM-DD');
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

/** The notification channel on which a revoke tells every API process to forget cached keys. */
export const KEYS_CHANNEL = CHANNELS.keys;

/** What a request's `Authorization` header amounts to. */
export type Presented = { kind: 'anonymous' } | { kind: 'viewer'; viewer: Viewer } | { kind: 'refused'; reason: string };

/** How long a checked key is remembered (a revoke is also announced, so this only bounds a missed notice). */
const CACHE_MS = config().keyCacheSeconds * 1000;
/** Last-used times are written at most this often per key and process. */
const TOUCH_MS = 60_000;

interface Cached {
  row: KeyRow | undefined;
  withinIds: number[];
  until: number;
}
const keyCache = new Map<string, Cached>();
const touched = new Map<number, number>();

/** Forgets every cached key (a revoke was announced). */
export function forgetCachedKeys(): void {
  keyCache.clear();
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * Checks the key a request presents (`Authorization: Bearer <secret>`), once per request,
 * cached briefly. No header: anonymous. A malformed, unknown, revoked or expired key: refused.
 */
export async function presentedKey(db: pg.Pool, authorization: string | null): Promise<Presented> {
  if (!authorization) return { kind: 'anonymous' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) return { kind: 'refused', reason: 'the Authorization header must be "Bearer <key>"' };
  const secret = match[1];
  if (!isWellFormed(secret)) return { kind: 'refused', reason: 'this is not an API key (a key looks like gp_ followed by 49 letters and digits)' };
  const hash = secretHash(secret);
  let cached = keyCache.get(hash);
  if (!cached || cached.until < Date.now()) {
    const row = await selectKeyByHash(db, hash);
    const withinIds = row?.within.length ? (await resolveTerritoryCodes(db, row.within)).ids : [];
    cached = { row, withinIds, until: Date.now() + CACHE_MS };
    keyCache.set(hash, cached);
  }
  const { row } = cached;
  if (!row) return { kind: 'refused', reason: 'unknown API key' };
  if (row.revoked_at) return { kind: 'refused', reason: 'this API key was revoked' };
  if (row.expires_on && row.expires_on < today()) return { kind: 'refused', reason: `this API key expired on ${row.expires_on}` };
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
