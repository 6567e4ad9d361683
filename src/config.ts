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
  /** Largest pool of database connections one process opens (to the primary, and to each replica). */
  poolSize: number;
  /** Streaming replicas read-only GraphQL operations read from (`DATABASE_READ_URLS`, comma-separated); empty: none. */
  readUrls: string[];
  /** A replica lagging the primary by more than this many seconds is skipped (`REPLICA_MAX_LAG_SECONDS`). */
  replicaMaxLagSeconds: number;
  /** Largest body of `POST /v1/loads`, in bytes. */
  loadMaxBytes: number;
  /** Finished loads are deleted after this many days. */
  loadRetentionDays: number;
  /** `Cache-Control: max-age` of the embeds (badges, iframe pages, scripts), seconds. */
  embedMaxAge: number;
  /** statement_timeout of the server's read pool, ms (0: none); loads lift it in their transaction. */
  statementTimeoutMs: number;
  /** Live figures streams (SSE and WebSocket) one client address may hold open (`LIVE_MAX_STREAMS_PER_ADDRESS`). */
  liveMaxStreamsPerAddress: number;
  /** Live figures streams one API key may hold open (`LIVE_MAX_STREAMS_PER_KEY`). */
  liveMaxStreamsPerKey: number;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
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
    loadMaxBytes: positive(env, 'LOAD_MAX_BYTES', 1024 ** 3),
    loadRetentionDays: positive(env, 'LOAD_RETENTION_DAYS', 30),
    embedMaxAge: nonNegative(env.EMBED_MAX_AGE, 300, 'EMBED_MAX_AGE'),
    statementTimeoutMs: Number(env.DATABASE_STATEMENT_TIMEOUT_MS ?? 5000),
    readUrls: readUrls(env.DATABASE_READ_URLS),
    replicaMaxLagSeconds: positive(env, 'REPLICA_MAX_LAG_SECONDS', 10),
    liveMaxStreamsPerAddress: positive(env, 'LIVE_MAX_STREAMS_PER_ADDRESS', 20),
    liveMaxStreamsPerKey: positive(env, 'LIVE_MAX_STREAMS_PER_KEY', 500),
  };
}

function nonNegative(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number of seconds, got "${raw}"`);
  return value;
}

/** The comma-separated connection strings of `DATABASE_READ_URLS`, each checked to be a postgres:// URL. */
function readUrls(raw: string | undefined): string[] {
  const urls = (raw ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  for (const url of urls) {
    let protocol = '';
    try {
      protocol = new URL(url).protocol;
    } catch {
      // reported below
    }
    // Said without the URL itself: it may hold a password.
    if (protocol !== 'postgres:' && protocol !== 'postgresql:') throw new Error('DATABASE_READ_URLS must be comma-separated postgres:// connection strings');
  }
  return urls;
}
