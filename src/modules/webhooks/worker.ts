import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { CHANNELS } from '../../db/notifications.js';
import { logger } from '../../logger.js';
import { loadJsonById } from '../loads/queue/http.js';
import { RETRY_WINDOW_SECONDS, retryDelaySeconds } from './backoff.js';
import { decryptSecret } from './secret.js';
import { sendDelivery } from './send.js';
import { type ClaimedDelivery, claimDeliveries, fillBody, markDelivered, markFailed, purgeDeliveries } from './sql.js';

/** The notification channel the database wakes workers on when a delivery is queued (the migration's trigger names it too). */
export const WEBHOOKS_CHANNEL = CHANNELS.webhooks;

/** A receiver gets this long to answer with a 2xx, by default. */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

export interface WebhookWorkerOptions {
  pool: pg.Pool;
  /** The key webhook secrets are encrypted with (secret.ts). */
  encryptionKey: Buffer;
  /** How long a receiver has to answer 2xx (default 10 s). */
  timeoutMs?: number;
  /** How often the worker looks for due deliveries (it is also woken by the database). */
  pollMs?: number;
  /** How long after its load ended a delivery is retried (default 24 h). */
  retryWindowSeconds?: number;
  /** Deliveries sent at once by this process. */
  batch?: number;
  /** Ended deliveries are deleted after this many days (the server passes LOAD_RETENTION_DAYS); default 30. */
  retentionDays?: number;
}

/** Ended deliveries are purged at most this often. */
const PURGE_EVERY_MS = 10 * 60_000;

/**
 * Sends webhook deliveries, in every API process. A delivery is claimed in the database with a
 * lease (`FOR UPDATE SKIP LOCKED`): two processes never send one at the same time, and one whose
 * sender died (a crash, kill -9) is claimed again by any process once its lease runs out. Nothing
 * is held in memory, so a restart loses nothing. At least once: a receiver dedupes by `webhook-id`.
 */
export class WebhookWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private lastPurge = 0;
  private readonly timeoutMs: number;

  constructor(private readonly options: WebhookWorkerOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.options.pollMs ?? 1000);
    this.timer.unref();
    this.kick();
  }

  /** Looks for due deliveries now. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.work()
      .catch((error: unknown) => logger.error({ err: error }, 'the webhook worker failed; it tries again'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Stops claiming; waits for the attempts in flight (at most the timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async work(): Promise<void> {
    const batch = this.options.batch ?? 10;
    // The lease outlasts an attempt: only a sender that died loses its claim.
    const leaseSeconds = Math.ceil(this.timeoutMs / 1000) * 2 + 5;
    if (Date.now() - this.lastPurge > PURGE_EVERY_MS) {
      this.lastPurge = Date.now();
      const purged = await purgeDeliveries(this.options.pool, this.options.retentionDays ?? 30);
      if (purged) logger.info({ purged }, 'old webhook deliveries purged');
    }
    for (;;) {
      if (this.stopped) return;
      const token = randomUUID();
      const claimed = await claimDeliveries(this.options.pool, token, leaseSeconds, batch);
      await Promise.all(claimed.map((delivery) => this.attempt(delivery, token)));
      if (claimed.length < batch) return;
    }
  }

  /** One attempt of one claimed delivery, and its outcome recorded. */
  private async attempt(delivery: ClaimedDelivery, token: string): Promise<void> {
    const { pool } = this.options;
    const log = logger.child({ delivery: delivery.id, load: delivery.load_id, attempt: delivery.attempts });
    const windowSeconds = this.options.retryWindowSeconds ?? RETRY_WINDOW_SECONDS;
    const giveUp = async (error: string) => {
      await markFailed(pool, delivery.id, token, { status: null, error, retryInSeconds: 0, windowSeconds, giveUp: true });
      log.warn({ error }, 'webhook delivery given up');
    };
    if (delivery.secret_ciphertext === null) return giveUp("the key's webhook was turned off");
    let body = delivery.body;
    if (body === null) {
      const load = await loadJsonById(pool, delivery.load_id);
      if (!load) return giveUp('the load no longer exists');
      body = (await fillBody(pool, delivery.id, token, JSON.stringify(load))) ?? null;
      if (body === null) return; // the claim was lost meanwhile: its new holder sends it
    }
    let secret: string;
    try {
      secret = decryptSecret(delivery.secret_ciphertext, delivery.key_id, this.options.encryptionKey);
    } catch {
      // Another WEBHOOK_ENCRYPTION_KEY than the one the secret was stored with: retried (the operator may fix it).
      log.error('cannot decrypt the webhook secret: is WEBHOOK_ENCRYPTION_KEY the one `npm run keys` used?');
      await markFailed(pool, delivery.id, token, {
        status: null,
        error: 'the server cannot decrypt the webhook secret',
        retryInSeconds: retryDelaySeconds(delivery.attempts),
        windowSeconds,
      });
      return;
    }
    // To the key's webhook as it is now (an operator may have fixed its URL meanwhile).
    const result = await sendDelivery({ id: delivery.id, url: delivery.endpoint_url ?? delivery.url, body, secret }, this.timeoutMs);
    if (result.ok) {
      await markDelivered(pool, delivery.id, token, result.status);
      log.info({ status: result.status }, 'webhook delivered');
      return;
    }
    const retryInSeconds = retryDelaySeconds(delivery.attempts);
    const status = await markFailed(pool, delivery.id, token, { status: result.status, error: result.error, retryInSeconds, windowSeconds });
    log.warn(
      { error: result.error, retryInSeconds, status },
      status === 'FAILED' ? 'webhook delivery given up after 24 h' : 'webhook delivery failed; it is retried',
    );
  }
}
