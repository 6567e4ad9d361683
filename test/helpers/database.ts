import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { connectPrisma, disconnectPrisma } from '../../src/db/prisma.js';
import '../../src/db/database.js'; // DATE columns as strings, as in the application
import { serveDatabase, stopLoadQueue } from './executor.js';
import { withDatabase } from './globalSetup.js';

export interface TestDatabase {
  url: string;
  pool: pg.Pool;
}

/**
 * A database cloned from the run's migrated template, with a pool over it; `beforeDrop` runs
 * after the file's tests, before the pool ends and the database is dropped.
 */
async function clonedDatabase(poolSize: number, beforeDrop: () => Promise<void> = async () => undefined): Promise<TestDatabase> {
  const serverUrl = inject('testServerUrl');
  const name = `gospubliki_test_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('templateDatabase')}`);
  await admin.end();
  const url = withDatabase(serverUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // Dropping the database (WITH FORCE) ends connections the pool may still be closing.
  pool.on('error', () => undefined);
  afterAll(async () => {
    await beforeDrop();
    await pool.end();
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  });
  return { url, pool };
}

/**
 * A fresh migrated database for this test file, cloned from the run's template; the Prisma
 * client of the process points at it. Dropped after the file's tests.
 */
export async function useTestDatabase(): Promise<TestDatabase> {
  const database = await clonedDatabase(10, async () => {
    await stopLoadQueue();
    await disconnectPrisma();
  });
  connectPrisma(database.pool);
  serveDatabase(database.pool);
  return database;
}

/**
 * A second migrated database for this test file (the API keeps using the first): to load the
 * same data another way and compare. Dropped after the file's tests.
 */
export function useSecondDatabase(): Promise<TestDatabase> {
  return clonedDatabase(5);
}
