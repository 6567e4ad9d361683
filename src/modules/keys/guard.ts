import type pg from 'pg';
import type { Viewer } from './keys.js';
import { keyStillValid, resolveTerritoryCodes, selectKeyById } from './sql.js';

/**
 * What a key may write, for the writers (loads, push mutations): its scope, and the guard a write
 * runs just before it commits. Writers call these; none reads the key's rows itself.
 */

/** The subtrees a key may write: the codes of their roots and their ids. */
export interface KeyScope {
  within: string[];
  withinIds: number[];
}

/** Raised by `ensureKeyStillValid`: the key was revoked or expired while its write ran; the write rolls back. */
export class KeyNoLongerValid extends Error {
  constructor() {
    super('the API key was revoked or has expired');
  }
}

/** The scope of a checked viewer; undefined: it may write anywhere. */
export function viewerScope(viewer: Viewer): KeyScope | undefined {
  return viewer.within.length ? { within: viewer.within, withinIds: viewer.withinIds } : undefined;
}

/** The scope of a key by id (a queued load's key, read when the load runs); undefined: anywhere (or no such key). */
export async function keyScope(db: pg.Pool | pg.ClientBase, keyId: number): Promise<KeyScope | undefined> {
  const key = await selectKeyById(db, keyId);
  if (!key?.within.length) return undefined;
  return { within: key.within, withinIds: (await resolveTerritoryCodes(db, key.within)).ids };
}

/**
 * The guard of every write, run inside its transaction just before it commits: throws
 * KeyNoLongerValid when the key was revoked or expired meanwhile. The key's row stays locked
 * (`FOR SHARE`) until the write ends, so a revoke waits for it and every later write sees it.
 */
export async function ensureKeyStillValid(client: pg.ClientBase, keyId: number): Promise<void> {
  if (!(await keyStillValid(client, keyId))) throw new KeyNoLongerValid();
}
