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
    enableOfflineQueue: true,
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
