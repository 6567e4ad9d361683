import path from 'node:path';

/** Settings read from the environment, once. */
export interface Config {
  /** HTTP port of the API. */
  port: number;
  /** External PostgreSQL; when absent an embedded server is started in `dataDir`. */
  databaseUrl: string | undefined;
  /** Folder of the embedded PostgreSQL and its leases. */
  dataDir: string;
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  logLevel: string;
  /** Largest pool of database connections one process opens. */
  poolSize: number;
  /** statement_timeout of the server's read pool, ms (0: none); loads lift it in their transaction. */
  statementTimeoutMs: number;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  }
  return {
    port,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR ?? 'data'),
    logLevel: env.LOG_LEVEL ?? 'info',
    poolSize: Number(env.DATABASE_POOL_SIZE ?? 10),
    statementTimeoutMs: Number(env.DATABASE_STATEMENT_TIMEOUT_MS ?? 5000),
  };
}
