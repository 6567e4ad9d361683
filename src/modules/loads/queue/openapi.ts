import { errorResponse, type Header, type OpenApiPiece, type Response, type Schema, UNAUTHENTICATED } from '../../openapi/document.js';
import { BULK_FILES, columnNames } from '../rows/files.js';

/** OpenAPI description of the loads routes (http.ts): `POST /v1/loads` and `GET /v1/loads/{id}`. */

const count = (description: string): Schema => ({ type: 'integer', minimum: 0, description });

const FILE_SUMMARY: Schema = {
  type: 'object',
  description: 'What a load did with one file (for a dry run: would do). A failed load reports only `rejected` lines.',
  required: ['file', 'rows', 'inserted', 'updated', 'unchanged', 'rejected'],
  properties: {
    file: { type: 'string', enum: BULK_FILES.map((file) => file.file) },
    rows: count('Data rows read (the header not counted).'),
    inserted: count('Rows that were new.'),
    updated: count('Rows that changed something stored.'),
    unchanged: count('Rows equal to what was stored.'),
    rejected: count('Distinct lines with an error.'),
  },
};

const ROW_ERROR: Schema = {
  type: 'object',
  description: 'One bad value of one row.',
  required: ['file', 'line', 'column', 'reason'],
  properties: {
    file: { type: 'string', examples: ['observations.csv'] },
    line: { type: 'integer', minimum: 1, description: 'Line in the file, the header being line 1.' },
    column: { type: 'string', examples: ['subscribers'] },
    reason: { type: 'string', examples: ['must be a non-negative integer'] },
  },
};

const LOAD: Schema = {
  type: 'object',
  description: 'A bulk load sent over HTTP: its state, and once ended its summary. Also the body of a webhook delivery.',
  required: [
    'id',
    'status',
    'dryRun',
    'idempotencyKey',
    'bytes',
    'receivedAt',
    'startedAt',
    'finishedAt',
    'progress',
    'files',
    'errorCount',
    'errors',
    'reason',
  ],
  properties: {
    id: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'] },
    dryRun: { type: 'boolean', description: 'True: validated and counted, then rolled back.' },
    idempotencyKey: { type: ['string', 'null'], description: 'The `Idempotency-Key` it was sent with.' },
    bytes: count('Bytes uploaded.'),
    receivedAt: { type: 'string', format: 'date-time' },
    startedAt: { type: ['string', 'null'], format: 'date-time' },
    finishedAt: { type: ['string', 'null'], format: 'date-time' },
    progress: {
      type: ['object', 'null'],
      description: 'While RUNNING: the phase, the file being read, rows and bytes read so far.',
      properties: {
        phase: { type: 'string' },
        file: { type: 'string' },
        rows: { type: 'integer' },
        bytes: { type: 'integer' },
        totalBytes: { type: 'integer' },
      },
    },
    files: {
      type: 'array',
      items: { $ref: '#/components/schemas/LoadFileSummary' },
      description: 'Per file, in the order of the bulk format; empty until the load ends.',
    },
    errorCount: count('How many row errors the load had (all of them, not only the first 100 listed).'),
    errors: { type: 'array', maxItems: 100, items: { $ref: '#/components/schemas/LoadRowError' }, description: 'The first 100 row errors.' },
    reason: { type: ['string', 'null'], description: 'Why a FAILED load failed: rejected rows, `interrupted`, a revoked key…' },
    changed: {
      type: 'boolean',
      description:
        'True once the load succeeded having inserted or updated at least one row (a dry run: would have). False while it waits or runs, when it failed, and when every row was unchanged: then the data version, caches and ETags stay as they were.',
    },
  },
};

const LOAD_RESPONSE = (description: string, headers: Record<string, Header> = {}): Response => ({
  description,
  headers,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Load' } } },
});

const LOCATION: Header = { description: 'Where to read the load: /v1/loads/{id}.', schema: { type: 'string' } };

export const loadsOpenApi: OpenApiPiece = {
  tags: [{ name: 'loads', description: 'Bulk loads: the files of the bulk format over HTTP, applied all or nothing.' }],
  schemas: { Load: LOAD, LoadFileSummary: FILE_SUMMARY, LoadRowError: ROW_ERROR },
  paths: {
    '/v1/loads': {
      post: {
        operationId: 'sendLoad',
        tags: ['loads'],
        summary: 'Send a bulk load',
        description:
          'Any of the five bulk files (all five included), one multipart part per file named as the file. Streamed to disk, queued, applied one load at a time in order, with the checks of `npm run import`. Poll `GET /v1/loads/{id}` or register a webhook.',
        security: [{ apiKey: [] }],
        parameters: [
          {
            name: 'dryRun',
            in: 'query',
            required: false,
            description: 'true: validate and count, apply nothing.',
            schema: { type: 'boolean', default: false },
          },
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description: 'The same key with the same files within 24 hours returns the first load (200) instead of applying again.',
            schema: { type: 'string', minLength: 1, maxLength: 200 },
          },
        ],
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                minProperties: 1,
                additionalProperties: false,
                properties: Object.fromEntries(
                  BULK_FILES.map((file) => [
                    file.file,
                    { type: 'string', contentMediaType: 'text/csv', description: `UTF-8 CSV with the header ${columnNames(file).join(',')}` },
                  ]),
                ),
              },
            },
          },
        },
        responses: {
          '202': LOAD_RESPONSE('Received and queued.', { Location: LOCATION }),
          '200': LOAD_RESPONSE('An Idempotency-Key seen in the last 24 hours with the same files: the first load.', {
            Location: LOCATION,
            'Idempotent-Replayed': { description: 'Always `true`.', schema: { type: 'string', const: 'true' } },
          }),
          '400': errorResponse(
            'Not multipart, a part with an unknown or repeated name, a form field (dryRun goes in the URL), more than five parts, no file, an empty file, not UTF-8, a header that is not the file’s columns, a bad dryRun or Idempotency-Key',
            ['BAD_REQUEST'],
          ),
          '401': UNAUTHENTICATED,
          '403': errorResponse('A read-only key', ['FORBIDDEN']),
          '405': errorResponse('Another method than POST', ['METHOD_NOT_ALLOWED']),
          '413': errorResponse('A body over LOAD_MAX_BYTES', ['PAYLOAD_TOO_LARGE']),
          '422': errorResponse('An Idempotency-Key used in the last 24 hours for other files, or for the same files with the other dryRun', [
            'IDEMPOTENCY_KEY_REUSED',
          ]),
        },
      },
    },
    '/v1/loads/{id}': {
      get: {
        operationId: 'getLoad',
        tags: ['loads'],
        summary: 'Read a load',
        description: 'Its state while it waits or runs, its summary and first errors once it ended. Another key’s load does not exist for you.',
        security: [{ apiKey: [] }],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          '200': LOAD_RESPONSE('The load.'),
          '401': UNAUTHENTICATED,
          '404': errorResponse('No such load for this key', ['NOT_FOUND']),
          '405': errorResponse('Another method than GET', ['METHOD_NOT_ALLOWED']),
        },
      },
    },
  },
};
