import { Redis } from 'ioredis';
import { logger } from '../../logger.js';

/**
 * The Redis client of a process when `REDIS_URL` is set: the response cache, the cache generation
 * and the rate counters live there, shared by every API process. Commands fail fast while Redis is
 * down (no queueing), and every caller treats a failure as "no cache" / "no counter" rather than
 * failing the request.
 */
export function connectRedis(url: string): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    // While Redis is down, commands fail at once (callers then skip the cache or count in memory)
    // instead of waiting in a queue.
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let warned = false;
  redis.on('error', (error: Error) => {
    if (!warned) logger.warn({ err: error }, 'redis is not answering; caching and rate counters degrade to none until it does');
    warned = true;
  });
  redis.on('ready', () => {
    warned = false;
  });
  return redis;
}

/** Resolves when `redis` is connected, or after `ms` (whatever its state). */
export function redisReady(redis: Redis, ms = 3000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

let lastWarning = 0;

/** A warning about Redis failing, at most one per 30 s (every request would otherwise log one while it is down). */
export function warnRedisDown(error: unknown, message: string): void {
  const now = Date.now();
  if (now - lastWarning < 30_000) return;
  lastWarning = now;
  logger.warn({ err: error }, message);
}
