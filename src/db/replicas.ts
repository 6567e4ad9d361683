import pg from 'pg';
import { logger } from '../logger.js';
import { guardPool } from './guard.js';
import { createPrismaClient, type PrismaClient } from './prisma.js';

/**
 * PostgreSQL streaming replicas for reads (`DATABASE_READ_URLS`). Each replica has a pool and a
 * Prisma client of its own and a health check every `checkIntervalMs` (unref'd timer): it is
 * `up` when it answers and lags at most `maxLagSeconds`, `lagging` when it answers but lags more,
 * `down` when it does not answer (or an execution on it failed: `markDown`, until the next check
 * that succeeds). `pick()` spreads reads over the fit replicas in turn; none fit: undefined (the
 * caller reads the primary). Nothing here is domain SQL: only the server's replication functions.
 */

export type ReplicaStatus = 'up' | 'down' | 'lagging';

/** What `/readyz` says about one replica: its address (never its credentials), status and lag. */
export interface ReplicaReport {
  host: string;
  status: ReplicaStatus;
  /** Seconds behind the primary at the last check (0: caught up); null when unknown. */
  lagSeconds: number | null;
}

export interface Replica {
  /** `host:port` of the replica, for logs and `/readyz`. */
  readonly host: string;
  readonly pool: pg.Pool;
  readonly client: PrismaClient;
  status: ReplicaStatus;
  lagSeconds: number | null;
  /** Why it is down (the last error's message), for the log. */
  error?: string;
}

export interface ReplicaSetOptions {
  /** The primary: its WAL position is what replicas are measured against. */
  primaryUrl: string;
  /** Connection strings of the replicas. */
  urls: readonly string[];
  /** A replica lagging more than this many seconds is skipped. */
  maxLagSeconds: number;
  /** Connections each replica pool opens at most. */
  poolSize: number;
  /** Milliseconds between health checks (default 1000). */
  checkIntervalMs?: number;
  /** `application_name` of the replica pools' sessions (seen in the replica's pg_stat_activity). */
  applicationName?: string;
  /** `statement_timeout` of the replica pools' sessions, ms (absent or 0: the server's). */
  statementTimeoutMs?: number;
}

/** The `application_name` of replica sessions unless told otherwise. */
export const REPLICA_APPLICATION_NAME = 'gospubliki-read';

/** A WAL position ('16/B374D848') as a number, to compare. */
export function parseLsn(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

/** `host:port` of a connection string, without user, password or database. */
export function hostOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}`;
}

interface ReplicaState extends Replica {
  /** A one-connection pool for health checks, so that busy reads never delay a check. */
  checkPool: pg.Pool;
  checking: boolean;
}

/** One sample of the primary's WAL position and when it was read. */
interface PrimarySample {
  lsn: bigint;
  at: number;
}

export class ReplicaSet {
  readonly replicas: readonly Replica[];
  private readonly states: ReplicaState[];
  private readonly primaryCheck: pg.Pool;
  private readonly samples: PrimarySample[] = [];
  private readonly maxLagSeconds: number;
  private timer: NodeJS.Timeout | undefined;
  private next = 0;
  private closed = false;

  constructor(private readonly options: ReplicaSetOptions) {
    this.maxLagSeconds = options.maxLagSeconds;
    const applicationName = options.applicationName ?? REPLICA_APPLICATION_NAME;
    this.primaryCheck = quietPool({ connectionString: options.primaryUrl, max: 1, connectionTimeoutMillis: 2000, query_timeout: 2000 });
    this.states = options.urls.map((url) => {
      // A replica that stops answering costs a request at most the connect timeout (then the primary answers it).
      const pool = quietPool({
        connectionString: url,
        max: options.poolSize,
        application_name: applicationName,
        connectionTimeoutMillis: 2000,
        keepAlive: true,
        ...(options.statementTimeoutMs ? { options: `-c statement_timeout=${Math.round(options.statementTimeoutMs)}` } : {}),
      });
      return {
        host: hostOf(url),
        pool,
        client: createPrismaClient(pool),
        // Not used until a first check says it is fit.
        status: 'down',
        lagSeconds: null,
        error: 'not checked yet',
        checkPool: quietPool({
          connectionString: url,
          max: 1,
          application_name: `${applicationName}-check`,
          connectionTimeoutMillis: 2000,
          query_timeout: 2000,
        }),
        checking: false,
      } satisfies ReplicaState;
    });
    this.replicas = this.states;
  }

  /** Runs a first check of every replica, then one every `checkIntervalMs` (unref'd). */
  async start(): Promise<void> {
    await this.checkAll();
    const schedule = () => {
      if (this.closed) return;
      this.timer = setTimeout(() => void this.checkAll().finally(schedule), this.options.checkIntervalMs ?? 1000);
      this.timer.unref();
    };
    schedule();
  }

  /** The next fit replica in turn, or undefined when none is fit. */
  pick(): Replica | undefined {
    const fit = this.states.filter((replica) => replica.status === 'up');
    if (fit.length === 0) return undefined;
    this.next = (this.next + 1) % fit.length;
    return fit[this.next];
  }

  /** Takes a replica out of rotation after a failure on it; the next successful check puts it back. */
  markDown(replica: Replica, error: unknown): void {
    const state = this.states.find((candidate) => candidate === replica);
    if (!state || state.status === 'down') return;
    state.status = 'down';
    state.error = error instanceof Error ? error.message : String(error);
    logger.warn({ replica: state.host, err: error }, 'a read replica failed; reading the primary until it answers again');
  }

  report(): ReplicaReport[] {
    // No error messages: a driver's may name the user; the reasons are in the log.
    return this.states.map((replica) => ({ host: replica.host, status: replica.status, lagSeconds: replica.lagSeconds }));
  }

  /** Checks every replica once (the primary's WAL position is read once for all). */
  async checkAll(): Promise<void> {
    const primary = await this.samplePrimary();
    await Promise.all(this.states.map((replica) => this.check(replica, primary)));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all(
      this.states.map(async (replica) => {
        await replica.client.$disconnect().catch(() => undefined);
        await replica.pool.end().catch(() => undefined);
        await replica.checkPool.end().catch(() => undefined);
      }),
    );
    await this.primaryCheck.end().catch(() => undefined);
  }

  /** The primary's current WAL position (kept for a while, see `lagOf`); undefined when it does not answer. */
  private async samplePrimary(): Promise<PrimarySample | undefined> {
    try {
      // The primary's current end of WAL: a replica that replayed up to here has all it has.
      const { rows } = await this.primaryCheck.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      const sample = { lsn: parseLsn(rows[0].lsn), at: Date.now() };
      this.samples.push(sample);
      const keepFrom = sample.at - (this.maxLagSeconds + 5) * 1000;
      while (this.samples.length > 1 && this.samples[0].at < keepFrom) this.samples.shift();
      return sample;
    } catch {
      return undefined;
    }
  }

  private async check(replica: ReplicaState, primary: PrimarySample | undefined): Promise<void> {
    if (replica.checking || this.closed) return;
    replica.checking = true;
    try {
      // How far this standby has replayed: its replay position, its received position and the
      // primary's commit time of the last transaction it replayed (all null when not a standby).
      const { rows } = await replica.checkPool.query<{ replay: string | null; received: string | null; since: number | null }>(
        `SELECT pg_last_wal_replay_lsn()::text AS replay,
                pg_last_wal_receive_lsn()::text AS received,
                extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS since`,
      );
      const lag = this.lagOf(rows[0], primary);
      const status: ReplicaStatus = lag !== null && lag <= this.maxLagSeconds ? 'up' : 'lagging';
      if (status !== replica.status) logger.info({ replica: replica.host, status, lagSeconds: lag }, 'read replica status changed');
      replica.status = status;
      replica.lagSeconds = lag;
      replica.error = undefined;
    } catch (error) {
      if (replica.status !== 'down') logger.warn({ replica: replica.host, err: error }, 'a read replica does not answer; reading the primary');
      replica.status = 'down';
      replica.lagSeconds = null;
      replica.error = (error as Error).message;
    } finally {
      replica.checking = false;
    }
  }

  /**
   * Seconds the replica is behind: 0 when it has replayed the primary's current position. Else
   * at most the time since the primary's last sample it has reached (it holds everything the
   * primary had then), and at most the time since the last commit it replayed
   * (`now() - pg_last_xact_replay_timestamp()`): the smaller. Null when neither is known. Not a
   * standby (replay position null): a server of its own, 0. Primary unknown: caught up with what
   * it received counts as 0.
   */
  private lagOf(row: { replay: string | null; received: string | null; since: number | null }, primary: PrimarySample | undefined): number | null {
    if (row.replay === null) return 0;
    const replay = parseLsn(row.replay);
    if (primary ? replay >= primary.lsn : row.received !== null && replay >= parseLsn(row.received)) return 0;
    const now = Date.now();
    const reached = this.samples.filter((sample) => sample.lsn <= replay).at(-1);
    const bySample = reached ? (now - reached.at) / 1000 : null;
    const candidates = [bySample, row.since].filter((value): value is number => value !== null && Number.isFinite(value));
    return candidates.length ? Math.max(0, Math.min(...candidates)) : null;
  }
}

/** A pool whose idle connections may fail (a replica stopping) without crashing the process. */
function quietPool(config: pg.PoolConfig): pg.Pool {
  return guardPool(new pg.Pool(config), 'replica');
}
