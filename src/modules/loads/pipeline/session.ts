import type pg from 'pg';
import type { BulkKind, FileSummary, RowError } from '../rows/files.js';
import type { ReadProgress } from '../rows/source.js';
import type { LoadScope } from './options.js';
import { sendBatch } from './sql/batch.js';
import { TEMP_TABLES, type TempTable } from './tables.js';
import { withLoadTransaction } from './transaction.js';

/** Raised by a step when rows are invalid (or the load is a dry run): the transaction rolls back. */
export class RejectedLoad extends Error {}

/** Counts of what one file's rows did. */
export interface WriteCounts {
  inserted: number;
  updated: number;
  /** Default: the file's rows neither inserted nor updated. */
  unchanged?: number;
}

/** What a session is told of the load it runs. */
export interface SessionOptions {
  scope?: LoadScope;
  onPhase?: (phase: string) => void;
  onProgress?: (progress: ReadProgress) => void;
}

/**
 * One attempt at a load: its database session and transaction (`client`), the temporary tables it
 * created (each once, from `tables.ts`), the bad rows found so far and what each file did. Every
 * step of the pipeline takes the session; none knows another step's tables but through it.
 */
export class LoadSession {
  readonly errors: RowError[] = [];
  readonly summaries = new Map<BulkKind, FileSummary>();
  private readonly created = new Set<TempTable>();

  constructor(
    readonly client: pg.PoolClient,
    readonly options: SessionOptions,
  ) {}

  /** Reports the phase the load is in (reading a file, checking references, applying, rollups…). */
  phase(name: string): void {
    this.options.onPhase?.(name);
  }

  progress(progress: ReadProgress): void {
    this.options.onProgress?.(progress);
  }

  /** The temporary table, created (empty) the first time a step asks for it. */
  async table(name: TempTable): Promise<TempTable> {
    if (!this.created.has(name)) {
      await this.client.query(TEMP_TABLES[name]);
      this.created.add(name);
    }
    return name;
  }

  /**
   * Sends `statements` in one round trip (sql/batch.ts), after creating those of `tables` not
   * created yet in the same round trip. Returns the results of `statements` only.
   */
  async send(statements: readonly string[], tables: readonly TempTable[] = []): Promise<pg.QueryResult[]> {
    const missing = [...new Set(tables)].filter((name) => !this.created.has(name));
    const results = await sendBatch(this.client, [...missing.map((name) => TEMP_TABLES[name]), ...statements]);
    for (const name of missing) this.created.add(name);
    return results.slice(missing.length);
  }

  /** Refreshes the planner's statistics of temporary tables once their rows are in (one statement). */
  async analyze(names: readonly TempTable[]): Promise<void> {
    if (names.length) await this.client.query(`ANALYZE ${names.join(', ')}`);
  }

  /** Records a bad row. */
  reject(error: RowError): void {
    this.errors.push(error);
  }

  /** Records bad rows, any number of them (one at a time: a spread of 100,000 arguments overflows the stack). */
  rejectAll(errors: Iterable<RowError>): void {
    for (const error of errors) this.errors.push(error);
  }

  /** Ends the attempt (rolled back) when any row was found bad so far. */
  stopIfRejected(): void {
    if (this.errors.length) throw new RejectedLoad();
  }

  /** Records what a file's rows did. */
  record(kind: BulkKind, counts: WriteCounts): void {
    const summary = this.summaries.get(kind)!;
    summary.inserted = counts.inserted;
    summary.updated = counts.updated;
    summary.unchanged = counts.unchanged ?? summary.rows - counts.inserted - counts.updated;
  }
}

/**
 * Runs `work` in a load session inside one transaction (committed when it returns; rolled back
 * when it throws, a fresh session for each retry after a deadlock). A rejected load rolls back
 * and returns its session: the caller reads the bad rows from it.
 */
export async function inLoadSession<T>(
  pool: pg.Pool,
  options: SessionOptions,
  work: (session: LoadSession) => Promise<T>,
): Promise<{ session: LoadSession; committed: boolean; value: T | undefined }> {
  let session: LoadSession | undefined;
  let value: T | undefined;
  try {
    await withLoadTransaction(pool, async (client) => {
      session = new LoadSession(client, options);
      value = await work(session);
    });
  } catch (error) {
    if (!(error instanceof RejectedLoad)) throw error;
    return { session: session!, committed: false, value: undefined };
  }
  return { session: session!, committed: true, value };
}
