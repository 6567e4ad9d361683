import type { Redis } from 'ioredis';
import { listenForNotifications, type Notifications } from '../../db/notifications.js';
import { type Generation, type LatestVersion, memoryGeneration, redisGeneration } from './cache.js';
import { ChangeFeed } from './changeFeed.js';
import { type EdgeConfig, readEdgeConfig } from './config.js';
import { DocumentRegistry, exampleDocuments } from './documents.js';
import { type ChangeListener, listenForDataChanges } from './invalidation.js';
import { type BudgetFor, defaultBudgetFor, RateLimits } from './rateLimit.js';
import { connectRedis, redisReady } from './redis.js';

/** What the edge of one API needs: settings, and optionally the database to listen on and a budget policy. */
export interface EdgeOptions {
  /** Overrides of the settings read from the environment (tests, embedders). */
  config?: Partial<EdgeConfig>;
  /** The process's notification listener: committed changes purge this API's response cache. */
  notifications?: Notifications;
  /** Without `notifications`: the database to open a listener on for this API alone; neither: no listener. */
  databaseUrl?: string;
  /** Who pays for a request and their budget (default: key by Authorization header hash, else client address). */
  budgetFor?: BudgetFor;
  /** More trusted documents (name → GraphQL text) beside examples/*.graphql, e.g. the embeds' documents. */
  documents?: Record<string, string>;
}

/** The state shared by the edge plugins of one API: settings, Redis, cache generation, counters, documents. */
export interface Edge {
  config: EdgeConfig;
  redis: Redis | undefined;
  generation: Generation;
  rates: RateLimits;
  budgetFor: BudgetFor;
  documents: DocumentRegistry;
  listener: ChangeListener | undefined;
  /** The latest data version announced as committed (answers older than it are not cached). */
  latest: LatestVersion;
  /** Resolves once Redis is connected (or gave up for now) and the change listener is in place. */
  ready: Promise<void>;
  /** Purges this API's response cache (and, with Redis, every process's). */
  purge(): Promise<void>;
  /**
   * Calls `listener` after each committed change of the data (once the cache is purged), with its
   * version when known: through Redis pub/sub with `REDIS_URL` (NOTIFY while Redis is down), else NOTIFY.
   */
  onDataChanged(listener: (version?: number) => void): void;
  close(): Promise<void>;
}

export function createEdge(options: EdgeOptions = {}): Edge {
  const config = { ...readEdgeConfig({}), ...options.config };
  const redis = config.redisUrl ? connectRedis(config.redisUrl) : undefined;
  const generation = redis ? redisGeneration(redis, config.redisPrefix) : memoryGeneration();
  const purge = () => generation.bump();
  const latest = { version: 0 };
  // Brings this process up to a committed change: its version noted, the response cache purged.
  const settle = (version?: number) => {
    if (version !== undefined) latest.version = Math.max(latest.version, version);
    return purge();
  };
  const feed = new ChangeFeed(redis && config.redisUrl ? { url: config.redisUrl, prefix: config.redisPrefix } : undefined, settle);
  const notifications = options.notifications ?? (options.databaseUrl ? listenForNotifications(options.databaseUrl) : undefined);
  const listener = notifications
    ? listenForDataChanges(
        notifications,
        async (version) => {
          try {
            await settle(version);
          } finally {
            // After the purge: what a listener reads (or tells a client to read) is never the cached past.
            feed.fromNotify(version);
          }
        },
        !options.notifications,
      )
    : undefined;
  return {
    config,
    redis,
    generation,
    rates: new RateLimits(config.rateWindowSeconds, redis, config.redisPrefix),
    budgetFor: options.budgetFor ?? defaultBudgetFor(config),
    documents: new DocumentRegistry().register(exampleDocuments()).register(options.documents ?? {}),
    listener,
    latest,
    ready: Promise.race([
      Promise.all([redis ? redisReady(redis) : undefined, listener?.ready]).then(() => undefined),
      new Promise<void>((resolve) => setTimeout(resolve, 5000).unref()), // they keep retrying meanwhile
    ]),
    purge,
    onDataChanged: (changed) => feed.on(changed),
    close: async () => {
      await listener?.close();
      await feed.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
