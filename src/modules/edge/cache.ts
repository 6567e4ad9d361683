import { createHash } from 'node:crypto';
import { type Cache, createInMemoryCache, useResponseCache } from '@graphql-yoga/plugin-response-cache';
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import type { EdgeConfig } from './config.js';
import { metrics } from './metrics.js';
import { warnRedisDown } from './redis.js';

/**
 * Server-side response cache, ETag/304 and Cache-Control.
 *
 * Every cache key carries the current *generation*; a committed load (from any process, see
 * invalidation.ts) bumps it, so purging everything is O(1) and old entries simply expire. With
 * Redis the generation is a Redis counter (INCR), shared by every process, and so are the
 * entries; without it both live in this process.
 */
export interface Generation {
  current(): Promise<string>;
  bump(): Promise<void>;
}

export function memoryGeneration(): Generation {
  let value = 0;
  return {
    current: async () => String(value),
    bump: async () => {
      value += 1;
    },
  };
}

export function redisGeneration(redis: Redis, prefix: string): Generation {
  const key = `${prefix}cache:generation`;
  return {
    current: async () => (await redis.get(key)) ?? '0',
    bump: async () => {
      await redis.incr(key);
    },
  };
}

/** A cache of results in Redis: one key per result with a time to live (no entity sets: purges go by generation). */
function redisCache(redis: Redis, prefix: string): Cache {
  return {
    async get(id) {
      const text = await redis.get(`${prefix}cache:${id}`).catch(() => null);
      return text ? (JSON.parse(text) as ExecutionResult) : undefined;
    },
    async set(id, data, _entities, ttl) {
      await redis.set(`${prefix}cache:${id}`, JSON.stringify(data), 'PX', Math.max(1, ttl)).catch(() => undefined);
    },
    invalidate() {},
  };
}

/** Counts hits and misses of a cache. */
function counted(cache: Cache): Cache {
  return {
    get: async (id) => {
      const found = await cache.get(id);
      (found ? metrics.cacheHits : metrics.cacheMisses).inc();
      return found;
    },
    set: (...args) => cache.set(...args),
    invalidate: (entities) => cache.invalidate(entities),
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The session a response belongs to: a hash of the `Authorization` header, null when anonymous. */
export function sessionOf(request: Request): string | null {
  const authorization = request.headers.get('authorization');
  return authorization ? sha256(authorization) : null;
}

/**
 * The latest data version this process has heard committed (from the change notifications). A
 * read replica may answer just after a purge without having replayed that load yet: such an
 * answer (its `extensions.dataVersion` older than this) is sent but not cached, or the old
 * figures would be served from the cache for its whole lifetime.
 */
export interface LatestVersion {
  version: number;
}

export function responseCachePlugin(config: EdgeConfig, generation: Generation, redis: Redis | undefined, latest: LatestVersion = { version: 0 }): Plugin {
  // GET only: what portals and CDNs send; a POST is always executed.
  const cacheable = (request: Request) => config.cacheEnabled && request.method === 'GET';
  const cache = counted(redis ? redisCache(redis, config.redisPrefix) : createInMemoryCache({ max: 5000 }));
  return useResponseCache({
    cache,
    ttl: config.cacheMaxAge * 1000,
    session: (request) => sessionOf(request),
    enabled: cacheable,
    shouldCacheResult: ({ result }) => {
      if (result.errors?.length) return false;
      const answered = (result.extensions as { dataVersion?: { version?: number } | null } | undefined)?.dataVersion?.version;
      return answered === undefined || answered >= latest.version;
    },
    async buildResponseCacheKey({ documentString, variableValues, operationName, sessionId, request }) {
      // The plugin asks a key of every request, but uses it only where the cache is enabled: for
      // the others, no generation read (a Redis round trip with Redis) and no hash.
      if (!cacheable(request)) return 'not-cached';
      let current: string;
      try {
        current = await generation.current();
      } catch (error) {
        warnRedisDown(error, 'cache generation unavailable (Redis): not caching meanwhile');
        current = `unavailable-${Math.random()}`;
      }
      return sha256(JSON.stringify([current, documentString, operationName ?? null, variableValues ?? null, sessionId ?? null]));
    },
  });
}

const ifNoneMatch = new WeakMap<Request, string>();

/**
 * ETag and Cache-Control on GET answers. The ETag is a hash of the body, so a client (or CDN)
 * gets 304 only for the very answer it holds; the response cache's own ETag (its cache key,
 * which it would answer 304 for whatever query came with it) is replaced, and the request's
 * `If-None-Match` is taken out of its sight. Anonymous successful GETs are `public, max-age`,
 * keyed ones `private, no-store`.
 */
export function httpCachingPlugin(config: EdgeConfig): Plugin {
  return {
    onRequest({ request, url }) {
      const tag = request.headers.get('if-none-match');
      // Only GraphQL's answers: other routes (the embeds' badges) answer their own If-None-Match.
      if (tag === null || !url.pathname.startsWith('/graphql')) return;
      ifNoneMatch.set(request, tag);
      request.headers.delete('if-none-match');
    },
    async onResponse({ request, response, setResponse, fetchAPI }) {
      if (request.method !== 'GET' || !new URL(request.url).pathname.startsWith('/graphql')) return;
      const type = response.headers.get('content-type') ?? '';
      if (!type.includes('json')) return;
      const keyed = request.headers.has('authorization');
      const body = await response.clone().text();
      // An unescaped `"errors":` can only be a key of the JSON (quotes inside strings are escaped):
      // no need to parse the body to know whether it carries errors.
      const failed = response.status !== 200 || body.includes('"errors":');
      response.headers.delete('last-modified');
      if (failed) {
        response.headers.delete('etag');
        response.headers.set('cache-control', 'no-store');
        return;
      }
      const etag = `"${sha256(body).slice(0, 32)}"`;
      response.headers.set('etag', etag);
      response.headers.set('cache-control', keyed ? 'private, no-store' : `public, max-age=${config.cacheMaxAge}`);
      const sent = ifNoneMatch.get(request);
      if (sent?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*')) {
        const headers = new fetchAPI.Headers(response.headers);
        headers.delete('content-type');
        headers.delete('content-length');
        setResponse(new fetchAPI.Response(null, { status: 304, headers }));
      }
    },
  };
}
