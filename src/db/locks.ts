/**
 * Every PostgreSQL advisory lock the application takes, by what it serialises: one table, so no
 * two uses share a number by accident. Single locks are one 64-bit key; namespaces are the first
 * half of a two-part key whose second half is `hashtext(<name>)`.
 */
export const ADVISORY_LOCKS = {
  /** Held while migrations run: processes starting together migrate one at a time. */
  migration: 72_707_001,
  /** Held by the load writing its rows (reading and staging run concurrently; writing does not). */
  loadWrite: 72_707_002,
  /** Held while the demo is checked for and loaded: processes starting together load it once. */
  demo: 72_707_003,
  /** Namespace: each API process's owner lock, held while it lives (second half: its owner id). */
  loadOwner: 72_707_010,
  /** Namespace: taken while deciding whether an idempotency key was seen (second half: key and idempotency key). */
  idempotency: 72_707_011,
} as const;
