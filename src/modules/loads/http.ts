import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import type { Plugin } from 'graphql-yoga';
import type pg from 'pg';
import { isUnrestricted, type Viewer } from '../keys/keys.js';
import { viewerOf } from '../keys/plugin.js';
import type { FileSummary } from './files.js';
import type { LoadQueue } from './queue.js';
import { insertOrReplayLoad, type LoadRow, selectLoad } from './sql/queue.js';
import { receiveUpload, UploadError } from './upload.js';

/** A load as `POST /v1/loads` and `GET /v1/loads/{id}` answer it (the same fields as GraphQL's `Load`). */
export function loadJson(row: LoadRow) {
  return {
    id: row.id,
    status: row.status,
    dryRun: row.dry_run,
    idempotencyKey: row.idempotency_key,
    bytes: Number(row.bytes),
    receivedAt: row.received_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    progress: row.progress ?? null,
    files: row.files ?? [],
    errorCount: row.error_count,
    errors: (row.errors ?? []).map(({ file, line, column, reason }) => ({ file, line, column, reason })),
    reason: row.reason,
    changed: loadChanged(row.status, row.files),
  };
}

/**
 * Whether a load changed the data: true once it SUCCEEDED having inserted or updated a row (a dry
 * run: would have); false while it waits or runs, when it failed, and when every row was unchanged
 * (then the data version, caches and ETags stay as they were).
 */
export function loadChanged(status: LoadRow['status'], files: readonly FileSummary[] | null): boolean {
  return status === 'SUCCEEDED' && (files ?? []).some((file) => file.inserted + file.updated > 0);
}

/** The body of `GET /v1/loads/{id}` for this load; undefined when there is none (webhooks send it). */
export async function loadJsonById(db: pg.Pool | pg.ClientBase, id: string): Promise<ReturnType<typeof loadJson> | undefined> {
  const row = await selectLoad(db, id);
  return row && loadJson(row);
}

/** True when this viewer may see this load: its own, or any load for a key that writes anywhere. */
export function maySee(viewer: Viewer | null, row: { key_id: number } | { keyId: number }): boolean {
  if (!viewer) return false;
  const keyId = 'key_id' in row ? row.key_id : row.keyId;
  return keyId === viewer.keyId || isUnrestricted(viewer);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface LoadsRouteOptions {
  pool: pg.Pool;
  queue: LoadQueue;
  /** Largest body of `POST /v1/loads`, in bytes. */
  maxBytes: number;
}

/**
 * `POST /v1/loads` (multipart, one part per bulk file; `?dryRun=true`; `Idempotency-Key`) and
 * `GET /v1/loads/{id}`. Every answer is JSON; errors are `{ "error": { "code", "message" } }`.
 */
export function loadsRoutePlugin(options: LoadsRouteOptions): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith('/v1/')) return;
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        endResponse(new fetchAPI.Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } }));
      const error = (status: number, code: string, message: string) => json(status, { error: { code, message } });
      const viewer = viewerOf(request);
      const item = /^\/v1\/loads\/([^/]+)$/.exec(url.pathname);
      if (url.pathname !== '/v1/loads' && !item) return error(404, 'NOT_FOUND', `no such route: ${url.pathname.slice(0, 80)} (see /v1/loads)`);
      if (!viewer) return error(401, 'UNAUTHENTICATED', 'loads need an API key: send `Authorization: Bearer <key>`');

      if (item) {
        if (request.method !== 'GET') return error(405, 'METHOD_NOT_ALLOWED', 'use GET to read a load');
        const row = UUID.test(item[1]) ? await selectLoad(options.pool, item[1].toLowerCase()) : undefined;
        // Another key's load does not exist, as far as this key can tell.
        if (!row || !maySee(viewer, row)) return error(404, 'NOT_FOUND', `no load ${item[1].slice(0, 60)} for this key`);
        return json(200, loadJson(row));
      }

      if (request.method !== 'POST') return error(405, 'METHOD_NOT_ALLOWED', 'use POST to send a load (GET /v1/loads/{id} reads one)');
      if (viewer.readOnly) return error(403, 'FORBIDDEN', 'this API key is read-only: it may not send loads');
      const dryRunParam = url.searchParams.get('dryRun');
      if (dryRunParam !== null && dryRunParam !== 'true' && dryRunParam !== 'false') return error(400, 'BAD_REQUEST', 'dryRun is true or false');
      const idempotencyKey = request.headers.get('idempotency-key');
      if (idempotencyKey !== null && (idempotencyKey.length === 0 || idempotencyKey.length > 200)) {
        return error(400, 'BAD_REQUEST', 'an Idempotency-Key is 1 to 200 characters');
      }
      const id = randomUUID();
      const folder = options.queue.folderFor(id);
      try {
        const upload = await receiveUpload(request, folder, options.maxBytes);
        const { row, replayed } = await insertOrReplayLoad(options.pool, {
          id,
          keyId: viewer.keyId,
          dryRun: dryRunParam === 'true',
          idempotencyKey,
          contentHash: upload.contentHash,
          owner: options.queue.owner,
          folder,
          bytes: upload.bytes,
        });
        if (replayed) {
          await fs.rm(folder, { recursive: true, force: true });
          if (row.content_hash !== upload.contentHash) {
            return error(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used in the last 24 hours for other content: use a new key for new content');
          }
          return json(200, loadJson(row), { location: `/v1/loads/${row.id}`, 'idempotent-replayed': 'true' });
        }
        options.queue.kick();
        return json(202, loadJson(row), { location: `/v1/loads/${row.id}` });
      } catch (failure) {
        await fs.rm(folder, { recursive: true, force: true });
        if (failure instanceof UploadError) {
          return json(failure.status, { error: { code: failure.code, message: failure.message } }, failure.status === 413 ? { connection: 'close' } : {});
        }
        throw failure;
      }
    },
  };
}
