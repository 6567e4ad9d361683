import path from 'node:path';
import type pg from 'pg';
import { inject } from 'vitest';
import { migrationsApplied } from '../../src/db/migrate.js';
import { onQuery } from '../../src/db/prisma.js';
import { LoadQueue } from '../../src/modules/loads/queue/queue.js';
import { type Api, type ApiDeps, createApi } from '../../src/yoga.js';

export interface GraphQLResponse<T = any> {
  data?: T;
  extensions?: Record<string, any>;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; [key: string]: unknown } }[];
}

let testPool: pg.Pool | undefined;
let testApi: Api | undefined;
let testQueue: LoadQueue | undefined;

/** Largest load body of the test API (small, so the 413 test needs no gigabyte). */
export const TEST_LOAD_MAX_BYTES = 5 * 1024 * 1024;

/** Points the test API's readiness check at this test file's database (called by useTestDatabase). */
export function serveDatabase(pool: pg.Pool): void {
  testPool = pool;
}

/** The API as the server builds it, over this test file's database; tests call `api().fetch` (no socket). */
export function api(): Api {
  // The general tests exercise resolvers with deliberately large requests (N+1 checks): no cost
  // or rate limit here; test/modules/edge tests the limits, with the defaults, on their own APIs.
  testApi ??= createApi({
    pool: pool(),
    ready: () => migrationsApplied(pool()),
    loads: { queue: loadQueue(), maxBytes: TEST_LOAD_MAX_BYTES },
    edge: { config: { ratePoints: 0, maxCost: 0 } },
  });
  return testApi;
}

function pool(): pg.Pool {
  if (!testPool) throw new Error('call useTestDatabase() before using the API');
  return testPool;
}

/** The load queue behind the test API's `/v1/loads` (started by the tests that send loads; stopped after the file). */
export function loadQueue(): LoadQueue {
  testQueue ??= new LoadQueue({ pool: pool(), uploadsDir: path.join(inject('scratchFolder'), `uploads-${process.pid}`), retentionDays: 30, pollMs: 200 });
  return testQueue;
}

/** Stops the test load queue, if one was made (before the test database goes). */
export async function stopLoadQueue(): Promise<void> {
  await testQueue?.stop();
}

/** Runs one GraphQL operation through `api().fetch`. */
export async function execute<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
  const response = await api().fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<T>;
}

/** Runs `work` and returns its result with the number of SQL statements Prisma sent meanwhile. */
export async function countStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: number; sql: string[] }> {
  const sql: string[] = [];
  const stop = onQuery((statement) => sql.push(statement));
  try {
    const result = await work();
    return { result, statements: sql.length, sql };
  } finally {
    stop();
  }
}

/** The data of a response that must have no errors. */
export async function data<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await execute<T>(query, variables);
  if (response.errors) throw new Error(`unexpected errors: ${JSON.stringify(response.errors)}`);
  return response.data as T;
}

/** The message of the one error of a response that must fail with an expected input error, leaking no internals. */
export async function inputError(query: string, variables: Record<string, unknown> = {}): Promise<string> {
  const response = await execute(query, variables);
  const errors = response.errors ?? [];
  if (errors.length !== 1) throw new Error(`expected one error, got ${JSON.stringify(response)}`);
  const [error] = errors;
  if (error.extensions?.code !== 'BAD_USER_INPUT') throw new Error(`expected BAD_USER_INPUT, got ${JSON.stringify(error)}`);
  if (/SELECT|prisma|\bat .*\.ts:\d+|stack/i.test(JSON.stringify(error))) throw new Error(`the error leaks internals: ${JSON.stringify(error)}`);
  return error.message;
}

/** Runs one GraphQL operation with an API key (`Authorization: Bearer <key>`); returns the HTTP status too. */
export async function executeAs<T = any>(
  key: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse<T> & { status: number }> {
  const response = await api().fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as GraphQLResponse<T>) };
}

/** Another API over this test file's database, with some settings of its own (the embeds' max-age…). */
export function createTestApi(settings: Partial<ApiDeps> = {}): Api {
  return createApi({ pool: pool(), ready: () => migrationsApplied(pool()), loads: { queue: loadQueue(), maxBytes: TEST_LOAD_MAX_BYTES }, ...settings });
}
