import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

/** The project's root folder. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A real API process (`src/server.ts`) on a random port of 127.0.0.1. */
export interface ServerProcess {
  port: number;
  url: string;
  child: ChildProcess;
  /** Everything it logged so far. */
  log(): string;
  /** SIGKILL: the process dies at once, as in a crash. */
  kill(): Promise<void>;
}

const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
});

/** A data folder of its own for a file's servers (removed after the file's tests). */
export async function serverDataDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gospubliki-server-'));
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts `src/server.ts` on `databaseUrl` (no demo, no Redis unless `env` says so) and waits until it listens. */
export function startServer(databaseUrl: string, dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dataDir, PORT: '0', DEMO: '0', LOG_LEVEL: 'info', REDIS_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let log = '';
  const append = (chunk: Buffer) => {
    log += chunk.toString();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  return new Promise((resolve, reject) => {
    const onData = () => {
      const match = /"port":(\d+),"startupMs"/.exec(log);
      if (!match) return;
      child.stderr!.off('data', onData);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      const port = Number(match[1]);
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        child,
        log: () => log,
        kill: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGKILL');
          }),
      });
    };
    const onExit = (code: number | null) => reject(new Error(`server exited (${code}): ${log}`));
    child.stderr!.on('data', onData);
    child.stdout!.on('data', onData);
    child.on('exit', onExit);
  });
}
