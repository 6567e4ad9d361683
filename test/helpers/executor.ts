import { onQuery } from '../../src/db/prisma.js';
import { yoga } from '../../src/yoga.js';

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: { code?: string } }[];
}

/** Runs one GraphQL operation through `yoga.fetch` (no socket). */
export async function execute<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
  const response = await yoga.fetch('http://test/graphql', {
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
