import path from 'node:path';
import { z } from 'zod';
import { type Environment, numberSetting, onUnlessZero, readSettings, textSetting } from './modules/common/settings.js';
import { EDGE_ENVIRONMENT, type EdgeConfig, edgeConfigOf } from './modules/edge/config.js';

/**
 * The configuration of a process, read from the environment and validated once, at start (a bad
 * value stops the start with a message naming it). The only reader of `process.env` besides the
 * embedded PostgreSQL's start (which hands the environment to its child); every module receives
 * its settings from here.
 */
export interface Config {
  /** HTTP port of the API. */
  port: number;
  /** External PostgreSQL; when absent an embedded server is started in `dataDir`. */
  databaseUrl: string | undefined;
  /** Folder of the embedded PostgreSQL and its leases. */
  dataDir: string;
  /** pino level: fatal, error, warn, info, debug, trace or silent (`LOG_LEVEL`). */
  logLevel: string;
  /** `NODE_ENV=production`: Pothos' unused-query check is off. */
  production: boolean;
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
  /** How long a checked API key is remembered, seconds (`KEY_CACHE_SECONDS`). */
  keyCacheSeconds: number;
  /** Load the demo into an empty database at start (`DEMO=0`: never). */
  demo: boolean;
  /** The demo's scale (`DEMO_SCALE`: national or demo). */
  demoScale: string;
  /** The public edge: limits, rate, time, caching, CORS. */
  edge: EdgeConfig;
  /** A webhook receiver gets this long to answer 2xx before the attempt counts as failed (`WEBHOOK_TIMEOUT_MS`), ms. */
  webhookTimeoutMs: number;
  /** How often each API process looks for webhook deliveries due (`WEBHOOK_POLL_MS`; it is also woken at once), ms. */
  webhookPollMs: number;
  /** Key the webhook secrets are encrypted with (`WEBHOOK_ENCRYPTION_KEY`); unset: a key file in `dataDir`. */
  webhookEncryptionKey: string | undefined;
  /** Live figures streams (SSE and WebSocket) one client address may hold open (`LIVE_MAX_STREAMS_PER_ADDRESS`). */
  liveMaxStreamsPerAddress: number;
  /** Live figures streams one API key may hold open (`LIVE_MAX_STREAMS_PER_KEY`). */
  liveMaxStreamsPerKey: number;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The comma-separated connection strings of `DATABASE_READ_URLS`, each a postgres:// URL. */
const readUrls = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    const urls = (raw ?? '')
      .split(',')
      .map((url) => url.trim())
      .filter(Boolean);
    const protocol = (url: string) => (URL.canParse(url) ? new URL(url).protocol : '');
    // Said without the URL itself: it may hold a password.
    if (urls.some((url) => protocol(url) !== 'postgres:' && protocol(url) !== 'postgresql:')) {
      ctx.addIssue({ code: 'custom', message: 'must be comma-separated postgres:// connection strings' });
    }
    return urls;
  });

/** The process's environment variables, each with its default. */
const ENVIRONMENT = EDGE_ENVIRONMENT.extend({
  PORT: numberSetting(4000, { integer: true, max: 65535 }),
  DATABASE_URL: textSetting(undefined),
  DATA_DIR: textSetting('data'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  NODE_ENV: textSetting('development'),
  DATABASE_POOL_SIZE: numberSetting(10, { integer: true, positive: true }),
  LOAD_MAX_BYTES: numberSetting(1024 ** 3, { positive: true }),
  LOAD_RETENTION_DAYS: numberSetting(30, { positive: true }),
  EMBED_MAX_AGE: numberSetting(300, { integer: true }),
  DATABASE_STATEMENT_TIMEOUT_MS: numberSetting(5000, { integer: true }),
  DATABASE_READ_URLS: readUrls,
  REPLICA_MAX_LAG_SECONDS: numberSetting(10, { positive: true }),
  KEY_CACHE_SECONDS: numberSetting(30),
  DEMO: onUnlessZero,
  DEMO_SCALE: textSetting('national'),
  WEBHOOK_TIMEOUT_MS: numberSetting(10_000, { positive: true }),
  WEBHOOK_POLL_MS: numberSetting(1000, { positive: true }),
  WEBHOOK_ENCRYPTION_KEY: textSetting(undefined),
  LIVE_MAX_STREAMS_PER_ADDRESS: numberSetting(20, { integer: true, positive: true }),
  LIVE_MAX_STREAMS_PER_KEY: numberSetting(500, { integer: true, positive: true }),
});

/** Reads and validates the configuration from `env` (default: this process's environment). */
export function readConfig(env: Environment = process.env): Config {
  const settings = readSettings(ENVIRONMENT, { ...env, LOG_LEVEL: env.LOG_LEVEL || undefined });
  return {
    port: settings.PORT,
    databaseUrl: settings.DATABASE_URL,
    dataDir: path.resolve(settings.DATA_DIR),
    logLevel: settings.LOG_LEVEL,
    production: settings.NODE_ENV === 'production',
    poolSize: settings.DATABASE_POOL_SIZE,
    loadMaxBytes: settings.LOAD_MAX_BYTES,
    loadRetentionDays: settings.LOAD_RETENTION_DAYS,
    embedMaxAge: settings.EMBED_MAX_AGE,
    statementTimeoutMs: settings.DATABASE_STATEMENT_TIMEOUT_MS,
    readUrls: settings.DATABASE_READ_URLS,
    replicaMaxLagSeconds: settings.REPLICA_MAX_LAG_SECONDS,
    keyCacheSeconds: settings.KEY_CACHE_SECONDS,
    demo: settings.DEMO,
    demoScale: settings.DEMO_SCALE,
    webhookTimeoutMs: settings.WEBHOOK_TIMEOUT_MS,
    webhookPollMs: settings.WEBHOOK_POLL_MS,
    webhookEncryptionKey: settings.WEBHOOK_ENCRYPTION_KEY,
    liveMaxStreamsPerAddress: settings.LIVE_MAX_STREAMS_PER_ADDRESS,
    liveMaxStreamsPerKey: settings.LIVE_MAX_STREAMS_PER_KEY,
    edge: edgeConfigOf(settings),
  };
}

let current: Config | undefined;

/**
 * This process's configuration, read and validated the first time it is asked for (the server
 * and the commands ask first thing, so a bad value stops them at start). For the settings of
 * process-wide singletons (the logger, the schema builder, the key cache); everything else
 * receives its settings from the server.
 */
export function config(): Config {
  current ??= readConfig();
  return current;
}
