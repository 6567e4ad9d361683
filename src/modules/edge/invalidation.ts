import type pg from 'pg';
import { CHANNELS, type Notifications } from '../../db/notifications.js';
import { logger } from '../../logger.js';
import { metrics, setLastCommittedLoad } from './metrics.js';

/** The PostgreSQL channel on which a committed change of the data is announced. */
export const DATA_CHANGED_CHANNEL = CHANNELS.dataChanged;

/**
 * Announces a change of the data. Call it inside the transaction that makes the change:
 * PostgreSQL delivers the notification only when (and if) the transaction commits, to every
 * process listening, `npm run import` and loads over HTTP alike.
 */
export async function notifyDataChanged(client: pg.ClientBase, version?: number): Promise<void> {
  // The notification, delivered at commit; its payload is the data version the change committed.
  await client.query('SELECT pg_notify($1, $2)', [DATA_CHANGED_CHANNEL, version === undefined ? '' : String(version)]);
}

export interface ChangeListener {
  /** Resolves once the first LISTEN is in place. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Calls `onChange` for every committed change announced on the process's notification listener
 * (and once after it reconnected: a change may have been missed meanwhile). `owned`: the listener
 * was opened for this alone, and `close` closes it.
 */
export function listenForDataChanges(notifications: Notifications, onChange: (version?: number) => Promise<void> | void, owned = false): ChangeListener {
  notifications.on(DATA_CHANGED_CHANNEL, (payload) => {
    metrics.dataChanges.inc();
    setLastCommittedLoad(new Date());
    const version = Number(payload);
    Promise.resolve(onChange(payload && Number.isSafeInteger(version) ? version : undefined)).catch((error: Error) =>
      logger.warn({ err: error }, 'purging the response cache failed'),
    );
  });
  return { ready: notifications.ready, close: async () => (owned ? notifications.close() : undefined) };
}
