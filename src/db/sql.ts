import type pg from 'pg';
import { prismaPool, reportQuery } from './prisma.js';

/**
 * Parameterised SQL sent straight to the `pg` pool under the Prisma client, for hot read paths
 * where Prisma's raw-query layer (argument and result mapping) costs more than it gives (see
 * docs/performance.md). Every statement is counted by `onQuery` like Prisma's, so the statement
 * tests still see it. Values go as parameters ($1, $2…), never into the text. Column types are
 * pg's: int4 → number, int8 and numeric → string (convert with BigInt), date → 'YYYY-MM-DD'.
 */
export async function query<T extends pg.QueryResultRow>(text: string, values: readonly unknown[] = []): Promise<T[]> {
  reportQuery(text);
  const result = await prismaPool().query<T>(text, values as unknown[]);
  return result.rows;
}

/** `query` with each row as an array of its columns in SELECT order (no object per row: cheaper for many rows). */
export async function queryArrays<T extends unknown[]>(text: string, values: readonly unknown[] = []): Promise<T[]> {
  reportQuery(text);
  const result = await prismaPool().query<T>({ text, values: values as unknown[], rowMode: 'array' });
  return result.rows;
}
