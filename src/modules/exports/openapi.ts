import { errorResponse, type OpenApiPiece } from '../openapi/document.js';
import { EXPORT_BATCH_ROWS } from './http.js';
import { PARAMETERS } from './params.js';

/**
 * The OpenAPI 3.1 path items of the spreadsheet exports, for `GET /v1/openapi.json` (assembled
 * from each route's pieces elsewhere). Plain objects: no OpenAPI library is needed to describe
 * four GET routes.
 */

const codeList = (description: string) => ({
  in: 'query',
  required: false,
  description: `${description} Codes separated by commas, any letter case; an unknown code is a 400.`,
  schema: { type: 'string' },
});
const day = (description: string) => ({ in: 'query', required: false, description, schema: { type: 'string', format: 'date' } });

const PARAMETER_OBJECTS = {
  platforms: {
    name: 'platforms',
    ...codeList('Platforms the subscriber and page figures count (as `Territory.stats(platforms:)`); every platform when left out.'),
  },
  sectors: { name: 'sectors', ...codeList('Sectors the organisations are narrowed to (as `sectors:`); every sector when left out.') },
  required: {
    name: 'required',
    ...codeList('Adds the columns `compliant` and `compliance` (0–1) for these required platforms (as `Territory.compliance(required:)`), e.g. `VK,OK`.'),
  },
  from: { name: 'from', ...day('With `to`: adds the column `growth`, the change of subscribers from this day to `to` (as `Territory.growth`).') },
  to: { name: 'to', ...day('The last day of the growth (on or after `from`).') },
  missingPlatforms: {
    name: 'missingPlatforms',
    ...codeList(
      'Only organisations without an active page on at least one of these platforms (as `organisations(filter: { missingPlatforms })`), with a column `missing` naming which.',
    ),
  },
} as const;

const RESPONSES_COMMON = {
  '400': errorResponse('A malformed territory code, an unknown platform or sector code, a bad day or range, or a parameter the export does not take', [
    'BAD_REQUEST',
  ]),
  '404': errorResponse('No territory has this code', ['NOT_FOUND']),
  '405': errorResponse('Only GET', ['METHOD_NOT_ALLOWED']),
  '429': errorResponse(
    `The rate budget is spent (\`Retry-After\` says when to retry). An export costs its rows' cost points per batch of ${EXPORT_BATCH_ROWS} rows, from the same budget as GraphQL queries`,
    ['RATE_LIMITED'],
  ),
  '503': errorResponse('The export could not be made (the database is unavailable); try again later', ['UNAVAILABLE']),
};

function exportPath(list: 'children' | 'organisations', format: 'csv' | 'xlsx', summary: string, description: string) {
  const content =
    format === 'csv'
      ? { 'text/csv': { schema: { type: 'string' } } }
      : { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } };
  return {
    get: {
      operationId: `export${list === 'children' ? 'Children' : 'Organisations'}${format === 'csv' ? 'Csv' : 'Xlsx'}`,
      tags: ['exports'],
      summary,
      description,
      parameters: [
        {
          name: 'code',
          in: 'path',
          required: true,
          description: 'Territory code (`RU`, `FD-CENTRAL`, an OKTMO code such as `17000000`).',
          schema: { type: 'string' },
        },
        ...PARAMETERS[list].map((name) => PARAMETER_OBJECTS[name]),
      ],
      responses: {
        '200': { description: 'The file, streamed (with `Content-Disposition: attachment` and the RateLimit-* headers).', content },
        ...RESPONSES_COMMON,
      },
    },
  };
}

const CSV_NOTE =
  "CSV: UTF-8 with a byte-order mark (Excel in Russian opens it right), comma-separated, CRLF; text cells beginning with `=`, `+`, `-`, `@`, a tab or a CR get a leading `'` so no spreadsheet evaluates them. Excel drops the leading zeros of OKTMO codes in CSV; the XLSX keeps them (codes are text cells).";
const XLSX_NOTE =
  'XLSX: one sheet, a bold header row frozen at the top, numbers as numbers (shares 0–1 shown as percentages), text as text cells (never formulas).';
const CHILDREN =
  'One row per current child territory of `{code}`, by name: `code`, `name`, `level`, `subscribers_<PLATFORM>` per platform, `subscribers`, `pages`, `verified_pages`, `organisations`, `organisations_with_pages`, `coverage` (organisations_with_pages / organisations, 0 without organisations), `stale_pages` (active pages of the subtree not counted for 30 days: `freshness.stalePages`); with `required`: `compliant`, `compliance`; with `from`/`to`: `growth`. The same figures as the GraphQL fields of the same names.';
const ORGANISATIONS =
  "The organisations of `{code}`'s subtree (by territory code, then name): `external_id`, `name`, `kind`, `inn`, `ogrn`, `territory_code`, `territory_name`, `sector`, `subscribers`, `platforms` (those with an active page); with `missingPlatforms`: only those lacking one of them, and `missing`. The organisations to call.";

/** The export routes' OpenAPI 3.1 path items, keyed by path. */
export const exportPaths = {
  '/v1/exports/territories/{code}/children.csv': exportPath('children', 'csv', "A territory's children and their figures, as CSV", `${CHILDREN} ${CSV_NOTE}`),
  '/v1/exports/territories/{code}/children.xlsx': exportPath(
    'children',
    'xlsx',
    "A territory's children and their figures, as XLSX",
    `${CHILDREN} ${XLSX_NOTE}`,
  ),
  '/v1/exports/territories/{code}/organisations.csv': exportPath(
    'organisations',
    'csv',
    "A territory's organisations (the non-compliant with `missingPlatforms`), as CSV",
    `${ORGANISATIONS} ${CSV_NOTE}`,
  ),
  '/v1/exports/territories/{code}/organisations.xlsx': exportPath(
    'organisations',
    'xlsx',
    "A territory's organisations (the non-compliant with `missingPlatforms`), as XLSX",
    `${ORGANISATIONS} ${XLSX_NOTE}`,
  ),
} as const;

/** The exports' piece of `GET /v1/openapi.json`. */
export const exportsOpenApi: OpenApiPiece = {
  tags: [{ name: 'exports', description: 'Spreadsheet exports of a territory: its children with their figures, its organisations (the ones to call).' }],
  paths: exportPaths,
};
