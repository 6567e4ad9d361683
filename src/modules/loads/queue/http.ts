import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import type { Plugin } from 'graphql-yoga';
import type pg from 'pg';
import { type FetchApi, jsonResponse, RestError, restErrorResponse } from '../../common/rest.js';
import { isUnrestricted, type Viewer } from '../../keys/keys.js';
import { viewerOf } from '../../keys/plugin.js';
import type { FileSummary } from '../rows/files.js';
import type { LoadQueue } from './queue.js';
import { insertOrReplayLoad, type LoadRow, selectLoad } from './sql.js';
import { receiveUpload } from './upload.js';

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
 * `GET /v1/loads/{id}`. Every answer is JSON; every refusal is the REST error envelope
 * `{ "error": { "code", "message" } }` (common/rest.ts).
 */
export function loadsRoutePlugin(options: LoadsRouteOptions): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith('/v1/')) return;
      try {
        endResponse(await route(options, request, url, fetchAPI));
      } catch (failure) {
        if (!(failure instanceof RestError)) throw failure;
        endResponse(restErrorResponse(fetchAPI, failure));
      }
    },
  };
}

/** The answer of a `/v1/` request; a refusal is thrown as a RestError. */
async function route(options: LoadsRouteOptions, request: Request, url: URL, fetchAPI: FetchApi): Promise<Response> {
  const viewer = viewerOf(request);
  const item = /^\/v1\/loads\/([^/]+)$/.exec(url.pathname);
  if (url.pathname !== '/v1/loads' && !item) throw new RestError(404, 'NOT_FOUND', `no such route: ${url.pathname.slice(0, 80)} (see /v1/loads)`);
  if (!viewer) throw new RestError(401, 'UNAUTHENTICATED', 'loads need an API key: send `Authorization: Bearer <key>`');
  if (item) {
    if (request.method !== 'GET') throw new RestError(405, 'METHOD_NOT_ALLOWED', 'use GET to read a load');
    const row = UUID.test(item[1]) ? await selectLoad(options.pool, item[1].toLowerCase()) : undefined;
    // Another key's load does not exist, as far as this key can tell.
    if (!row || !maySee(viewer, row)) throw new RestError(404, 'NOT_FOUND', `no load ${item[1].slice(0, 60)} for this key`);
    return jsonResponse(fetchAPI, 200, loadJson(row));
  }
  if (request.method !== 'POST') throw new RestError(405, 'METHOD_NOT_ALLOWED', 'use POST to send a load (GET /v1/loads/{id} reads one)');
  if (viewer.readOnly) throw new RestError(403, 'FORBIDDEN', 'this API key is read-only: it may not send loads');
  return sendLoad(options, request, url, viewer, fetchAPI);
}

/** `POST /v1/loads`: the files received into a folder of their own, the load queued (or the earlier one replayed). */
async function sendLoad(options: LoadsRouteOptions, request: Request, url: URL, viewer: Viewer, fetchAPI: FetchApi): Promise<Response> {
  const dryRunParam = url.searchParams.get('dryRun');
  if (dryRunParam !== null && dryRunParam !== 'true' && dryRunParam !== 'false') throw new RestError(400, 'BAD_REQUEST', 'dryRun is true or false');
  const idempotencyKey = request.headers.get('idempotency-key');
  if (idempotencyKey !== null && (idempotencyKey.length === 0 || idempotencyKey.length > 200)) {
    throw new RestError(400, 'BAD_REQUEST', 'an Idempotency-Key is 1 to 200 characters');
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
    if (!replayed) {
      options.queue.kick();
      return jsonResponse(fetchAPI, 202, loadJson(row), { location: `/v1/loads/${row.id}` });
    }
    await fs.rm(folder, { recursive: true, force: true });
    if (row.content_hash !== upload.contentHash) {
      throw new RestError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used in the last 24 hours for other content: use a new key for new content');
    }
    // A dry run and the real load of the same files are two requests: replaying one for the other
    // answered a real send with the dry run's 200, and nothing was applied.
    if (row.dry_run !== (dryRunParam === 'true')) {
      const earlier = row.dry_run ? 'a dry run' : 'a load that was applied (or is queued)';
      throw new RestError(
        422,
        'IDEMPOTENCY_KEY_REUSED',
        `this Idempotency-Key was used in the last 24 hours for ${earlier} of these files: use another key for the ${row.dry_run ? 'real load' : 'dry run'}`,
      );
    }
    return jsonResponse(fetchAPI, 200, loadJson(row), { location: `/v1/loads/${row.id}`, 'idempotent-replayed': 'true' });
  } catch (failure) {
    await fs.rm(folder, { recursive: true, force: true });
    throw failure;
  }
}
