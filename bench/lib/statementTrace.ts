import pg from 'pg';

/** A statement text some client of this process sent, with its time in ms as the client saw it (NaN until it ends). */
export interface SentStatement {
  text: string;
  ms: number;
}

/** A recording that is started, then stopped for what it holds (undefined when it was not started). */
export interface Recording<T> {
  start(): void;
  stop(): T[] | undefined;
}

/**
 * Hooks `pg.Client#query` (once per call of this function: call it once per process): while the
 * recording runs, every statement any client of this process sends is kept with its time (a
 * promise's until it settles, a COPY stream's until it finishes).
 */
export function traceStatements(): Recording<SentStatement> {
  let sent: SentStatement[] | undefined;
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string } | undefined;
    const entry = { text: typeof first === 'string' ? first : (first?.text ?? 'COPY … FROM STDIN'), ms: Number.NaN };
    sent?.push(entry);
    const started = performance.now();
    const result = query.apply(this, args);
    if (result instanceof Promise) result.then(() => (entry.ms = performance.now() - started)).catch(() => undefined);
    else if (result && typeof (result as NodeJS.EventEmitter).on === 'function')
      (result as NodeJS.EventEmitter).on('finish', () => (entry.ms = performance.now() - started));
    return result;
  } as typeof pg.Client.prototype.query;
  return recording(
    () => sent,
    (value) => (sent = value),
  );
}

/**
 * Each new connection of `pool` loads auto_explain with `settings` (it needs a superuser): while
 * the recording runs, the server's notices (a plan with its execution time per statement) are kept.
 */
export function explainStatements(pool: pg.Pool, settings: string): Recording<string> {
  let explained: string[] | undefined;
  pool.on('connect', (client) => {
    client.on('notice', (notice) => explained?.push(notice.message ?? ''));
    client.query(`LOAD 'auto_explain'; ${settings}`).catch((error: Error) => console.error(`--explain: ${error.message}`));
  });
  return recording(
    () => explained,
    (value) => (explained = value),
  );
}

function recording<T>(get: () => T[] | undefined, set: (value: T[] | undefined) => void): Recording<T> {
  return {
    start: () => set([]),
    stop: () => {
      const held = get();
      set(undefined);
      return held;
    },
  };
}
