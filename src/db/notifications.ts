import pg from 'pg';
import { logger } from '../logger.js';

/**
 * PostgreSQL notifications (LISTEN/NOTIFY), the one listening code path of a process: one
 * session of its own LISTENs on every channel the process cares about. Notifications sent inside
 * a transaction are delivered at its commit, so a handler runs only for what really happened.
 */

/** Every notification channel, by what it announces (one naming style: `gospubliki_<what>`). */
export const CHANNELS = {
  /** A load committed: every API process purges its response cache (payload: the data version). */
  dataChanged: 'gospubliki_data_changed',
  /** A key was revoked: every API process forgets its cached keys. */
  keys: 'gospubliki_keys',
  /** The sectors changed: every API process forgets its copy of the catalogue. */
  catalogue: 'gospubliki_catalogue',
} as const;

export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

/** A handler of one channel: the notification's payload, or undefined after a reconnect (something may have been missed). */
export type NotificationHandler = (payload: string | undefined) => void;

export interface Notifications {
  /** Resolves once the first connection LISTENs on the channels subscribed so far. */
  ready: Promise<void>;
  /** Calls `handler` on every notification of `channel` (LISTENing from now on). */
  on(channel: Channel, handler: NotificationHandler): void;
  close(): Promise<void>;
}

/** Wait before the n-th attempt to reconnect, ms. */
function backoff(attempt: number): number {
  return Math.min(5000, 100 * 2 ** Math.min(attempt, 6));
}

/**
 * Listens on `connectionString`: reconnects after a lost connection (with back-off), LISTENs again
 * on every channel and calls every handler once with no payload (what was missed is unknown).
 */
export function listenForNotifications(connectionString: string): Notifications {
  const handlers = new Map<string, NotificationHandler[]>();
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let firstReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    firstReady = resolve;
  });
  const deliver = (channel: string, payload: string | undefined) => {
    for (const handler of handlers.get(channel) ?? []) {
      try {
        handler(payload);
      } catch (error) {
        logger.warn({ err: error, channel }, 'a notification handler failed');
      }
    }
  };
  const schedule = (attempt: number) => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect(attempt);
    }, backoff(attempt));
    retry.unref();
  };
  const connect = async (attempt: number): Promise<void> => {
    if (closed) return;
    const next = new pg.Client({ connectionString });
    next.on('notification', (message) => deliver(message.channel, message.payload));
    next.on('error', (error) => {
      logger.warn({ err: error }, 'the notification listener lost its connection; reconnecting');
      void next.end().catch(() => undefined);
      if (client === next) client = undefined;
      schedule(1);
    });
    try {
      await next.connect();
      for (const channel of handlers.keys()) await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      if (closed) {
        await next.end();
        return;
      }
      client = next;
      if (attempt > 0) for (const channel of handlers.keys()) deliver(channel, undefined);
      firstReady();
    } catch (error) {
      await next.end().catch(() => undefined);
      if (closed) return;
      logger.warn({ err: error, attempt }, 'the notification listener could not connect; retrying');
      schedule(attempt + 1);
    }
  };
  void connect(0);
  return {
    ready,
    on(channel, handler) {
      const known = handlers.get(channel);
      if (known) {
        known.push(handler);
        return;
      }
      handlers.set(channel, [handler]);
      // Connected already: LISTEN now (otherwise the next connection does).
      client?.query(`LISTEN ${pg.escapeIdentifier(channel)}`).catch((error: Error) => logger.warn({ err: error, channel }, 'LISTEN failed'));
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
