/**
 * The REST routes' answers (`/v1/…`): JSON bodies, and one error envelope for every refusal,
 * `{ "error": { "code", "message" } }`, with its HTTP status.
 */

/** A refusal of a REST route: its HTTP status, a code clients can act on, and what to change. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Headers of the answer (e.g. `connection: close` after a body too large). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** The server's Response class (Yoga's `fetchAPI`). */
export interface FetchApi {
  Response: typeof Response;
}

/** A JSON answer. */
export function jsonResponse(fetchAPI: FetchApi, status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new fetchAPI.Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_TYPE, ...headers } });
}

/** The error envelope of a refusal. */
export function restErrorResponse(fetchAPI: FetchApi, error: RestError): Response {
  return jsonResponse(fetchAPI, error.status, { error: { code: error.code, message: error.message } }, error.headers);
}
