/**
 * Settings of the public edge (limits, rate, time, caching, CORS), read from the environment.
 * Every value has a default that keeps the examples and benchmark operations working and refuses
 * anything that could return more than about ten thousand objects (README, "Running in production").
 */
export interface EdgeConfig {
  /** Largest cost of one operation (about the number of fields it could resolve). */
  maxCost: number;
  /** Deepest selection (fragments flattened). */
  maxDepth: number;
  /** Most aliases in one operation. */
  maxAliases: number;
  /** Most tokens in one document. */
  maxTokens: number;
  /** Most directives in one operation. */
  maxDirectives: number;
  /** Cost points an anonymous client may spend per minute. */
  ratePoints: number;
  /** Cost points a key (an `Authorization` header) may spend per minute. */
  keyRatePoints: number;
  /** Refused API keys (unknown, malformed, revoked, expired) a client address may present per window; then 429 without a look-up (0: unlimited). */
  keyFailures: number;
  /** Length of the rate window, seconds. */
  rateWindowSeconds: number;
  /** Proxies whose `X-Forwarded-For` is believed. */
  trustProxy: string[];
  /** Request deadline, ms. */
  requestTimeoutMs: number;
  /** Largest response body, bytes. */
  maxResponseBytes: number;
  /** Largest request body on /graphql, bytes. */
  maxBodyBytes: number;
  /** `max-age` of anonymous GET answers and the server-side cache's time to live, seconds. */
  cacheMaxAge: number;
  /** False: no server-side response cache (CACHE=0). */
  cacheEnabled: boolean;
  /** Allowed CORS origins; empty: any origin, without credentials. */
  corsOrigins: string[];
  /** Redis for the cache, the cache generation and the rate counters; memory when absent. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key (several deployments may share one Redis). */
  redisPrefix: string;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

export function readEdgeConfig(env: NodeJS.ProcessEnv = process.env): EdgeConfig {
  return {
    maxCost: int(env, 'MAX_QUERY_COST', 10_000),
    maxDepth: int(env, 'MAX_QUERY_DEPTH', 12),
    maxAliases: int(env, 'MAX_QUERY_ALIASES', 30),
    maxTokens: int(env, 'MAX_QUERY_TOKENS', 2_000),
    maxDirectives: int(env, 'MAX_QUERY_DIRECTIVES', 20),
    ratePoints: int(env, 'RATE_LIMIT_POINTS', 20_000),
    keyRatePoints: int(env, 'RATE_LIMIT_KEY_POINTS', 200_000),
    keyFailures: int(env, 'RATE_LIMIT_KEY_FAILURES', 30),
    rateWindowSeconds: int(env, 'RATE_LIMIT_WINDOW_S', 60),
    trustProxy: list(env.TRUST_PROXY),
    requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 10_000),
    maxResponseBytes: int(env, 'MAX_RESPONSE_BYTES', 5_000_000),
    maxBodyBytes: int(env, 'MAX_BODY_BYTES', 1_000_000),
    cacheMaxAge: int(env, 'CACHE_MAX_AGE', 60),
    cacheEnabled: env.CACHE !== '0',
    corsOrigins: list(env.CORS_ORIGINS),
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix: env.REDIS_PREFIX ?? 'gospubliki:',
  };
}
