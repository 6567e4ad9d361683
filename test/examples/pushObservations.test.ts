import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { webhookEncryptionKey } from '../../src/modules/webhooks/secret.js';
import { setWebhook } from '../../src/modules/webhooks/webhooks.js';
import { keyFor, loadTwoRegions } from '../fixtures/twoRegions.js';
import { useTestDatabase } from '../helpers/database.js';
import { csv } from '../helpers/loads.js';
import { ROOT, type ServerProcess, serverDataDir, startServer } from '../helpers/server.js';

/** examples/push-observations.mjs, run as an integrator runs it, against a real server. */

const { url, pool } = await useTestDatabase();
const ENCRYPTION = 'example test key';
let server: ServerProcess;
const folder = path.join(inject('scratchFolder'), 'example-push');

beforeAll(async () => {
  await loadTwoRegions(pool);
  await fs.mkdir(folder, { recursive: true });
  server = await startServer(url, await serverDataDir(), { WEBHOOK_ENCRYPTION_KEY: ENCRYPTION, WEBHOOK_POLL_MS: '200' });
});

async function day(name: string, rows: (string | number)[][]): Promise<string> {
  const file = path.join(folder, name);
  await fs.writeFile(file, csv('platform,external_id,subscribers,observed_on', rows));
  return file;
}

function run(args: string[], env: Record<string, string>) {
  return promisify(execFile)(process.execPath, ['examples/push-observations.mjs', ...args], {
    cwd: ROOT,
    env: { ...process.env, GOSPUBLIKI_URL: server.url, ...env },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

/** A port nobody listens on now (the example's receiver takes it). */
async function freePort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('examples/push-observations.mjs', () => {
  it('pushes a day with an Idempotency-Key, waits for the webhook, prints the outcome; sent again, it finds the same load', { timeout: 90_000 }, async () => {
    const { id: keyId, secret: key } = await keyFor(pool, { name: 'ЦУР Владимирской области', within: ['17000000'] });
    const port = await freePort();
    const { secret } = await setWebhook(pool, keyId, `http://127.0.0.1:${port}/hooks`, webhookEncryptionKey(ENCRYPTION, '/nonexistent'));
    const file = await day('good.csv', [['VK', 'school_a', 140, '2026-11-25']]);
    const env = { GOSPUBLIKI_KEY: key, WEBHOOK_SECRET: secret! };

    const first = await run([file, '--day', '2026-11-25', '--listen', `127.0.0.1:${port}`], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^sent: load [0-9a-f-]{36} \(Idempotency-Key observations-2026-11-25-[0-9a-f]{16}\)$/m);
    expect(first.stdout).toContain(`waiting for the webhook on 127.0.0.1:${port}`);
    expect(first.stdout).toMatch(/^SUCCEEDED$/m);
    expect(first.stdout).toContain('observations.csv: 1 rows, 1 new, 0 updated, 0 unchanged, 0 rejected');
    const loadId = /sent: load (\S+)/.exec(first.stdout)![1];
    // The server records the delivery once the example's receiver answered (just before it exited).
    await expect
      .poll(async () => (await pool.query('SELECT status FROM webhook_delivery WHERE load_id = $1', [loadId])).rows)
      .toEqual([{ status: 'DELIVERED' }]);

    // The same day again (a retry after a lost answer): the first load, nothing applied twice.
    const again = await run([file, '--day', '2026-11-25'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`already received: load ${loadId}`);
    expect((await pool.query('SELECT count(*)::int AS n FROM load WHERE key_id = $1 AND dry_run = false', [keyId])).rows[0].n).toBe(1);
  });

  it('polls when no webhook is awaited, and prints every row error of a failed load', { timeout: 60_000 }, async () => {
    const { secret: key } = await keyFor(pool, { name: 'ЦУР Владимирской области (poll)', within: ['17000000'] });
    const file = await day('bad.csv', [
      ['VK', 'school_a', 150, '2026-11-26'],
      ['VK', 'school_a', -3, '2026-11-27'],
    ]);
    const result = await run([file, '--day', '2026-11-27'], { GOSPUBLIKI_KEY: key });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAILED$/m);
    expect(result.stdout).toContain('observations.csv:3 subscribers: must be a non-negative integer');
    expect((await pool.query("SELECT count(*)::int AS n FROM observation WHERE observed_on = '2026-11-26'")).rows[0].n).toBe(0);
  });

  it('says what is wrong without a key or with a refused one', async () => {
    const file = await day('any.csv', [['VK', 'school_a', 1, '2026-11-28']]);
    const noKey = await run([file], { GOSPUBLIKI_KEY: '' });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('set GOSPUBLIKI_KEY');
    const refused = await run([file], { GOSPUBLIKI_KEY: 'gp_not_a_key' });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/refused with 401 UNAUTHENTICATED/);
  });
});
