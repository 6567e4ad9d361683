import pg from 'pg';
import { logger } from '../logger.js';

/**
 * Listens on PostgreSQL notification channels (LISTEN/NOTIFY) on a session of its own, and calls
 * each channel's handler on every notification. Notifications sent inside a transaction are
 * delivered at its commit, so a handler runs only for what really happened. Reconnects after a
 * lost connection (handlers also run once then: what was missed meanwhile is unknown).
 */
export function listen(connectionString: string, handlers: Record<string, () => void>): { close(): Promise<void> } {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (attempt: number): Promise<void> => {
    if (closed) return;
    const next = new pg.Client({ connectionString });
    next.on('notification', (message) => handlers[message.channel]?.());
    next.on('error', (error) => {
      logger.warn({ err: error }, 'the notification listener lost its connection; reconnecting');
      void next.end().catch(() => undefined);
      if (client === next) client = undefined;
      schedule(1);
    });
    try {
      await next.connect();
      for (const channel of Object.keys(handlers)) await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      if (closed) {
        await next.end();
        return;
      }
      client = next;
      if (attempt > 0) for (const handler of Object.values(handlers)) handler();
    } catch (error) {
      await next.end().catch(() => undefined);
      logger.warn({ err: error, attempt }, 'the notification listener could not connect; retrying');
      schedule(attempt + 1);
    }
  };
  const schedule = (attempt: number) => {
    if (closed || retry) return;
    retry = setTimeout(
      () => {
        retry = undefined;
        void connect(attempt);
      },
      Math.min(30_000, 500 * 2 ** attempt),
    );
    retry.unref();
  };

  void connect(0);
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
