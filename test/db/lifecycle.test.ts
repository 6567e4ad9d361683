import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { SECTORS, SMALL_TREE } from '../fixtures/smallTree.js';
import { writeLoad } from '../helpers/loads.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

/** Starts `npm start`'s entry point on DATA_DIR and resolves with its port once it serves. */
function startServer(dataDir: string): Promise<{ child: ChildProcess; port: number; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', DEMO: '0', LOG_LEVEL: 'info', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const match = /"port":(\d+),"startupMs"/.exec(log);
      if (match) resolve({ child, port: Number(match[1]), exited });
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${log}`)));
  });
}

async function graphql(port: number, query: string) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: any };
}

const dataDirs: string[] = [];
afterAll(async () => {
  for (const dir of dataDirs) await fs.rm(dir, { recursive: true, force: true });
});

describe('the embedded PostgreSQL lifecycle', () => {
  it('serves while `npm run import` loads into the same DATA_DIR, then both stop cleanly', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gospubliki-life-'));
    await fs.chmod(dataDir, 0o755);
    dataDirs.push(dataDir);
    const server = await startServer(dataDir);
    expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${server.port}/readyz`)).status).toBe(200);

    const folder = await writeLoad({ 'territories.csv': SMALL_TREE, 'sectors.csv': SECTORS });
    const load = await run('npx', ['tsx', 'src/cli/import.ts', folder], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' } });
    expect(load.stdout).toContain('applied');

    // The server still answers, and sees what the import loaded.
    const answer = await graphql(server.port, '{ territory(code: "17000000") { name parent { code } } }');
    expect(answer.data.territory).toEqual({ name: 'Владимирская область', parent: { code: 'FD-CENTRAL' } });

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const pid = await fs.readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').catch(() => undefined);
    expect(pid).toBeUndefined();
  });

  it('recovers after a crash that left a stale pid file', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gospubliki-crash-'));
    await fs.chmod(dataDir, 0o755);
    dataDirs.push(dataDir);
    const first = await startServer(dataDir);
    first.child.kill('SIGTERM');
    await first.exited;
    // A crash leaves postmaster.pid behind with the pid of a process that is gone.
    const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
    await fs.writeFile(pidFile, `999999\n${path.join(dataDir, 'pg')}\n0\n5432\n\n127.0.0.1\n`);
    const second = await startServer(dataDir);
    expect((await fetch(`http://127.0.0.1:${second.port}/readyz`)).status).toBe(200);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
    // After a machine restart the pid may belong to another program (here: this test's process).
    await fs.writeFile(pidFile, `${process.pid}\n${path.join(dataDir, 'pg')}\n0\n5432\n\n127.0.0.1\n`);
    const third = await startServer(dataDir);
    expect((await fetch(`http://127.0.0.1:${third.port}/readyz`)).status).toBe(200);
    third.child.kill('SIGINT');
    expect(await third.exited).toBe(0);
  });
});
