import pg from 'pg';
import type { Config } from '../config.js';
import { logger } from '../logger.js';
import { type EmbeddedServer, startEmbeddedPostgres } from './embeddedPostgres.js';
import { guardClient, guardPool } from './guard.js';
import { migrate } from './migrate.js';
import { connectPrisma, disconnectPrisma } from './prisma.js';
import { ReplicaSet } from './replicas.js';

// Dates are calendar days: read DATE columns as 'YYYY-MM-DD' strings, never shifted by a time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);

/** An open database: a migrated PostgreSQL, a pool and the Prisma client over it. */
export interface Database {
  url: string;
  pool: pg.Pool;
  /** True when this process runs (or shares) the embedded server. */
  embedded: boolean;
  /** The read replicas of `DATABASE_READ_URLS`, checked in the background; undefined when none. */
  replicas: ReplicaSet | undefined;
  close(): Promise<void>;
}

/**
 * Opens the database the configuration names: `DATABASE_URL`, or else the embedded PostgreSQL
 * in `DATA_DIR` (started, or joined when another process already runs it). Applies migrations.
 * With `replicas: true` (the server; commands use the primary only), also opens the read replicas
 * of `DATABASE_READ_URLS` and runs their first check.
 */
export async function openDatabase(config: Config, options: { migrate?: boolean; statementTimeoutMs?: number; replicas?: boolean } = {}): Promise<Database> {
  let server: EmbeddedServer | undefined;
  let url = config.databaseUrl;
  if (!url) {
    server = await startEmbeddedPostgres(config.dataDir);
    url = await ensureDatabase(server.url(), 'gospubliki');
  }
  try {
    if (options.migrate !== false) await migrate(url);
  } catch (error) {
    await server?.release();
    throw error;
  }
  const pool = guardPool(new pg.Pool(poolOptions(url, config.poolSize, options.statementTimeoutMs)));
  connectPrisma(pool);
  let replicas: ReplicaSet | undefined;
  if (options.replicas === true && config.readUrls.length > 0) {
    replicas = new ReplicaSet({
      primaryUrl: url,
      urls: config.readUrls,
      maxLagSeconds: config.replicaMaxLagSeconds,
      poolSize: config.poolSize,
      statementTimeoutMs: options.statementTimeoutMs,
    });
    await replicas.start();
    logger.info({ replicas: replicas.report() }, 'read replicas');
  }
  return {
    url,
    pool,
    embedded: server !== undefined,
    replicas,
    close: async () => {
      await replicas?.close();
      await disconnectPrisma();
      await pool.end().catch(() => undefined);
      await server?.release();
    },
  };
}

/** Longest wait for a new connection, ms. */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Options of a pool. With `statementTimeoutMs`, every statement of its connections is cancelled
 * after that long (SQLSTATE 57014; the connection stays usable and goes back to the pool): the
 * server's read pool has one, a load lifts it inside its own transaction (loads/transaction.ts).
 */
export function poolOptions(url: string, max: number, statementTimeoutMs?: number): pg.PoolConfig {
  return {
    connectionString: url,
    max,
    // A database that is down or not answering fails a request within seconds, never holds it.
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    ...(statementTimeoutMs ? { options: `-c statement_timeout=${Math.round(statementTimeoutMs)}` } : {}),
  };
}

/** Creates database `name` on the server when missing; returns its connection string. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const client = guardClient(new pg.Client({ connectionString: serverUrl }));
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created meanwhile by another process
      });
    }
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
