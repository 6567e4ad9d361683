import pg from 'pg';
import { logger } from '../../logger.js';
import { metrics, setLastCommittedLoad } from './metrics.js';

/** The PostgreSQL channel on which a committed change of the data is announced. */
export const DATA_CHANGED_CHANNEL = 'gospubliki_data_changed';

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
 * A dedicated connection LISTENing on the channel, calling `onChange` for every committed change;
 * reconnects (and calls `onChange` once, since a change may have been missed meanwhile) after an error.
 */
export function listenForDataChanges(url: string, onChange: (version?: number) => Promise<void> | void): ChangeListener {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let firstReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    firstReady = resolve;
  });
  const changed = (version?: number) => {
    metrics.dataChanges.inc();
    setLastCommittedLoad(new Date());
    Promise.resolve(onChange(version)).catch((error: Error) => logger.warn({ err: error }, 'purging the response cache failed'));
  };
  const connect = async (attempt: number): Promise<void> => {
    if (closed) return;
    const next = new pg.Client({ connectionString: url });
    client = next;
    next.on('notification', (message) => {
      if (message.channel !== DATA_CHANGED_CHANNEL) return;
      const version = Number(message.payload);
      changed(message.payload && Number.isSafeInteger(version) ? version : undefined);
    });
    next.on('error', (error) => {
      logger.warn({ err: error }, 'change listener lost its connection; reconnecting');
      void next.end().catch(() => undefined);
      schedule(attempt + 1);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${DATA_CHANGED_CHANNEL}`);
      if (attempt > 0) changed(); // changes may have been missed while disconnected
      firstReady();
    } catch (error) {
      if (closed) return;
      logger.warn({ err: error }, 'change listener could not connect; retrying');
      void next.end().catch(() => undefined);
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
      Math.min(5000, 100 * 2 ** Math.min(attempt, 6)),
    );
    retry.unref();
  };
  void connect(0);
  return {
    ready,
    close: async () => {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
