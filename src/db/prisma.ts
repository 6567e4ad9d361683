import { AsyncLocalStorage } from 'node:async_hooks';
import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

export type { PrismaClient };

let client: PrismaClient | undefined;
let clientPool: pg.Pool | undefined;
const queryListeners = new Set<(sql: string) => void>();
/** The pool under each client, so that direct SQL goes where the bound client's would. */
const poolOf = new WeakMap<PrismaClient, pg.Pool>();
/** The client the current async flow is bound to (a read replica's, for a read-only operation). */
const bound = new AsyncLocalStorage<PrismaClient>();

/**
 * The Prisma client to use here: the one the current request is bound to by `withPrisma` (a read
 * replica's, while a read-only GraphQL operation executes), else the process's client over the
 * primary. It lives in its own module, not in the GraphQL context, and the primary's is
 * connected once the database is known (embedded or DATABASE_URL) by `connectPrisma`.
 */
export function prisma(): PrismaClient {
  const current = bound.getStore() ?? client;
  if (!current) throw new Error('the database is not connected yet (connectPrisma was not called)');
  return current;
}

/** Runs `work` (and everything it starts) with `prisma()` answering `bound` instead of the primary's client. */
export function withPrisma<T>(boundClient: PrismaClient, work: () => T): T {
  return bound.run(boundClient, work);
}

/** Runs `work` on the primary whatever the request is bound to (what must never be read stale). */
export function onPrimary<T>(work: () => T): T {
  return bound.exit(work);
}

/** A Prisma client over a `pg` pool (the primary's or a replica's); statement listeners see its SQL. */
export function createPrismaClient(pool: pg.Pool): PrismaClient {
  const created = new PrismaClient({
    adapter: new PrismaPg(pool),
    log: [{ emit: 'event', level: 'query' }],
  });
  created.$on('query', (event) => {
    for (const listener of queryListeners) listener(event.query);
  });
  poolOf.set(created, pool);
  return created;
}

/** Creates the process's Prisma client over the primary's `pg` pool (shared with the bulk loader). */
export function connectPrisma(pool: pg.Pool): PrismaClient {
  client = createPrismaClient(pool);
  clientPool = pool;
  return client;
}

export async function disconnectPrisma(): Promise<void> {
  await client?.$disconnect();
  client = undefined;
  clientPool = undefined;
}

/**
 * The `pg` pool under the Prisma client, for the hot read paths that send SQL directly (see
 * src/db/sql.ts): the same connections, the same database as `prisma()` (a replica's while the
 * request is bound to one).
 */
export function prismaPool(): pg.Pool {
  const boundClient = bound.getStore();
  const boundPool = boundClient ? poolOf.get(boundClient) : undefined;
  if (boundPool) return boundPool; // a read replica's, while a read-only operation executes
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
