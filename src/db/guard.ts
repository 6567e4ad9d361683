import type pg from 'pg';
import { logger } from '../logger.js';

/**
 * A `pg` client emits 'error' when its connection dies (the server restarted, a network cut),
 * also while a caller holds it checked out of a pool, where the pool's own 'error' listener (for
 * idle clients) does not hear it: unheard, that event ends the process. Every pool of the
 * application is guarded here: each client it makes gets a listener of its own for its whole
 * life (the query in flight still fails, and the pool drops the broken client on release).
 */
export function guardPool<T extends pg.Pool>(pool: T, what = 'database'): T {
  pool.on('error', (error) => logger.warn({ err: error }, `an idle ${what} connection failed`));
  pool.on('connect', (client) => guardClient(client, what));
  return pool;
}

/** A lone client with a listener for the death of its connection (its queries fail; the process goes on). */
export function guardClient<T extends pg.ClientBase>(client: T, what = 'database'): T {
  client.on('error', (error) => logger.warn({ err: error }, `a ${what} connection failed`));
  return client;
}

/** SQLSTATEs and socket errors of a connection lost (server shut down or restarted, network cut). */
const LOST = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

/** True when `error` (or what it wraps) says the database connection was lost, rather than that a statement failed. */
export function isConnectionLost(error: unknown): boolean {
  for (let current = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; current && depth < 6; depth++) {
    if (typeof current.code === 'string' && LOST.has(current.code)) return true;
    if (
      typeof current.message === 'string' &&
      /Connection terminated|connection (was )?(closed|lost)|not queryable|Server has closed the connection|terminating connection|timeout exceeded when trying to connect/i.test(
        current.message,
      )
    )
      return true;
    current = current.cause as typeof current;
  }
  return false;
}
