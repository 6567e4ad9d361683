import { z } from 'zod';
import { type Environment, listSetting, numberSetting, onUnlessZero, readSettings, textSetting } from '../common/settings.js';

/**
 * Settings of the public edge (limits, rate, time, caching, CORS), from the environment (read by
 * src/config.ts). Every value has a default that keeps the examples and benchmark operations
 * working and refuses anything that could return more than about ten thousand objects (README,
 * "Running in production").
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

/** The edge's environment variables, each with its default. */
export const EDGE_ENVIRONMENT = z.object({
  MAX_QUERY_COST: numberSetting(10_000),
  MAX_QUERY_DEPTH: numberSetting(12),
  MAX_QUERY_ALIASES: numberSetting(30),
  MAX_QUERY_TOKENS: numberSetting(2_000),
  MAX_QUERY_DIRECTIVES: numberSetting(20),
  RATE_LIMIT_POINTS: numberSetting(20_000),
  RATE_LIMIT_KEY_POINTS: numberSetting(200_000),
  RATE_LIMIT_WINDOW_S: numberSetting(60),
  TRUST_PROXY: listSetting,
  REQUEST_TIMEOUT_MS: numberSetting(10_000),
  MAX_RESPONSE_BYTES: numberSetting(5_000_000),
  MAX_BODY_BYTES: numberSetting(1_000_000),
  CACHE_MAX_AGE: numberSetting(60),
  CACHE: onUnlessZero,
  CORS_ORIGINS: listSetting,
  REDIS_URL: textSetting(undefined),
  REDIS_PREFIX: textSetting('gospubliki:'),
});

/** The edge's settings from its environment variables (`{}`: every default). */
export function edgeConfigOf(env: z.output<typeof EDGE_ENVIRONMENT>): EdgeConfig {
  return {
    maxCost: env.MAX_QUERY_COST,
    maxDepth: env.MAX_QUERY_DEPTH,
    maxAliases: env.MAX_QUERY_ALIASES,
    maxTokens: env.MAX_QUERY_TOKENS,
    maxDirectives: env.MAX_QUERY_DIRECTIVES,
    ratePoints: env.RATE_LIMIT_POINTS,
    keyRatePoints: env.RATE_LIMIT_KEY_POINTS,
    rateWindowSeconds: env.RATE_LIMIT_WINDOW_S,
    trustProxy: env.TRUST_PROXY,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    maxResponseBytes: env.MAX_RESPONSE_BYTES,
    maxBodyBytes: env.MAX_BODY_BYTES,
    cacheMaxAge: env.CACHE_MAX_AGE,
    cacheEnabled: env.CACHE,
    corsOrigins: env.CORS_ORIGINS,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
  };
}

/** The edge's settings from environment variables (tests pass `{}` for the defaults). */
export function readEdgeConfig(env: Environment): EdgeConfig {
  return edgeConfigOf(readSettings(EDGE_ENVIRONMENT, env));
}
