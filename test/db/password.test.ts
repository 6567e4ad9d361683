import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PASSWORD_FILE, startEmbeddedPostgres } from '../../src/db/embeddedPostgres.js';

/**
 * The embedded PostgreSQL used to trust every local account as superuser on 127.0.0.1 (anyone on
 * the machine could create API keys in the database). It now takes a generated password, kept in
 * DATA_DIR (mode 0600), and refuses a connection without it; a data folder made before keeps
 * working, switched over on its first start.
 */
const run = promisify(execFile);
const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await fs.rm(folder, { recursive: true, force: true });
});

async function dataFolder(): Promise<string> {
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'gospubliki-password-'));
  await fs.chmod(folder, 0o755); // the server runs as the postgres user when we are root
  folders.push(folder);
  return folder;
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** What the server answers a connection with this password (undefined: none sent): 'ok' or the SQLSTATE. */
async function connectWith(port: number, password: string | undefined): Promise<string> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', ...(password === undefined ? {} : { password }) });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return 'ok';
  } catch (error) {
    return String((error as { code?: string }).code ?? (error as Error).message);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** psql with no password at all (-w: never prompt): the server must ask for one. */
async function psqlWithoutPassword(port: number): Promise<string> {
  const env = { ...process.env, PGPASSWORD: '', PGPASSFILE: '/nonexistent' };
  return run('psql', ['-w', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', 'SELECT 1'], { env }).then(
    () => 'connected',
    (error: { stderr?: string }) => error.stderr ?? 'refused',
  );
}

describe('the embedded PostgreSQL', () => {
  it('generates a password kept in DATA_DIR (0600) and refuses connections without it', async () => {
    const dataDir = await dataFolder();
    const server = await startEmbeddedPostgres(dataDir);
    try {
      const file = path.join(dataDir, PASSWORD_FILE);
      expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
      const password = (await fs.readFile(file, 'utf8')).trim();
      expect(password.length).toBeGreaterThanOrEqual(30);
      expect(decodeURIComponent(new URL(server.url()).password)).toBe(password);
      const port = portOf(server.url());
      expect(await connectWith(port, password)).toBe('ok');
      expect(await connectWith(port, 'not-the-password')).toBe('28P01'); // invalid_password
      expect(await psqlWithoutPassword(port)).toMatch(/password/i);
      // Nothing could be done without it: the attempt above created no role.
      const client = new pg.Client({ connectionString: server.url() });
      await client.connect();
      expect((await client.query("SELECT count(*)::int AS n FROM pg_roles WHERE rolname !~ '^pg_'")).rows[0].n).toBe(1);
      await client.end();
    } finally {
      await server.release();
    }
  }, 120_000);

  it('switches a data folder made before (trust, no password file) over on its next start, data kept', async () => {
    const dataDir = await dataFolder();
    // Make the old state: a cluster with trust on loopback and no password, holding some data.
    const first = await startEmbeddedPostgres(dataDir);
    const admin = new pg.Client({ connectionString: first.url() });
    await admin.connect();
    await admin.query('CREATE TABLE kept (note text)');
    await admin.query("INSERT INTO kept VALUES ('made before the upgrade')");
    await fs.writeFile(path.join(dataDir, 'pg', 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n');
    await admin.query('SELECT pg_reload_conf()');
    await admin.query('ALTER ROLE postgres PASSWORD NULL');
    await admin.end();
    await first.release();
    await fs.rm(path.join(dataDir, PASSWORD_FILE));

    const upgraded = await startEmbeddedPostgres(dataDir);
    try {
      const port = portOf(upgraded.url());
      const client = new pg.Client({ connectionString: upgraded.url() });
      await client.connect();
      expect((await client.query('SELECT note FROM kept')).rows).toEqual([{ note: 'made before the upgrade' }]);
      await client.end();
      expect((await fs.stat(path.join(dataDir, PASSWORD_FILE))).mode & 0o777).toBe(0o600);
      expect(await connectWith(port, 'guess')).toBe('28P01');
      expect(await psqlWithoutPassword(port)).toMatch(/password/i);
    } finally {
      await upgraded.release();
    }
  }, 120_000);
});
