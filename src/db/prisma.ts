import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

export type { PrismaClient };

let client: PrismaClient | undefined;
let clientPool: pg.Pool | undefined;
const queryListeners = new Set<(sql: string) => void>();

/**
 * The process's Prisma client. It lives in its own module, not in the GraphQL context, and is
 * connected once the database is known (embedded or DATABASE_URL) by `connectPrisma`.
 */
export function prisma(): PrismaClient {
  if (!client) throw new Error('the database is not connected yet (connectPrisma was not called)');
  return client;
}

/** Creates the Prisma client over a `pg` pool shared with the bulk loader. */
export function connectPrisma(pool: pg.Pool): PrismaClient {
  const created = new PrismaClient({
    adapter: new PrismaPg(pool),
    log: [{ emit: 'event', level: 'query' }],
  });
  created.$on('query', (event) => {
    for (const listener of queryListeners) listener(event.query);
  });
  client = created;
  clientPool = pool;
  return created;
}

export async function disconnectPrisma(): Promise<void> {
  await client?.$disconnect();
  client = undefined;
  clientPool = undefined;
}

/**
 * The `pg` pool under the Prisma client, for the hot read paths that send SQL directly (see
 * src/db/sql.ts): the same connections, the same database as `prisma()`.
 */
export function prismaPool(): pg.Pool {
  if (!clientPool) throw new Error('the database is not connected yet (connectPrisma was not called)');
  return clientPool;
}

/** Tells the `onQuery` listeners about a statement sent without Prisma (src/db/sql.ts). */
export function reportQuery(sql: string): void {
  for (const listener of queryListeners) listener(sql);
}

/** Calls `listener` with every SQL statement sent: Prisma's and those of src/db/sql.ts (tests count statements with it). */
export function onQuery(listener: (sql: string) => void): () => void {
  queryListeners.add(listener);
  return () => queryListeners.delete(listener);
}
