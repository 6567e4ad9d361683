import { Webhook } from 'standardwebhooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { webhookEncryptionKey } from '../../../src/modules/webhooks/secret.js';
import { setWebhook } from '../../../src/modules/webhooks/webhooks.js';
import { keyFor, loadTwoRegions } from '../../fixtures/twoRegions.js';
import { useTestDatabase } from '../../helpers/database.js';
import { csv } from '../../helpers/loads.js';
import { startReceiver } from '../../helpers/receiver.js';
import { type ServerProcess, serverDataDir, startServer } from '../../helpers/server.js';

/**
 * Webhooks end to end: a real API process, a real receiver on 127.0.0.1 that verifies each
 * delivery with the `standardwebhooks` library, a failure, a retry, and a kill -9 in between.
 */

const { url, pool } = await useTestDatabase();
const ENCRYPTION = 'a test webhook encryption key that both sides share';
const env = { WEBHOOK_ENCRYPTION_KEY: ENCRYPTION, WEBHOOK_POLL_MS: '200' };
let dataDir: string;
const encryptionKey = webhookEncryptionKey(ENCRYPTION, '/nonexistent');

beforeAll(async () => {
  await loadTwoRegions(pool);
  dataDir = await serverDataDir();
});

function observations(rows: (string | number)[][]): FormData {
  const body = new FormData();
  body.append('observations.csv', new Blob([csv('platform,external_id,subscribers,observed_on', rows)]), 'observations.csv');
  return body;
}

async function sendLoad(server: ServerProcess, key: string, body: FormData, query = ''): Promise<string> {
  const response = await fetch(`${server.url}/v1/loads${query}`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

async function deliveryOf(loadId: string) {
  const { rows } = await pool.query('SELECT * FROM webhook_delivery WHERE load_id = $1', [loadId]);
  return rows[0];
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`not reached in ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('webhooks', () => {
  it('POSTs the load’s JSON signed the Standard Webhooks way, retries a failure, and delivers across a kill -9 of the server', {
    timeout: 120_000,
  }, async () => {
    // Fails the first attempt, answers the next.
    const receiver = await startReceiver((n) => (n === 0 ? 500 : 204));
    const { id: keyId, secret: key } = await keyFor(pool, { name: 'ЦУР Владимирской области' });
    const { secret } = await setWebhook(pool, keyId, receiver.url, encryptionKey);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    let server = await startServer(url, dataDir, env);
    const loadId = await sendLoad(server, key, observations([['VK', 'school_a', 150, '2026-11-20']]));
    const [first] = await receiver.waitFor(1);
    // The failure is recorded (with its next attempt) before the process dies.
    const failed = await until(
      () => deliveryOf(loadId),
      (row) => row?.last_status === 500,
    );
    expect(failed).toMatchObject({ status: 'PENDING', attempts: 1, lease_token: null });
    const retryIn = (failed.next_attempt_at.getTime() - Date.now()) / 1000;
    expect(retryIn).toBeLessThanOrEqual(30);
    await server.kill();

    server = await startServer(url, dataDir, env);
    const [, second] = await receiver.waitFor(2);
    expect(second.at - first.at).toBeGreaterThanOrEqual(4000); // the back-off, not a hot loop

    const wh = new Webhook(secret!);
    for (const request of [first, second]) {
      expect(request.headers['content-type']).toBe('application/json');
      // The library checks the signature and the timestamp, and parses the body.
      expect(wh.verify(request.body, request.headers as Record<string, string>)).toMatchObject({ id: loadId, status: 'SUCCEEDED' });
    }
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(first.headers['webhook-id']).toMatch(/^msg_/);
    // Exactly what GET /v1/loads/{id} answers.
    const read = await fetch(`${server.url}/v1/loads/${loadId}`, { headers: { authorization: `Bearer ${key}` } });
    expect(second.body).toBe(await read.text());
    // A signature made with another secret is refused by the library.
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(second.body, second.headers as Record<string, string>)).toThrow();

    const delivered = await until(
      () => deliveryOf(loadId),
      (row) => row?.status === 'DELIVERED',
    );
    expect(delivered).toMatchObject({ attempts: 2, last_status: 204, last_error: null });
    await server.kill();
  });

  it('announces dry runs and failed loads too, once each', { timeout: 60_000 }, async () => {
    const receiver = await startReceiver(() => 200);
    const { id: keyId, secret: key } = await keyFor(pool, { name: 'Региональная система' });
    const { secret } = await setWebhook(pool, keyId, receiver.url, encryptionKey);
    const server = await startServer(url, dataDir, env);
    const dryRun = await sendLoad(server, key, observations([['VK', 'school_a', 160, '2026-11-21']]), '?dryRun=true');
    const rejected = await sendLoad(server, key, observations([['VK', 'no_such_page', 1, '2026-11-21']]));
    const got = await receiver.waitFor(2);
    const loads = got.map(
      (request) => new Webhook(secret!).verify(request.body, request.headers as Record<string, string>) as { id: string; status: string; dryRun: boolean },
    );
    expect(loads.map(({ id, status, dryRun }) => ({ id, status, dryRun })).sort((a, b) => (a.id === dryRun ? -1 : b.id === dryRun ? 1 : 0))).toEqual([
      { id: dryRun, status: 'SUCCEEDED', dryRun: true },
      { id: rejected, status: 'FAILED', dryRun: false },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.received).toHaveLength(2);
    await server.kill();
  });

  it('claims a delivery whose sender died mid-attempt again once its lease ran out, from another process', { timeout: 90_000 }, async () => {
    // Hangs on the first attempt (the process dies while waiting), answers the next.
    const receiver = await startReceiver((n) => (n === 0 ? 'hang' : 200));
    const { id: keyId, secret: key } = await keyFor(pool, { name: 'Другая система' });
    await setWebhook(pool, keyId, receiver.url, encryptionKey);
    const shortTimeout = { ...env, WEBHOOK_TIMEOUT_MS: '1000' };
    const dying = await startServer(url, dataDir, shortTimeout);
    const other = await startServer(url, dataDir, shortTimeout);
    const loadId = await sendLoad(dying, key, observations([['VK', 'school_a', 170, '2026-11-22']]));
    await receiver.waitFor(1);
    const held = await deliveryOf(loadId);
    expect(held.lease_token).not.toBeNull();
    // Whichever process claimed it dies: SIGKILL both, then start one fresh.
    await dying.kill();
    await other.kill();
    const fresh = await startServer(url, dataDir, shortTimeout);
    await receiver.waitFor(2, 30_000);
    expect(receiver.received[1].headers['webhook-id']).toBe(receiver.received[0].headers['webhook-id']);
    // Not before the lease (2 × timeout + 5 s) ran out.
    expect(receiver.received[1].at - receiver.received[0].at).toBeGreaterThanOrEqual(6000);
    expect(
      await until(
        () => deliveryOf(loadId),
        (row) => row.status === 'DELIVERED',
      ),
    ).toMatchObject({ attempts: 2 });
    await fresh.kill();
  });
});
