import { createHash } from 'node:crypto';

/** How long browsers and proxies may keep an embed (seconds) unless configured: 5 minutes. */
export const DEFAULT_MAX_AGE = 300;

export interface ResponseOptions {
  status?: number;
  /** `Cache-Control: public, max-age=…`; 0: `no-store`. */
  maxAge: number;
  headers?: Record<string, string>;
}

/** A strong ETag of a body: its SHA-1, base64url, quoted. */
export function etagOf(body: string | Uint8Array): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

/** True when the request's `If-None-Match` names `etag` (or `*`); weak and strong forms both match. */
export function notModified(request: Request, etag: string): boolean {
  const header = request.headers.get('if-none-match');
  if (!header) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

/**
 * A response with `Cache-Control` and an `ETag` of the body; a request that already holds this
 * body (`If-None-Match`) gets an empty 304. Errors (status ≥ 400) are cached at most a minute.
 */
export function cachedResponse(request: Request, body: string | Uint8Array, contentType: string, options: ResponseOptions): Response {
  const status = options.status ?? 200;
  const maxAge = status >= 400 ? Math.min(options.maxAge, 60) : options.maxAge;
  const etag = etagOf(body);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'cache-control': maxAge > 0 ? `public, max-age=${maxAge}` : 'no-store',
    etag,
    'x-content-type-options': 'nosniff',
    ...options.headers,
  };
  if (status === 200 && notModified(request, etag)) return new Response(null, { status: 304, headers: { 'cache-control': headers['cache-control'], etag } });
  return new Response(body as ConstructorParameters<typeof Response>[0], { status, headers });
}
