import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { logger } from '../../../logger.js';
import { audit } from '../../audit/audit.js';
import { ensureKeyStillValid, KeyNoLongerValid, keyScope } from '../../keys/guard.js';
import { importFolder } from '../pipeline/runLoad.js';
import type { FileSummary } from '../rows/files.js';
import { claimLoad, deadOwners, failInterrupted, finishLoad, firstUnfinished, holdOwnerLock, type LoadRow, purgeLoads, saveProgress } from './sql.js';

export interface LoadQueueOptions {
  pool: pg.Pool;
  /** Folder the uploads of this process go to (one folder per load inside). */
  uploadsDir: string;
  /** Finished loads older than this many days are deleted. */
  retentionDays: number;
  /** How often the queue looks for work (it is also kicked when a load arrives). */
  pollMs?: number;
  /** Told after a load committed (figures changed). */
  onCommitted?: () => void;
}

/** Progress is written to the load's row at most this often. */
const PROGRESS_EVERY_MS = 500;
/** Old loads are purged at most this often. */
const PURGE_EVERY_MS = 10 * 60_000;

/**
 * The queue of loads received over HTTP. Loads apply one at a time, in the order received,
 * whichever API process received them; each process applies the loads whose files it holds.
 * A process holds an advisory lock (its owner lock) for as long as it lives: when it is gone
 * (a crash, a kill -9, a restart), any process sees the lock free and ends that process's
 * unfinished loads as FAILED `interrupted` — nothing of them was committed, since a load is one
 * transaction.
 */
export class LoadQueue {
  /** This process's id as the owner of the loads it receives. */
  readonly owner = `${process.pid}-${randomUUID()}`;
  private lockClient: pg.PoolClient | undefined;
  /** The owner session died (the primary restarted, a network cut): its lock is gone. */
  private lockLost = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private lastPurge = 0;

  constructor(private readonly options: LoadQueueOptions) {}

  get uploadsDir(): string {
    return this.options.uploadsDir;
  }

  /** Takes the owner lock, ends loads of processes that are gone, and starts looking for work. */
  async start(): Promise<void> {
    await fs.mkdir(this.options.uploadsDir, { recursive: true });
    await this.openOwnerSession();
    this.timer = setInterval(() => this.kick(), this.options.pollMs ?? 1000);
    this.timer.unref();
    this.kick();
  }

  /** Looks for work now (a load arrived). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.work()
      .catch((error: unknown) => logger.error({ err: error }, 'the load queue failed; it tries again'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Stops looking for work and waits for the load being applied, if any; then gives the owner lock back. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    this.lockClient?.release(this.lockLost);
    this.lockClient = undefined;
  }

  private async work(): Promise<void> {
    const { pool } = this.options;
    if (this.lockLost) await this.reopenOwnerSession();
    if (this.lockClient) {
      const dead = await deadOwners(this.lockClient, this.owner).catch((error: unknown) => {
        this.lockLost = true; // a session that cannot answer holds no lock either
        throw error;
      });
      for (const owner of dead) {
        for (const load of await failInterrupted(pool, owner)) {
          logger.warn({ load: load.id, owner }, 'load interrupted: the process holding it is gone');
          await fs.rm(load.folder, { recursive: true, force: true }).catch(() => undefined);
          await audit(pool, { keyId: load.key_id, action: 'load', outcome: 'failed', loadId: load.id, detail: 'interrupted' });
        }
      }
    }
    if (Date.now() - this.lastPurge > PURGE_EVERY_MS) {
      this.lastPurge = Date.now();
      const purged = await purgeLoads(pool, this.options.retentionDays);
      if (purged) logger.info({ purged }, 'old loads purged');
    }
    for (;;) {
      if (this.stopped) return;
      const head = await firstUnfinished(pool);
      // The head of the queue is another process's (it applies it) or already running.
      if (!head || head.owner !== this.owner || head.status !== 'QUEUED') return;
      if (!(await claimLoad(pool, head.id))) return;
      await this.apply(head);
    }
  }

  /** Opens the session that holds this process's owner lock for as long as it lives. */
  private async openOwnerSession(): Promise<void> {
    const client = await this.options.pool.connect();
    client.on('error', (error) => {
      logger.error({ err: error }, 'the load queue lost its database session; it opens a new one');
      if (this.lockClient === client) this.lockLost = true;
    });
    try {
      await holdOwnerLock(client, this.owner);
    } catch (error) {
      client.release(true);
      throw error;
    }
    this.lockClient = client;
    this.lockLost = false;
  }

  /**
   * After the owner session died (the primary restarted, a network cut): takes the owner lock
   * again. A load this process was applying then was rolled back with its transaction but may
   * still say RUNNING: it ends `interrupted` (sent again by its client). Its queued loads stay
   * queued and apply as usual, unless another process, seeing the lock free meanwhile, ended them
   * `interrupted` already. Called between loads only (work() runs one at a time).
   */
  private async reopenOwnerSession(): Promise<void> {
    this.lockClient?.release(true);
    this.lockClient = undefined;
    await this.openOwnerSession();
    const { pool } = this.options;
    for (const load of await failInterrupted(pool, this.owner, ['RUNNING'])) {
      logger.warn({ load: load.id }, 'load interrupted: the load queue lost its database session');
      await fs.rm(load.folder, { recursive: true, force: true }).catch(() => undefined);
      await audit(pool, { keyId: load.key_id, action: 'load', outcome: 'failed', loadId: load.id, detail: 'interrupted' });
    }
  }

  /** Applies one load through the same pipeline as `npm run import`, then records how it ended. */
  private async apply(load: LoadRow): Promise<void> {
    const { pool } = this.options;
    const log = logger.child({ load: load.id });
    let progress: Record<string, unknown> = { phase: 'starting' };
    let lastSaved = 0;
    const save = (force = false) => {
      if (!force && Date.now() - lastSaved < PROGRESS_EVERY_MS) return;
      lastSaved = Date.now();
      void saveProgress(pool, load.id, progress).catch(() => undefined);
    };
    try {
      log.info({ dryRun: load.dry_run }, 'applying a load');
      const result = await importFolder(pool, load.folder, {
        dryRun: load.dry_run,
        scope: await keyScope(pool, load.key_id),
        onPhase: (phase) => {
          progress = { ...progress, phase };
          save(true);
        },
        onProgress: (p) => {
          progress = { ...progress, file: p.file, rows: p.rows, bytes: p.bytes, totalBytes: p.totalBytes };
          save();
        },
        // A key revoked (or expired) while its load waited or ran applies nothing.
        beforeCommit: (client) => ensureKeyStillValid(client, load.key_id),
      });
      const files: FileSummary[] = result.files;
      // Its files go before the load is reported ended, so a client that sees it ended sees them gone.
      await fs.rm(load.folder, { recursive: true, force: true });
      await finishLoad(pool, load.id, {
        status: result.ok ? 'SUCCEEDED' : 'FAILED',
        files,
        errorCount: result.errors.length,
        errors: result.errors.slice(0, 100),
        reason: result.ok ? null : 'rejected rows: nothing was applied (see errors)',
      });
      const counts = Object.fromEntries(
        files.map((f) => [f.file.replace('.csv', ''), { inserted: f.inserted, updated: f.updated, unchanged: f.unchanged, rejected: f.rejected }]),
      );
      await audit(pool, {
        keyId: load.key_id,
        action: 'load',
        outcome: !result.ok ? 'rejected' : load.dry_run ? 'dry-run' : 'applied',
        counts,
        loadId: load.id,
      });
      log.info({ ok: result.ok, ms: result.elapsedMs }, 'load ended');
      if (result.ok && !load.dry_run) this.options.onCommitted?.();
    } catch (error) {
      const revoked = error instanceof KeyNoLongerValid;
      const reason = revoked
        ? 'the API key was revoked or expired: nothing was applied'
        : 'internal error: nothing was applied (the operator has the details in the log)';
      if (!revoked) log.error({ err: error }, 'load failed');
      await fs.rm(load.folder, { recursive: true, force: true }).catch(() => undefined);
      await finishLoad(pool, load.id, { status: 'FAILED', files: null, errorCount: 0, errors: [], reason });
      await audit(pool, { keyId: load.key_id, action: 'load', outcome: 'failed', loadId: load.id, detail: reason });
    }
  }

  /** A new folder for the files of a load being received. */
  folderFor(id: string): string {
    return path.join(this.options.uploadsDir, id);
  }
}
