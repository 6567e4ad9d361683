import type { Plugin } from 'graphql-yoga';
import { JSON_TYPE, RestError, restErrorResponse } from '../common/rest.js';
import { errorResponse, type OpenApiPiece, openApiDocument } from './document.js';

/** The path of the document itself. */
export const OPENAPI_PATH = '/v1/openapi.json';

/** The document's own route, as a piece like any other. */
export const openApiPiece: OpenApiPiece = {
  tags: [{ name: 'meta', description: 'This description of the API.' }],
  paths: {
    [OPENAPI_PATH]: {
      get: {
        operationId: 'getOpenApi',
        tags: ['meta'],
        summary: 'This OpenAPI 3.1 document',
        description: 'Every /v1 route with its parameters, request and response bodies and errors. Open to everyone.',
        security: [],
        responses: {
          '200': { description: 'The document.', content: { 'application/json': { schema: { type: 'object', description: 'An OpenAPI 3.1 document.' } } } },
          '405': errorResponse('Another method than GET', ['METHOD_NOT_ALLOWED']),
        },
      },
    },
  },
};

/**
 * Serves `GET /v1/openapi.json`: the document of `pieces` (this route's own included), built once.
 * Listed before the routes it describes (the loads route answers 404 to any other `/v1` path).
 */
export function openApiPlugin(pieces: readonly OpenApiPiece[], version: string): Plugin {
  let body: string | undefined;
  const document = (): string => {
    body ??= JSON.stringify(openApiDocument([openApiPiece, ...pieces], version));
    return body;
  };
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== OPENAPI_PATH) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(restErrorResponse(fetchAPI, new RestError(405, 'METHOD_NOT_ALLOWED', `use GET to read ${OPENAPI_PATH}`)));
        return;
      }
      endResponse(new fetchAPI.Response(document(), { status: 200, headers: { 'content-type': JSON_TYPE, 'cache-control': 'public, max-age=300' } }));
    },
  };
}
