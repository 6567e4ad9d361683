import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { EdgeConfig } from './config.js';

const EXPOSED = ['ETag', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'x-request-id'].join(', ');
const ALLOWED_HEADERS = 'content-type, authorization, x-request-id, x-graphql-yoga-csrf, if-none-match';

/**
 * CORS. Without `CORS_ORIGINS`: any origin, `Access-Control-Allow-Origin: *`,
 * never credentials (so a CDN keeps one copy for every origin). With it: only the listed origins
 * are answered, each by name with credentials; an unlisted origin gets no CORS headers at all.
 * (Yoga's own CORS, which reflects every origin with credentials, is turned off in yoga.ts.)
 */
export function corsPlugin(config: EdgeConfig): Plugin {
  const listed = new Set(config.corsOrigins);
  const headersFor = (origin: string | null): Record<string, string> | null => {
    if (!origin) return null;
    if (listed.size === 0) return { 'Access-Control-Allow-Origin': '*' };
    if (!listed.has(origin)) return null;
    return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true' };
  };
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method !== 'OPTIONS') return;
      const headers: Record<string, string> = { 'Content-Length': '0', ...(listed.size ? { Vary: 'Origin' } : {}) };
      const allowed = headersFor(request.headers.get('origin'));
      if (allowed) {
        Object.assign(headers, allowed, {
          'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
          'Access-Control-Allow-Headers': ALLOWED_HEADERS,
          'Access-Control-Max-Age': '600',
        });
      }
      endResponse(new fetchAPI.Response(null, { status: 204, headers }));
    },
    onResponse({ request, response }) {
      if (listed.size) response.headers.append('Vary', 'Origin');
      const allowed = headersFor(request.headers.get('origin'));
      if (!allowed) return;
      for (const [name, value] of Object.entries(allowed)) response.headers.set(name, value);
      response.headers.set('Access-Control-Expose-Headers', EXPOSED);
    },
  };
}

/**
 * Yoga's CSRF prevention for requests other than GET: a POST whose content type a browser form
 * may send without a preflight (form, multipart, text/plain, or none) needs the
 * `x-graphql-yoga-csrf` header. GET stays open (a portal's `<script>` or a CDN sends no custom
 * header), which is safe: Yoga runs no mutation over GET.
 */
export function csrfPlugin(): Plugin {
  const csrf = useCSRFPrevention({ requestHeaders: [CSRF_HEADER] });
  return {
    onRequestParse(payload) {
      if (payload.request.method === 'GET') return;
      try {
        return csrf.onRequestParse?.(payload);
      } catch {
        // The plugin's own refusal names no header and carries no code: say what to send.
        throw new GraphQLError(`A POST sent as a form or as text needs the ${CSRF_HEADER} header (any value); or send the request as application/json`, {
          extensions: { code: 'CSRF_HEADER_REQUIRED', http: { status: 403 } },
        });
      }
    },
  };
}

/** The header that marks a POST as not sent by a browser form (Yoga's CSRF prevention). */
const CSRF_HEADER = 'x-graphql-yoga-csrf';
