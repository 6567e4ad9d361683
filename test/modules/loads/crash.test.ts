import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeKey } from '../../../src/modules/keys/keys.js';
import { keyFor, loadTwoRegions } from '../../fixtures/twoRegions.js';
import { useTestDatabase } from '../../helpers/database.js';
import { csv } from '../../helpers/loads.js';
import { snapshot } from '../../helpers/snapshot.js';

const { url, pool } = await useTestDatabase();
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gospubliki-crash-load-'));
const children: ChildProcess[] = [];
let key: string;

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await fs.rm(dataDir, { recursive: true, force: true });
});

/** The real server (`npm start`'s entry point) on this test file's database; resolves once it serves. */
function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir, PORT: '0', DEMO: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const match = /"port":(\d+),"startupMs"/.exec(log);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${log}`)));
  });
}

beforeAll(async () => {
  await loadTwoRegions(pool);
  ({ secret: key } = await keyFor(pool, { name: 'crash test' }));
});

describe('a revoke', () => {
  it('reaches a running server at once (a notification, not a restart)', async () => {
    const server = await startServer();
    const revocable = await keyFor(pool, { name: 'to revoke' });
    const ask = () =>
      fetch(`http://127.0.0.1:${server.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${revocable.secret}` },
        body: JSON.stringify({ query: '{ viewer { name } }' }),
      });
    expect((await ask()).status).toBe(200); // now cached by the server
    await revokeKey(pool, revocable.id);
    let status = 0;
    for (let i = 0; i < 40 && status !== 401; i++) {
      status = (await ask()).status;
      if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(status).toBe(401);
    server.child.kill('SIGTERM');
    expect(await new Promise((resolve) => server.child.once('exit', resolve))).toBe(0);
  });
});

describe('a load cut off by a crash', () => {
  it('ends FAILED `interrupted` once a server starts again, with nothing of it applied and its files removed', async () => {
    const first = await startServer();
    const before = await snapshot(pool);
    // Enough rows that the load is still running when the server is killed.
    const rows: [string, string, number, string][] = [];
    for (let day = 0; day < 45_000; day++) {
      const date = new Date(Date.UTC(1900, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
      rows.push(['VK', 'school_a', day, date], ['VK', 'school_b', day, date]);
    }
    const body = new FormData();
    body.append('observations.csv', new Blob([csv('platform,external_id,subscribers,observed_on', rows)]), 'observations.csv');
    const sent = await fetch(`http://127.0.0.1:${first.port}/v1/loads`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body });
    expect(sent.status).toBe(202);
    const { id } = (await sent.json()) as { id: string };
    for (let i = 0; i < 500; i++) {
      const { rows: state } = await pool.query('SELECT status FROM load WHERE id = $1', [id]);
      if (state[0].status === 'RUNNING') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    expect((await pool.query('SELECT status FROM load WHERE id = $1', [id])).rows[0].status).toBe('RUNNING');

    const second = await startServer();
    let load: any;
    for (let i = 0; i < 200; i++) {
      const response = await fetch(`http://127.0.0.1:${second.port}/v1/loads/${id}`, { headers: { authorization: `Bearer ${key}` } });
      load = await response.json();
      if (load.status === 'FAILED') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(load).toMatchObject({ status: 'FAILED', reason: 'interrupted' });
    expect(await snapshot(pool)).toEqual(before);
    expect(await fs.readdir(path.join(dataDir, 'uploads'))).toEqual([]);
    second.child.kill('SIGTERM');
    expect(await new Promise((resolve) => second.child.once('exit', resolve))).toBe(0);
  });
});
