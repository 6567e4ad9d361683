import { Redis } from 'ioredis';
import { logger } from '../../logger.js';
import { warnRedisDown } from './redis.js';

/**
 * Committed changes of the data across processes through Redis pub/sub (with `REDIS_URL`): the
 * process that commits a load publishes its data version on `<REDIS_PREFIX>data-changed`, and
 * every API process's live figures follow that channel. PostgreSQL NOTIFY is still sent (it
 * purges the response caches, and it is the fallback while Redis does not answer).
 */

/** The Redis channel of committed changes; a message is the change's data version ('' when unknown). */
export function changesChannel(prefix: string): string {
  return `${prefix}data-changed`;
}

/** Publishes a committed change on Redis; false when Redis did not take it (down: NOTIFY then carries it alone). */
export async function publishChange(redis: Redis, prefix: string, version?: number): Promise<boolean> {
  try {
    await redis.publish(changesChannel(prefix), version === undefined ? '' : String(version));
    return true;
  } catch (error) {
    warnRedisDown(error, 'publishing a committed change on Redis failed; the processes follow PostgreSQL NOTIFY for it');
    return false;
  }
}

let publisher: ((version?: number) => Promise<boolean>) | undefined;

/** Makes this process publish the changes it commits on `redis` (the server does, with `REDIS_URL`). */
export function publishCommittedChanges(redis: Redis | undefined, prefix: string): void {
  publisher = redis ? (version) => publishChange(redis, prefix, version) : undefined;
}

/** Called after a load committed: published on Redis when this process publishes (never throws). */
export async function announceCommitted(version?: number): Promise<void> {
  await publisher?.(version);
}

export interface ChangeSubscription {
  /** True while subscribed on a connected Redis (else the changes are followed through NOTIFY). */
  following(): boolean;
  close(): Promise<void>;
}

/**
 * Follows the changes published on Redis, on a connection of its own (a subscribed connection
 * runs no other command). It reconnects for ever, resubscribes, and then calls `onChange` once with
 * no version (a change may have been published meanwhile).
 */
export function subscribeToChanges(url: string, prefix: string, onChange: (version?: number) => void): ChangeSubscription {
  const channel = changesChannel(prefix);
  const subscriber = new Redis(url, { connectTimeout: 2000, maxRetriesPerRequest: null, retryStrategy: (attempt) => Math.min(attempt * 200, 2000) });
  let subscribed = false;
  let lost = false;
  subscriber.on('error', (error: Error) => warnRedisDown(error, 'the Redis subscriber of committed changes lost Redis; following PostgreSQL NOTIFY'));
  subscriber.on('close', () => {
    if (subscribed) lost = true;
    subscribed = false;
  });
  const subscribe = () =>
    subscriber.subscribe(channel).then(
      () => {
        subscribed = true;
        if (lost) onChange(undefined);
        lost = false;
      },
      (error: Error) => warnRedisDown(error, 'subscribing to committed changes on Redis failed; following PostgreSQL NOTIFY'),
    );
  // autoResubscribe would resubscribe too; subscribing here again is harmless and tells us when it holds.
  subscriber.on('ready', () => void subscribe());
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    const version = Number(message);
    onChange(message && Number.isSafeInteger(version) ? version : undefined);
  });
  return {
    following: () => subscribed && subscriber.status === 'ready',
    close: async () => {
      // Not connected: nothing to say goodbye to (a QUIT would wait for a connection).
      if (subscriber.status === 'ready') await subscriber.quit().catch(() => subscriber.disconnect());
      else subscriber.disconnect();
      logger.debug('the Redis subscriber of committed changes closed');
    },
  };
}
