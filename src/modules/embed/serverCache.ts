import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Generation } from '../edge/cache.js';
import { warnRedisDown } from '../edge/redis.js';
import { notModified } from './responses.js';

/**
 * The server-side cache of the embeds that read figures (badges, iframe pages): an answer is
 * kept for its max-age under the cache generation (a committed load bumps it, so the next read
 * shows the new figures), in Redis when there is one (shared by every process), else in this
 * process (an LRU of at most MEMORY_ENTRIES answers). Keyed by path and the parameters the embeds
 * read, so junk parameters do not make new entries.
 */
export interface EmbedCache {
  /** The answer to `request` from the cache, else from `render` (then kept when it may be). */
  answer(request: Request, render: (request: Request) => Promise<Response>): Promise<Response>;
}

interface Stored {
  status: number;
  headers: [string, string][];
  body: string; // base64
}

const MEMORY_ENTRIES = 2_000;
/** The query parameters an embed reads; others are not part of the key. */
const PARAMETERS = ['platforms', 'sectors', 'theme', 'lang', 'label'];

function keyOf(url: URL): string {
  const known = PARAMETERS.map((name) => `${name}=${url.searchParams.get(name) ?? ''}`).join('&');
  return `${url.pathname}?${known}`;
}

/** The request without `If-None-Match`, so the route renders the whole body (the 304 is decided here). */
function unconditional(request: Request): Request {
  const headers = new Headers(request.headers);
  headers.delete('if-none-match');
  return new Request(request.url, { method: 'GET', headers });
}

function fromStored(request: Request, stored: Stored): Response {
  const headers = new Headers(stored.headers);
  const etag = headers.get('etag');
  if (stored.status === 200 && etag && notModified(request, etag)) {
    return new Response(null, { status: 304, headers: { 'cache-control': headers.get('cache-control') ?? 'no-store', etag } });
  }
  return new Response(request.method === 'HEAD' ? null : Buffer.from(stored.body, 'base64'), { status: stored.status, headers });
}

/** Only answers that say something about the data are kept: figures (200), unknown territory (404), bad request (400). */
const KEPT = new Set([200, 400, 404]);

function maxAgeOf(response: Response): number {
  const match = /max-age=(\d+)/.exec(response.headers.get('cache-control') ?? '');
  return match ? Number(match[1]) : 0;
}

export function embedCache(generation: Generation, redis: Redis | undefined, prefix: string): EmbedCache {
  const memory = new LRUCache<string, Stored>({ max: MEMORY_ENTRIES });
  const read = async (key: string): Promise<Stored | undefined> => {
    if (!redis) return memory.get(key);
    try {
      const text = await redis.get(`${prefix}embed:${key}`);
      return text ? (JSON.parse(text) as Stored) : undefined;
    } catch (error) {
      warnRedisDown(error, 'embed cache unavailable; embeds rendered meanwhile');
      return undefined;
    }
  };
  const write = async (key: string, stored: Stored, seconds: number): Promise<void> => {
    if (!redis) return void memory.set(key, stored, { ttl: seconds * 1000 });
    await redis.set(`${prefix}embed:${key}`, JSON.stringify(stored), 'EX', seconds).catch((error) => warnRedisDown(error, 'embed cache unavailable'));
  };
  return {
    async answer(request, render) {
      const key = `${await generation.current().catch(() => 'none')}:${keyOf(new URL(request.url))}`;
      const found = await read(key);
      if (found) return fromStored(request, found);
      const response = await render(unconditional(request));
      const seconds = maxAgeOf(response);
      if (!KEPT.has(response.status) || seconds <= 0) return response;
      const stored: Stored = { status: response.status, headers: [...response.headers], body: Buffer.from(await response.arrayBuffer()).toString('base64') };
      await write(key, stored, seconds);
      return fromStored(request, stored);
    },
  };
}
