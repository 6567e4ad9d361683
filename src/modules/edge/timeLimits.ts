import { GraphQLError } from 'graphql';
import { isAsyncIterable, mapAsyncIterator, type Plugin } from 'graphql-yoga';
import type { EdgeConfig } from './config.js';
import { metrics } from './metrics.js';

/**
 * Time and size limits: a deadline on execution (REQUEST_TIMEOUT_MS: the answer is a `TIMEOUT`
 * error, and execution is told to stop through its abort signal so no further field starts; the
 * statement in flight is ended by the pool's statement_timeout), a cap on the response body
 * (MAX_RESPONSE_BYTES: `RESPONSE_TOO_LARGE`) and on the request body of /graphql
 * (MAX_BODY_BYTES: 413 `PAYLOAD_TOO_LARGE`).
 */
export function deadlinePlugin(config: EdgeConfig): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      if (!config.requestTimeoutMs) return;
      setExecuteFn(async (executionArgs) => {
        // Yoga's executor (@graphql-tools/executor) stops starting fields once `signal` aborts.
        const args = executionArgs as typeof executionArgs & { signal?: AbortSignal };
        const controller = new AbortController();
        const signal = args.signal ? AbortSignal.any([args.signal, controller.signal]) : controller.signal;
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<{ errors: GraphQLError[] }>((resolve) => {
          timer = setTimeout(() => {
            controller.abort(new Error('request deadline'));
            metrics.limitRefusals.inc({ limit: 'timeout' });
            resolve({
              errors: [
                new GraphQLError(`The request took longer than ${config.requestTimeoutMs} ms and was stopped.`, {
                  extensions: { code: 'TIMEOUT', limitMs: config.requestTimeoutMs },
                }),
              ],
            });
          }, config.requestTimeoutMs);
        });
        try {
          return await Promise.race([executeFn({ ...args, signal } as typeof executionArgs), deadline]);
        } finally {
          clearTimeout(timer);
        }
      });
    },
  };
}

/** A statement cancelled by `statement_timeout` (SQLSTATE 57014), however a driver wrapped it. */
export function isStatementTimeout(error: unknown): boolean {
  for (let current = error as { code?: unknown; cause?: unknown; message?: unknown } | undefined, depth = 0; current && depth < 6; depth++) {
    if (current.code === '57014' || (typeof current.message === 'string' && /statement timeout/i.test(current.message))) return true;
    current = current.cause as typeof current;
  }
  return false;
}

export function timeoutError(): GraphQLError {
  return new GraphQLError('A database statement took longer than the statement timeout and was stopped.', { extensions: { code: 'TIMEOUT' } });
}

function jsonError(fetchAPI: { Response: typeof Response }, status: number, message: string, extensions: Record<string, unknown>): Response {
  return new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions }] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/** The answer that replaces one larger than the cap (the same on every transport). */
function tooLargeResult(size: number, limit: number): { errors: GraphQLError[] } {
  metrics.limitRefusals.inc({ limit: 'response' });
  return {
    errors: [
      new GraphQLError(`The response would be ${size} bytes, above the limit of ${limit}: ask for less.`, {
        extensions: { code: 'RESPONSE_TOO_LARGE', size, limit },
      }),
    ],
  };
}

/** A result as its serialised size in bytes, or the refusal that replaces it when above `limit`. */
function capped<T extends object>(result: T, limit: number): T | { errors: GraphQLError[] } {
  const size = Buffer.byteLength(JSON.stringify(result));
  return size > limit ? tooLargeResult(size, limit) : result;
}

/** True when the client may be answered by a streaming transport (SSE or multipart), which onResponse cannot measure. */
function mayStream(request: Request): boolean {
  const accept = request.headers.get('accept') ?? '';
  return accept.includes('text/event-stream') || accept.includes('multipart/mixed');
}

export function sizeLimitsPlugin(config: EdgeConfig): Plugin {
  return {
    // Streaming transports (text/event-stream, multipart/mixed): every result (each event of a
    // stream) is measured before it is written, and replaced by RESPONSE_TOO_LARGE above the cap.
    onExecutionResult({ request, result, setResult }) {
      if (!config.maxResponseBytes || !result || !mayStream(request)) return;
      const limit = config.maxResponseBytes;
      if (isAsyncIterable(result)) setResult(mapAsyncIterator(result, (each) => capped(each, limit)));
      else setResult(capped(result, limit));
    },
    async onRequest({ request, url, endResponse, setRequest, fetchAPI }) {
      if (!url.pathname.startsWith('/graphql') || request.method !== 'POST' || !config.maxBodyBytes) return;
      const tooLarge = () => {
        metrics.limitRefusals.inc({ limit: 'body' });
        endResponse(
          jsonError(fetchAPI, 413, `The request body is larger than ${config.maxBodyBytes} bytes.`, { code: 'PAYLOAD_TOO_LARGE', limit: config.maxBodyBytes }),
        );
      };
      const declared = Number(request.headers.get('content-length'));
      if (declared > config.maxBodyBytes) return tooLarge();
      if (request.headers.has('content-length') || !request.body) return;
      // No length given (chunked): read at most the limit.
      const reader = request.body.getReader();
      const chunks: Uint8Array[] = [];
      let size = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > config.maxBodyBytes) {
          await reader.cancel().catch(() => undefined);
          return tooLarge();
        }
        chunks.push(value);
      }
      setRequest(new fetchAPI.Request(request.url, { method: request.method, headers: request.headers, body: Buffer.concat(chunks) }));
    },
    async onResponse({ request, response, setResponse, fetchAPI }) {
      if (!config.maxResponseBytes || !new URL(request.url).pathname.startsWith('/graphql')) return;
      if (!(response.headers.get('content-type') ?? '').includes('json')) return;
      const declared = Number(response.headers.get('content-length'));
      const size = declared || (await response.clone().arrayBuffer()).byteLength;
      if (size <= config.maxResponseBytes) return;
      const refusal = tooLargeResult(size, config.maxResponseBytes);
      setResponse(new fetchAPI.Response(JSON.stringify(refusal), { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' } }));
    },
  };
}
