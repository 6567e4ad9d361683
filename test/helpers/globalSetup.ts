import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { type EmbeddedServer, startEmbeddedPostgres } from '../../src/db/embeddedPostgres.js';
import { migrate } from '../../src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Server connection string (any database; test files create their own). */
    testServerUrl: string;
    /** Name of the migrated template database each test file clones. */
    templateDatabase: string;
    /** A folder for the run's scratch files (load folders…), removed at the end of the run. */
    scratchFolder: string;
  }
}

/**
 * One PostgreSQL per test run: the one at TEST_DATABASE_URL, or an embedded server in a temp
 * folder. A migrated template database is made once; each test file clones it (fast) and drops
 * its clone; the template and the temp folder go at the end.
 */
export default async function setup(project: TestProject) {
  let server: EmbeddedServer | undefined;
  let dataDir: string | undefined;
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gospubliki-test-'));
    await fs.chmod(dataDir, 0o755); // the embedded server runs as the postgres user when we are root
    server = await startEmbeddedPostgres(dataDir, {
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '200' },
    });
    serverUrl = server.url();
  }
  const template = `gospubliki_template_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  await migrate(withDatabase(serverUrl, template));
  project.provide('testServerUrl', serverUrl);
  project.provide('templateDatabase', template);
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'gospubliki-scratch-'));
  project.provide('scratchFolder', scratch);

  return async () => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await client.end();
    await server?.release();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
    await fs.rm(scratch, { recursive: true, force: true });
  };
}

export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
