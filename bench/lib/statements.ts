import os from 'node:os';
import type pg from 'pg';
import type { GraphQLRequest } from './load.js';

/** SQL statements one request sends, counted on an in-process copy of the API. */
export interface StatementCount {
  statements: number;
  /** The statements, each cut to its first 160 characters (whitespace collapsed). */
  sql: string[];
}

/**
 * Counts the SQL statements each request sends without touching the server under test: the
 * bench process loads the same GraphQL endpoint (src/yoga.ts) over its own Prisma client on the
 * bench database (src/db/prisma.ts connectPrisma) and runs the request once through
 * `api.fetch`, counting with `onQuery` (every statement Prisma sends, raw SQL included), the
 * way the tests' `countStatements` does. Each request runs once first so that nothing
 * process-wide that a first request warms is counted.
 */
export async function countStatements(pool: pg.Pool, requests: Map<string, GraphQLRequest>): Promise<Map<string, StatementCount>> {
  const { connectPrisma, disconnectPrisma, onQuery } = await import('../../src/db/prisma.js');
  connectPrisma(pool);
  const { createApi } = await import('../../src/yoga.js');
  const { LoadQueue } = await import('../../src/modules/loads/queue/queue.js');
  // No load is sent here: the queue is never started.
  const queue = new LoadQueue({ pool, uploadsDir: os.tmpdir(), retentionDays: 30 });
  const api = createApi({ pool, ready: async () => true, loads: { queue, maxBytes: 1 } });
  const run = async (request: GraphQLRequest) => {
    const response = await api.fetch('http://bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    const body = (await response.json()) as { errors?: { message: string }[] };
    if (body.errors?.length) throw new Error(JSON.stringify(body.errors).slice(0, 500));
  };
  const counts = new Map<string, StatementCount>();
  try {
    for (const [id, request] of requests) {
      await run(request);
      const sql: string[] = [];
      const stop = onQuery((statement) => sql.push(statement.replace(/\s+/g, ' ').trim().slice(0, 160)));
      try {
        await run(request);
      } finally {
        stop();
      }
      counts.set(id, { statements: sql.length, sql });
    }
  } finally {
    await disconnectPrisma();
  }
  return counts;
}
