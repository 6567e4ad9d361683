import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { logger } from '../../logger.js';
import { type FetchApi, RestError, restErrorResponse } from '../common/rest.js';
import { MAX_SLICE_SIZE } from '../common/slice.js';
import type { Edge } from '../edge/edge.js';
import { type RateDecision, rateHeaders } from '../edge/rateLimit.js';
import { territoryCode } from '../territory/code.js';
import { type ExportFormat, type ExportList, exportParams } from './params.js';
import { selectTerritory } from './sql.js';
import { type Cell, childrenTable, organisationsTable, type Table } from './tables.js';
import { csvStream, xlsxStream } from './writers.js';

/** Rows per batch: the largest `first` of a connection (one batch costs what a full page would). */
export const EXPORT_BATCH_ROWS = MAX_SLICE_SIZE;

const ROUTE = /^\/v1\/exports\/territories\/([^/]+)\/(children|organisations)\.(csv|xlsx)$/;

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Exports are never cached: a refusal or a file is for this request only. */
const NO_STORE = { 'cache-control': 'no-store' };

/** The envelope of a refusal (common/rest.ts), not cached. */
function errorResponse(fetchAPI: FetchApi, error: RestError): Response {
  return restErrorResponse(fetchAPI, new RestError(error.status, error.code, error.message, { ...NO_STORE, ...error.headers }));
}

/**
 * Charges the request's rate budget for a batch of `rows` rows (as a query returning them would
 * be charged); a refusal is a 429 with Retry-After (before the first byte), or ends the download
 * with an error (after it, the status is sent: the client sees a broken transfer, never a file
 * that looks complete).
 */
type Charge = (rows: number) => Promise<RateDecision | undefined>;

function chargingFor(edge: Edge, request: Request, serverContext: unknown, rowCost: number): Charge {
  const budget = Promise.resolve(edge.budgetFor(request, serverContext));
  return async (rows) => {
    const decision = await edge.rates.consume(await budget, rows * rowCost);
    if (decision && !decision.allowed) {
      throw new RestError(
        429,
        'RATE_LIMITED',
        `Rate limit: ${decision.limit} cost points per window; ${EXPORT_BATCH_ROWS} rows of this export cost ${EXPORT_BATCH_ROWS * rowCost}. Try again in ${decision.resetSeconds} s.`,
        { 'retry-after': String(decision.resetSeconds), ...rateHeaders(decision) },
      );
    }
    return decision;
  };
}

/** The table's batches, each charged before it is read (the first charge is made by the caller, before the response). */
async function* charged(batches: AsyncIterable<Cell[][]>, charge: Charge): AsyncGenerator<Cell[][]> {
  let first = true;
  for await (const batch of batches) {
    if (!first) await charge(batch.length);
    first = false;
    yield batch;
  }
}

/**
 * The file's bytes as a stream that never errors. A refusal or a failure after the first byte (a
 * spent budget, a statement that failed) cuts the connection instead: the client sees a broken
 * transfer, never a file that looks complete. An errored body used to reach the Node adapter as an
 * unhandled rejection, which ended the process: any anonymous client exporting past its budget
 * stopped the server (review, 2026-12-04). Without a Node response (in-process `fetch`), the
 * stream errors as before.
 */
function unbreakable(inner: ReadableStream<Uint8Array>, serverContext: unknown, path: string): ReadableStream<Uint8Array> {
  const reader = inner.getReader();
  const response = (serverContext as { res?: { destroy(): void } } | undefined)?.res;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await reader.read();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        } catch (error) {
          if (!(error instanceof RestError)) logger.error({ err: error, path }, 'an export failed while streaming');
          if (!response) return controller.error(error);
          response.destroy();
          controller.close();
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

async function tableFor(list: ExportList, code: string, url: URL): Promise<Table> {
  const params = exportParams(list, url.searchParams);
  const territory = await selectTerritory(territoryCode(code, 'code'));
  if (!territory) throw new RestError(404, 'NOT_FOUND', `no territory has the code ${code.slice(0, 40)}`);
  return list === 'children' ? childrenTable(territory, params, EXPORT_BATCH_ROWS) : organisationsTable(territory, params, EXPORT_BATCH_ROWS);
}

/** The export of a matched route: the table's checks, the first charge, then the streamed file. */
async function exportResponse(edge: Edge, request: Request, serverContext: unknown, match: RegExpExecArray, url: URL): Promise<Response> {
  const [, rawCode, list, format] = match as unknown as [string, string, ExportList, ExportFormat];
  let code: string;
  try {
    code = decodeURIComponent(rawCode);
  } catch {
    throw new RestError(400, 'BAD_REQUEST', 'the territory code is not valid percent-encoding');
  }
  const table = await tableFor(list, code, url);
  const charge = chargingFor(edge, request, serverContext, table.rowCost);
  const decision = await charge(EXPORT_BATCH_ROWS);
  const sheet = { title: table.title, columns: table.columns, batches: charged(table.batches, charge) };
  const body = unbreakable(format === 'csv' ? csvStream(sheet) : xlsxStream(sheet), serverContext, url.pathname);
  const filename = `${list}-${code}.${format}`;
  return new Response(body, {
    headers: {
      'content-type': CONTENT_TYPES[format],
      'content-disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
      ...NO_STORE,
      'x-content-type-options': 'nosniff',
      ...(decision ? rateHeaders(decision) : {}),
    },
  });
}

/**
 * `GET /v1/exports/territories/{code}/children.csv|.xlsx` and `/organisations.csv|.xlsx`
 * (docs in openapi.ts): spreadsheet exports, streamed, under the same rate budget as queries.
 * Errors are JSON: 400 bad parameter, 404 unknown territory, 405 other methods, 429 rate limit.
 * Placed before the loads route, which answers every other `/v1/` path.
 */
export function exportsRoutePlugin(edge: Edge): Plugin {
  return {
    async onRequest({ request, url, endResponse, serverContext, fetchAPI }) {
      if (!url.pathname.startsWith('/v1/exports/')) return;
      try {
        const match = ROUTE.exec(url.pathname);
        if (!match) {
          throw new RestError(404, 'NOT_FOUND', `no such export: ${url.pathname.slice(0, 80)} (see /v1/exports/territories/{code}/children.csv)`);
        }
        if (request.method !== 'GET') throw new RestError(405, 'METHOD_NOT_ALLOWED', 'exports are read with GET', { allow: 'GET' });
        endResponse(await exportResponse(edge, request, serverContext, match, url));
      } catch (error) {
        if (error instanceof RestError) return endResponse(errorResponse(fetchAPI, error));
        if (error instanceof GraphQLError && error.extensions?.code === 'BAD_USER_INPUT') {
          return endResponse(errorResponse(fetchAPI, new RestError(400, 'BAD_REQUEST', error.message)));
        }
        logger.error({ err: error, path: url.pathname }, 'an export failed');
        endResponse(errorResponse(fetchAPI, new RestError(503, 'UNAVAILABLE', 'the export could not be made; try again later')));
      }
    },
  };
}
