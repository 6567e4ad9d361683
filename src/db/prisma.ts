import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

export type { PrismaClient };

let client: PrismaClient | undefined;
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
  return created;
}

export async function disconnectPrisma(): Promise<void> {
  await client?.$disconnect();
  client = undefined;
}

/** Calls `listener` with every SQL statement Prisma sends (tests count statements with it). */
export function onQuery(listener: (sql: string) => void): () => void {
  queryListeners.add(listener);
  return () => queryListeners.delete(listener);
}
