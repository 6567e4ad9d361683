import { createHash } from 'node:crypto';
import type pg from 'pg';
import { prismaPool, reportQuery } from './prisma.js';

/**
 * Statements are sent as named prepared statements (named after a hash of their text), so each
 * connection parses and plans a statement once and then only binds and executes it (PostgreSQL
 * keeps its plan, custom or generic, per connection). The texts are few: they vary with the shape
 * of a request (ordering, filters present, detail), never with its values.
 */
const names = new Map<string, string>();
function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `gp_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    if (names.size < 10_000) names.set(text, name);
  }
  return name;
}

/**
 * Parameterised SQL sent straight to the `pg` pool under the Prisma client, for hot read paths
 * where Prisma's raw-query layer (argument and result mapping) costs more than it gives (see
 * docs/performance.md). Every statement is counted by `onQuery` like Prisma's, so the statement
 * tests still see it. Values go as parameters ($1, $2…), never into the text. Column types are
 * pg's: int4 → number, int8 and numeric → string (convert with BigInt), date → 'YYYY-MM-DD'.
 */
export async function query<T extends pg.QueryResultRow>(text: string, values: readonly unknown[] = []): Promise<T[]> {
  reportQuery(text);
  const result = await prismaPool().query<T>({ name: nameOf(text), text, values: values as unknown[] });
  return result.rows;
}

/** `query` with each row as an array of its columns in SELECT order (no object per row: cheaper for many rows). */
export async function queryArrays<T extends unknown[]>(text: string, values: readonly unknown[] = []): Promise<T[]> {
  reportQuery(text);
  const result = await prismaPool().query<T>({ name: nameOf(text), text, values: values as unknown[], rowMode: 'array' });
  return result.rows;
}
