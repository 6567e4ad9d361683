import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../../src/config.js';
import { RETRY_SECONDS, RETRY_WINDOW_SECONDS, retryDelaySeconds } from '../../../src/modules/webhooks/backoff.js';
import { decryptSecret, encryptSecret, newWebhookSecret, webhookEncryptionKey } from '../../../src/modules/webhooks/secret.js';
import { setWebhook } from '../../../src/modules/webhooks/webhooks.js';
import { DEFAULT_WEBHOOK_TIMEOUT_MS, WebhookWorker } from '../../../src/modules/webhooks/worker.js';
import { keyFor, loadTwoRegions } from '../../fixtures/twoRegions.js';
import { useTestDatabase } from '../../helpers/database.js';
import { startReceiver } from '../../helpers/receiver.js';
import { ROOT, serverDataDir } from '../../helpers/server.js';

const { url, pool } = await useTestDatabase();
const encryptionKey = webhookEncryptionKey('worker test key', '/nonexistent');
let dataDir: string;

beforeAll(async () => {
  await loadTwoRegions(pool);
  dataDir = await serverDataDir();
});

/** A load of this key that ends now (the trigger on `load` queues its delivery). */
async function endLoad(keyId: number, status: 'SUCCEEDED' | 'FAILED' = 'SUCCEEDED'): Promise<string> {
  const id = randomUUID();
  await pool.query("INSERT INTO load (id, key_id, content_hash, owner, folder, status) VALUES ($1, $2, 'x', 'test', '/nonexistent', 'RUNNING')", [id, keyId]);
  await pool.query('UPDATE load SET status = $2, finished_at = now() WHERE id = $1', [id, status]);
  return id;
}

async function delivery(loadId: string) {
  const { rows } = await pool.query('SELECT * FROM webhook_delivery WHERE load_id = $1', [loadId]);
  return rows[0];
}

function worker(options: Partial<ConstructorParameters<typeof WebhookWorker>[0]> = {}): WebhookWorker {
  return new WebhookWorker({ pool, encryptionKey, pollMs: 100, ...options });
}

async function settled(loadId: string, done: (row: any) => boolean, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const row = await delivery(loadId);
    if (row && done(row)) return row;
    if (Date.now() > end) throw new Error(`delivery not settled: ${JSON.stringify(row)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function keys(args: string[]) {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/keys.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir, LOG_LEVEL: 'silent', WEBHOOK_ENCRYPTION_KEY: 'worker test key' },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

describe('the webhook worker', () => {
  it('gives a receiver 10 s by default (WEBHOOK_TIMEOUT_MS), and cuts one that hangs at the timeout', { timeout: 30_000 }, async () => {
    expect(DEFAULT_WEBHOOK_TIMEOUT_MS).toBe(10_000);
    expect(readConfig({}).webhookTimeoutMs).toBe(10_000);
    expect(readConfig({ WEBHOOK_TIMEOUT_MS: '2500' }).webhookTimeoutMs).toBe(2500);
    expect(() => readConfig({ WEBHOOK_TIMEOUT_MS: 'soon' })).toThrow('WEBHOOK_TIMEOUT_MS must be a number above 0, got "soon"');

    const receiver = await startReceiver(() => 'hang');
    const { id: keyId } = await keyFor(pool, { name: 'hanging receiver' });
    await setWebhook(pool, keyId, receiver.url, encryptionKey);
    const loadId = await endLoad(keyId);
    const sender = worker({ timeoutMs: 400 });
    sender.start();
    await receiver.waitFor(1);
    const row = await settled(loadId, (r) => r.lease_token === null && r.attempts === 1);
    await sender.stop();
    expect(row).toMatchObject({ status: 'PENDING', last_status: null, last_error: 'no answer within 400 ms' });
    expect(Date.now() - receiver.received[0].at).toBeLessThan(5000);
    expect((row.next_attempt_at.getTime() - Date.now()) / 1000).toBeLessThanOrEqual(RETRY_SECONDS[0]);
  });

  it('retries with growing back-off, the first retry within 30 s, for 24 hours, then gives up', async () => {
    expect(retryDelaySeconds(1)).toBeLessThanOrEqual(30);
    for (let n = 2; n <= 12; n++) expect(retryDelaySeconds(n)).toBeGreaterThanOrEqual(retryDelaySeconds(n - 1));
    expect(RETRY_WINDOW_SECONDS).toBe(24 * 3600);
    let elapsed = 0;
    let attempts = 1;
    while (elapsed + retryDelaySeconds(attempts) <= RETRY_WINDOW_SECONDS) elapsed += retryDelaySeconds(attempts++);
    expect(attempts).toBeGreaterThan(8); // a day of attempts, not a handful

    const receiver = await startReceiver(() => 503);
    const { id: keyId } = await keyFor(pool, { name: 'failing receiver' });
    await setWebhook(pool, keyId, receiver.url, encryptionKey);
    const loadId = await endLoad(keyId, 'FAILED');
    const sender = worker({ retryWindowSeconds: 0 }); // the window already over: the first failure is the last
    sender.start();
    const row = await settled(loadId, (r) => r.status !== 'PENDING');
    await sender.stop();
    expect(row).toMatchObject({ status: 'FAILED', attempts: 1, last_status: 503, last_error: 'the receiver answered 503' });
    expect(receiver.received).toHaveLength(1);
  });

  it('sends each delivery once even with two workers claiming at the same time (FOR UPDATE SKIP LOCKED)', async () => {
    const receiver = await startReceiver(() => 200);
    const { id: keyId } = await keyFor(pool, { name: 'two workers' });
    const { secret } = await setWebhook(pool, keyId, receiver.url, encryptionKey);
    const loads = [];
    for (let i = 0; i < 12; i++) loads.push(await endLoad(keyId));
    const [a, b] = [worker({ batch: 3 }), worker({ batch: 3 })];
    a.start();
    b.start();
    await receiver.waitFor(12);
    for (const id of loads) await settled(id, (r) => r.status === 'DELIVERED');
    await Promise.all([a.stop(), b.stop()]);
    expect(receiver.received).toHaveLength(12);
    const ids = receiver.received.map((r) => new Webhook(secret!).verify(r.body, r.headers as Record<string, string>) as { id: string });
    expect(ids.map((load) => load.id).sort()).toEqual([...loads].sort());
  });

  it('gives up on a delivery whose key’s webhook was turned off, without sending it', async () => {
    const receiver = await startReceiver(() => 200);
    const { id: keyId } = await keyFor(pool, { name: 'turned off' });
    await setWebhook(pool, keyId, receiver.url, encryptionKey);
    const loadId = await endLoad(keyId);
    expect((await keys(['webhook', String(keyId), '--off'])).stdout).toContain('webhook turned off');
    const sender = worker();
    sender.start();
    const row = await settled(loadId, (r) => r.status !== 'PENDING');
    await sender.stop();
    expect(row).toMatchObject({ status: 'FAILED', last_error: "the key's webhook was turned off" });
    expect(receiver.received).toHaveLength(0);
    // No webhook, no delivery.
    expect(await delivery(await endLoad(keyId))).toBeUndefined();
  });
});

describe('old deliveries', () => {
  it('are purged after the retention (ended ones only), when a worker starts', async () => {
    const { id: keyId } = await keyFor(pool, { name: 'old deliveries' });
    await setWebhook(pool, keyId, 'http://127.0.0.1:9/never', encryptionKey);
    const [oldDone, oldPending, recentDone] = [await endLoad(keyId), await endLoad(keyId), await endLoad(keyId)];
    await pool.query("UPDATE webhook_delivery SET status = 'DELIVERED', created_at = now() - interval '31 days' WHERE load_id = $1", [oldDone]);
    await pool.query("UPDATE webhook_delivery SET created_at = now() - interval '31 days', next_attempt_at = now() + interval '1 hour' WHERE load_id = $1", [
      oldPending,
    ]);
    await pool.query("UPDATE webhook_delivery SET status = 'FAILED' WHERE load_id = $1", [recentDone]);
    const sender = worker({ retentionDays: 30 });
    sender.start();
    await expect.poll(() => delivery(oldDone)).toBeUndefined();
    await sender.stop();
    expect(await delivery(oldPending)).toMatchObject({ status: 'PENDING' });
    expect(await delivery(recentDone)).toMatchObject({ status: 'FAILED' });
  });
});

describe('webhook secrets', () => {
  it('are whsec_ + base64 of 32 bytes, stored encrypted for their key only', async () => {
    const secret = newWebhookSecret();
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    const stored = encryptSecret(secret, 7, encryptionKey);
    expect(stored).not.toContain(secret.slice(6, 20));
    expect(decryptSecret(stored, 7, encryptionKey)).toBe(secret);
    expect(() => decryptSecret(stored, 8, encryptionKey)).toThrow(); // moved onto another key's row
    expect(() => decryptSecret(stored, 7, webhookEncryptionKey('another server key', '/nonexistent'))).toThrow();
    const { id: keyId } = await keyFor(pool, { name: 'stored secret' });
    const { secret: given } = await setWebhook(pool, keyId, 'https://example.org/hooks', encryptionKey);
    const { rows } = await pool.query('SELECT secret_ciphertext FROM webhook_endpoint WHERE key_id = $1', [keyId]);
    expect(rows[0].secret_ciphertext).not.toContain(given!.slice(6));
    expect(JSON.stringify(await pool.query('SELECT * FROM webhook_endpoint').then((r) => r.rows))).not.toContain(given!.slice(6));
  });

  it('without WEBHOOK_ENCRYPTION_KEY, are encrypted with a key file in the data folder (mode 0600), made once', async () => {
    const { statSync } = await import('node:fs');
    const first = webhookEncryptionKey(undefined, dataDir);
    expect(first).toHaveLength(32);
    expect(webhookEncryptionKey(undefined, dataDir).equals(first)).toBe(true);
    expect(statSync(`${dataDir}/webhook-encryption.key`).mode & 0o777).toBe(0o600);
  });
});

describe('npm run keys', () => {
  it('create --webhook prints the webhookSecret once in its JSON; webhook ID URL keeps the secret; deliveries lists them', { timeout: 60_000 }, async () => {
    const created = await keys(['create', '--name', 'С вебхуком', '--webhook', 'https://example.org/hooks/a']);
    expect(created.code, created.stderr).toBe(0);
    const json = JSON.parse(created.stdout.trim().split('\n').at(-1)!);
    expect(json).toEqual({ id: expect.any(Number), key: expect.stringMatching(/^gp_/), webhookSecret: expect.stringMatching(/^whsec_/) });
    const changed = await keys(['webhook', String(json.id), 'http://127.0.0.1:9/other']);
    expect(changed.stdout).toContain('the webhook secret is unchanged');
    expect(changed.stdout).not.toContain('whsec_');
    const { rows } = await pool.query('SELECT url, secret_ciphertext FROM webhook_endpoint WHERE key_id = $1', [json.id]);
    expect(rows[0].url).toBe('http://127.0.0.1:9/other');
    expect(decryptSecret(rows[0].secret_ciphertext, json.id, encryptionKey)).toBe(json.webhookSecret);
    expect((await keys(['list'])).stdout).toContain('http://127.0.0.1:9/other');

    const loadId = await endLoad(json.id);
    const listed = await keys(['deliveries', '--key', String(json.id)]);
    expect(listed.stdout).toMatch(new RegExp(`msg_\\w+ +${json.id} +${loadId} +PENDING +0`));
    expect((await keys(['deliveries'])).stdout).toContain(loadId);
  });

  it('lists a webhook URL with a password in it as ***, keeping the URL itself for delivery', { timeout: 60_000 }, async () => {
    const created = await keys(['create', '--name', 'Basic auth hook', '--webhook', 'https://hooks:s3cr3t-pass@example.org/in']);
    expect(created.code, created.stderr).toBe(0);
    const { id } = JSON.parse(created.stdout.trim().split('\n').at(-1)!);
    const { rows } = await pool.query('SELECT url FROM webhook_endpoint WHERE key_id = $1', [id]);
    expect(rows[0].url).toBe('https://hooks:s3cr3t-pass@example.org/in');
    const listed = await keys(['list']);
    expect(listed.stdout).toContain('https://hooks:***@example.org/in');
    expect(listed.stdout).not.toContain('s3cr3t-pass');
    await endLoad(id);
    const deliveries = await keys(['deliveries', '--key', String(id)]);
    expect(deliveries.stdout).toContain('https://hooks:***@example.org/in');
    expect(deliveries.stdout).not.toContain('s3cr3t-pass');
  });

  it('refuses a webhook URL that is not http(s), with a clear error, and creates nothing', { timeout: 60_000 }, async () => {
    const before = await pool.query('SELECT count(*)::int AS n FROM api_key');
    for (const bad of ['ftp://example.org/hook', 'javascript:alert(1)', 'file:///etc/passwd', 'example.org/hook']) {
      const refused = await keys(['create', '--name', 'bad hook', '--webhook', bad]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/^keys: (a webhook URL must start with http:\/\/ or https:\/\/|".*" is not a URL)/);
      expect(refused.stderr).not.toMatch(/at .*\.ts/); // no stack trace
    }
    expect((await pool.query('SELECT count(*)::int AS n FROM api_key')).rows[0].n).toBe(before.rows[0].n);
    const { id: keyId } = await keyFor(pool, { name: 'kept hook' });
    await setWebhook(pool, keyId, 'https://example.org/kept', encryptionKey);
    const refused = await keys(['webhook', String(keyId), 'gopher://example.org/']);
    expect(refused.code).toBe(2);
    const unknown = await keys(['webhook', '99999', 'https://example.org/']);
    expect(unknown).toMatchObject({ code: 2, stderr: 'keys: no key has id 99999\n' });
    expect((await pool.query('SELECT count(*)::int AS n FROM webhook_endpoint WHERE key_id = 99999')).rows[0].n).toBe(0);
    expect((await pool.query('SELECT url FROM webhook_endpoint WHERE key_id = $1', [keyId])).rows[0].url).toBe('https://example.org/kept');
  });
});
