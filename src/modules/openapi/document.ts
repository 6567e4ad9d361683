/**
 * Loose types of the document's parts: a test validates the whole document with a maintained
 * OpenAPI 3.1 validator (the typings of openapi-types mix 3.0 and 3.1 and refuse valid 3.1).
 */
export type Schema = { [keyword: string]: unknown };
/** A path item: operations by method (`get`, `post`…). */
export type PathItem = { [method: string]: Schema };
export type Response = Schema;
export type Header = Schema;

/**
 * The OpenAPI 3.1 document of the `/v1` HTTP routes, put together from per-route pieces: each
 * module that serves `/v1/…` routes exports an `OpenApiPiece` (its path objects and the schemas
 * they refer to) and src/yoga.ts passes it to `openApiPlugin`. Shared here: the
 * bearer-key security scheme and the error body every route answers with.
 */
export interface OpenApiPiece {
  /** Path objects by path (`/v1/loads/{id}`). */
  paths: Record<string, PathItem>;
  /** Schemas the paths refer to as `#/components/schemas/<name>`. */
  schemas?: Record<string, Schema>;
  /** Tags the operations use, with their descriptions. */
  tags?: { name: string; description?: string }[];
}

/** The error body of every `/v1` route, the REST error envelope of common/rest.ts: `{ "error": { "code", "message" } }`. */
export const ERROR_SCHEMA: Schema = {
  type: 'object',
  description: 'Every error of a /v1 route: a code to act on and a message for people.',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: {
        code: {
          type: 'string',
          description: 'Stable, machine-readable: BAD_REQUEST, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, METHOD_NOT_ALLOWED…',
          examples: ['BAD_REQUEST'],
        },
        message: { type: 'string', description: 'What went wrong and what to do, in English.' },
      },
    },
  },
};

/** An error response with its meaning, the codes it carries and the standard error body. */
export function errorResponse(description: string, codes: readonly string[]): Response {
  return {
    description: `${description} (\`error.code\`: ${codes.map((code) => `\`${code}\``).join(', ')})`,
    content: {
      'application/json': {
        schema: {
          allOf: [{ $ref: '#/components/schemas/Error' }, { properties: { error: { properties: { code: { enum: [...codes] } } } } }],
        },
      },
    },
  };
}

/** The 401 every route that takes a key answers to a key that does not work (any route, any method). */
export const UNAUTHENTICATED = errorResponse('No API key where one is needed, or a key that does not work: malformed, unknown, revoked or expired', [
  'UNAUTHENTICATED',
]);

/** The whole document from the pieces; a path given by two pieces is a mistake and throws. */
export function openApiDocument(pieces: readonly OpenApiPiece[], version: string): Schema {
  const paths: Record<string, PathItem> = {};
  const schemas: Record<string, Schema> = { Error: ERROR_SCHEMA };
  const tags: { name: string; description?: string }[] = [];
  for (const piece of pieces) {
    for (const [path, item] of Object.entries(piece.paths)) {
      if (paths[path]) throw new Error(`OpenAPI: the path ${path} is described twice`);
      paths[path] = item;
    }
    for (const [name, schema] of Object.entries(piece.schemas ?? {})) {
      if (schemas[name] && schemas[name] !== schema) throw new Error(`OpenAPI: two schemas are named ${name}`);
      schemas[name] = schema;
    }
    tags.push(...(piece.tags ?? []));
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gospubliki HTTP API',
      version,
      summary: 'Bulk loads and exports of the figures of Russia’s official state pages',
      description:
        'The HTTP routes under /v1 (GraphQL, at /graphql, describes itself). Writes need an API key, sent as `Authorization: Bearer gp_…`; a key that does not work is refused with 401 on any request.',
    },
    servers: [{ url: '/', description: 'this server' }],
    tags,
    paths,
    components: {
      schemas,
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'gp_ followed by 49 letters and digits',
          description: 'An API key made by `npm run keys -- create`.',
        },
      },
    },
  };
}
