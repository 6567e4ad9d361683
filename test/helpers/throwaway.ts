import { type ChildProcess, spawn } from 'node:child_process';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, sleep } from '../../src/util/os.js';
import { postgresIds, run } from './streaming.js';

/**
 * Servers of a test's own, to break on purpose (never the machine's shared ones): a PostgreSQL
 * made with Debian's PostgreSQL 15 binaries in a temp folder, and a `redis-server` child, each on
 * a free loopback port.
 */

export interface ThrowawayPostgres {
  url(database?: string): string;
  /** `pg_ctl stop -m immediate` (a crash, as far as clients can tell), then start again. */
  restartImmediate(downMs?: number): Promise<void>;
  destroy(): Promise<void>;
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'gospubliki-chaos-'));
  const ids = await postgresIds();
  await fsp.chmod(root, 0o755);
  if (ids) await fsp.chown(root, ids.uid, ids.gid);
  const dir = path.join(root, 'pg');
  const port = await freePort();
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c max_connections=100`;
  const start = () => run('pg_ctl', ['start', '-D', dir, '-o', options, '-l', path.join(root, 'pg.log'), '-w', '-t', '60'], root);
  const stop = () => run('pg_ctl', ['stop', '-D', dir, '-m', 'immediate', '-w', '-t', '30'], root);
  await run('initdb', [`--pgdata=${dir}`, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync'], root);
  await start();
  return {
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async restartImmediate(downMs = 1000) {
      await stop();
      await sleep(downMs);
      await start();
    },
    async destroy() {
      await stop().catch(() => undefined);
      await fsp.rm(root, { recursive: true, force: true });
    },
  };
}

export interface ThrowawayRedis {
  url: string;
  /** SIGKILL: gone at once, nothing saved. */
  kill(): Promise<void>;
}

/** A `redis-server --port <free> --save ''` child (nothing written to disk). */
export async function startThrowawayRedis(): Promise<ThrowawayRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let attempt = 0; attempt < 100; attempt++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) break;
    await sleep(50);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
