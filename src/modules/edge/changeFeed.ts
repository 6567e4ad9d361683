import { logger } from '../../logger.js';
import { metrics } from './metrics.js';
import { type ChangeSubscription, subscribeToChanges } from './relay.js';

/** How long a change NOTIFY announced waits for Redis to bring it too before it is told anyway, ms. */
export const REDIS_GRACE_MS = 500;

/** Where a change was heard from: Redis pub/sub, or PostgreSQL NOTIFY. */
export type ChangeRoute = 'redis' | 'notify';

/**
 * The committed changes an API's listeners (the live figures) hear: without Redis, each
 * PostgreSQL notification; with Redis (`redis`), the changes published there, while its
 * subscriber is connected. A notification then only stands in for a change Redis did not bring
 * within REDIS_GRACE_MS (its publisher could not reach Redis, or it came from a process that does
 * not publish), and every route's announcements are told once per data version.
 */
export class ChangeFeed {
  private readonly listeners: ((version?: number) => void)[] = [];
  private subscription: ChangeSubscription | undefined;
  private told = 0;

  constructor(
    private readonly redis: { url: string; prefix: string } | undefined,
    /** Brings this process up to a change heard on Redis (its version noted, the response cache purged). */
    private readonly settle: (version?: number) => Promise<void>,
  ) {}

  /** Calls `listener` on each committed change (subscribing on Redis with the first listener). */
  on(listener: (version?: number) => void): void {
    this.listeners.push(listener);
    if (this.redis && !this.subscription) {
      const { url, prefix } = this.redis;
      this.subscription = subscribeToChanges(url, prefix, (version) => void this.fromRedis(version));
    }
  }

  /** A change PostgreSQL announced (its response cache purged already). */
  fromNotify(version?: number): void {
    if (!this.subscription?.following()) this.tell(version, 'notify');
    else if (version !== undefined) setTimeout(() => this.tell(version, 'notify'), REDIS_GRACE_MS).unref();
  }

  private async fromRedis(version?: number): Promise<void> {
    // Purged first (with Redis the cache generation is shared): what a listener tells a client to read is never the cached past.
    await this.settle(version).catch((error: Error) => logger.warn({ err: error }, 'purging the response cache failed'));
    this.tell(version, 'redis');
  }

  private tell(version: number | undefined, route: ChangeRoute): void {
    if (version !== undefined) {
      if (version <= this.told) return;
      this.told = version;
    }
    metrics.changesFollowed.inc({ route });
    for (const listener of this.listeners) listener(version);
  }

  async close(): Promise<void> {
    await this.subscription?.close();
  }
}
