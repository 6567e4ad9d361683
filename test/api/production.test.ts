import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, sleep } from '../../src/util/os.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gospubliki-prod-'));

afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the production build', () => {
  it('npm run build, then node dist/server.js serves and exits 0 on SIGTERM within 10 s with the embedded PostgreSQL stopped', async () => {
    await run('npm', ['run', 'build'], { cwd: ROOT });
    expect(fs.existsSync(path.join(ROOT, 'dist/server.js'))).toBe(true);
    expect(fs.existsSync(path.join(ROOT, 'dist/generated/prisma/client.js'))).toBe(true);

    const port = await freePort();
    const child = spawn(process.execPath, ['dist/server.js'], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production', PORT: String(port), DATA_DIR: dataDir, DEMO: '0', LOG_LEVEL: 'info', DATABASE_URL: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const until = Date.now() + 90_000;
      for (;;) {
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ready) break;
        if (Date.now() > until || child.exitCode !== null) throw new Error(`the server did not get ready:\n${log}`);
        await sleep(200);
      }
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ platforms { code } }' }),
      });
      const body = (await response.json()) as { data: { platforms: { code: string }[] } };
      expect(body.data.platforms.map((p) => p.code)).toEqual(['VK', 'OK', 'TELEGRAM', 'MAX']);
      const page = await fetch(`http://127.0.0.1:${port}/graphql`, { headers: { accept: 'text/html' } });
      expect(await page.text()).toContain('/graphiql/assets/graphiql.min.js');
      expect((await fetch(`http://127.0.0.1:${port}/graphiql/assets/graphiql.min.js`)).status).toBe(200);

      const signalled = Date.now();
      child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(10_000).then(() => 'still running')]);
      expect(code, log).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(10_000);
      expect(log).toContain('stopping the embedded PostgreSQL');
      expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 180_000);
});
