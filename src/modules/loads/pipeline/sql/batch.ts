import type pg from 'pg';

/**
 * Several statements of a load sent as one round trip: joined into one text, run in order by
 * PostgreSQL's simple query protocol inside the load's transaction (the first to fail stops the
 * rest and fails the load, as one statement would). Statements that take parameters cannot be
 * sent this way; each of these is written with literals only. Returns each statement's result, in
 * order (the caller reads the rows or row counts it needs).
 */
export async function sendBatch(client: pg.PoolClient, statements: readonly string[]): Promise<pg.QueryResult[]> {
  if (statements.length === 0) return [];
  const result = (await client.query(statements.join(';\n'))) as unknown as pg.QueryResult | pg.QueryResult[];
  // pg gives one result for one statement and an array for several.
  return Array.isArray(result) ? result : [result];
}
