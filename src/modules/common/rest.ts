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

/** The media type of every REST answer. */
export const JSON_TYPE = 'application/json; charset=utf-8';

/** The server's Response class (Yoga's `fetchAPI`). */
export interface FetchApi {
  Response: typeof Response;
}

/** A JSON answer. */
export function jsonResponse(fetchAPI: FetchApi, status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new fetchAPI.Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_TYPE, ...headers } });
}

/** The body of a refusal: the envelope `{ error: { code, message } }`. */
export function restErrorBody(error: RestError): { error: { code: string; message: string } } {
  return { error: { code: error.code, message: error.message } };
}

/** The error envelope of a refusal. */
export function restErrorResponse(fetchAPI: FetchApi, error: RestError): Response {
  return jsonResponse(fetchAPI, error.status, restErrorBody(error), error.headers);
}

/** True for a path of the REST routes (`/v1/…`): their refusals are the envelope. */
export function isRestPath(pathname: string): boolean {
  return pathname.startsWith('/v1/');
}
