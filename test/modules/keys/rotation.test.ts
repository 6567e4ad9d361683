import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { revokeKey } from '../../../src/modules/keys/keys.js';
import { decryptSecret, webhookEncryptionKey } from '../../../src/modules/webhooks/secret.js';
import { setWebhook } from '../../../src/modules/webhooks/webhooks.js';
import { keyFor, loadTwoRegions } from '../../fixtures/twoRegions.js';
import { useTestDatabase } from '../../helpers/database.js';
import { ROOT, type ServerProcess, serverDataDir, startServer } from '../../helpers/server.js';

/** `npm run keys -- rotate`, seen through the real HTTP path of a running server. */

const { url, pool } = await useTestDatabase();
const ENCRYPTION = 'rotation test key';
let server: ServerProcess;
let dataDir: string;

beforeAll(async () => {
  await loadTwoRegions(pool);
  dataDir = await serverDataDir();
  // A long key cache: only the rotation's notice makes the server forget the old key's row.
  server = await startServer(url, dataDir, { WEBHOOK_ENCRYPTION_KEY: ENCRYPTION, KEY_CACHE_SECONDS: '600' });
});

function keys(args: string[]) {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/keys.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir, LOG_LEVEL: 'silent', WEBHOOK_ENCRYPTION_KEY: ENCRYPTION },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

/** Who the server says this key is (a POST: never a cached answer), and the HTTP status. */
async function viewer(key: string): Promise<{ status: number; name?: string; within?: string[] }> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ viewer { name within { code } } }' }),
  });
  const body = (await response.json()) as any;
  return { status: response.status, name: body.data?.viewer?.name, within: body.data?.viewer?.within?.map((t: { code: string }) => t.code) };
}

/** A dry-run load over HTTP: the write path checks the key too. */
async function dryRun(key: string): Promise<number> {
  const body = new FormData();
  body.append('observations.csv', new Blob(['platform,external_id,subscribers,observed_on\nVK,school_a,101,2026-11-02\n']), 'observations.csv');
  const response = await fetch(`${server.url}/v1/loads?dryRun=true`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body });
  await response.body?.cancel();
  return response.status;
}

describe('npm run keys -- rotate', () => {
  it('prints a new key with the same name, scope, limits and webhook; both work during the grace period, the old one gets 401 after', {
    timeout: 60_000,
  }, async () => {
    const old = await keyFor(pool, { name: 'ЦУР Владимирской области', within: ['17000000'], ratePoints: 900, expiresOn: '2999-12-31' });
    const encryptionKey = webhookEncryptionKey(ENCRYPTION, '/nonexistent');
    const { secret: webhookSecret } = await setWebhook(pool, old.id, 'https://cur.example.org/hooks', encryptionKey);
    expect(await viewer(old.secret)).toEqual({ status: 200, name: 'ЦУР Владимирской области', within: ['17000000'] });

    const graceSeconds = 5;
    const rotated = await keys(['rotate', String(old.id), '--grace-days', String(graceSeconds / 86_400)]);
    expect(rotated.code, rotated.stderr).toBe(0);
    const json = JSON.parse(rotated.stdout.trim().split('\n').at(-1)!);
    expect(json).toEqual({ id: expect.any(Number), key: expect.stringMatching(/^gp_/), replaces: old.id, oldKeyExpiresAt: expect.any(String) });
    const expiresAt = Date.parse(json.oldKeyExpiresAt);
    expect(expiresAt - Date.now()).toBeGreaterThan(0);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(graceSeconds * 1000);

    const { rows } = await pool.query('SELECT id, name, within, read_only, rate_points, expires_on FROM api_key WHERE id = ANY($1) ORDER BY id', [
      [old.id, json.id],
    ]);
    expect(rows[1]).toEqual({ ...rows[0], id: json.id });
    const { rows: hooks } = await pool.query('SELECT key_id, url, secret_ciphertext FROM webhook_endpoint WHERE key_id = ANY($1) ORDER BY key_id', [
      [old.id, json.id],
    ]);
    expect(hooks.map((h) => [h.url, decryptSecret(h.secret_ciphertext, h.key_id, encryptionKey)])).toEqual([
      ['https://cur.example.org/hooks', webhookSecret],
      ['https://cur.example.org/hooks', webhookSecret],
    ]);

    // During the grace period: both keys read and write.
    expect(await viewer(old.secret)).toMatchObject({ status: 200, within: ['17000000'] });
    expect(await viewer(json.key)).toMatchObject({ status: 200, name: 'ЦУР Владимирской области', within: ['17000000'] });
    expect(await dryRun(old.secret)).toBe(202);
    expect(await dryRun(json.key)).toBe(202);

    // After it: the old key is refused everywhere, the new one keeps working.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 200));
    expect(await viewer(old.secret)).toMatchObject({ status: 401 });
    expect(await dryRun(old.secret)).toBe(401);
    expect(await viewer(json.key)).toMatchObject({ status: 200 });
    expect(await dryRun(json.key)).toBe(202);
    expect((await keys(['list'])).stdout).toMatch(new RegExp(`^${old.id} .*${json.oldKeyExpiresAt.slice(0, 16).replace('T', ' ')}`, 'm'));
  });

  it('keeps the old key 7 days by default', async () => {
    const old = await keyFor(pool, { name: 'Дашборд', readOnly: true });
    const rotated = await keys(['rotate', String(old.id)]);
    const json = JSON.parse(rotated.stdout.trim().split('\n').at(-1)!);
    expect(Date.parse(json.oldKeyExpiresAt) - Date.now()).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(Date.parse(json.oldKeyExpiresAt) - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);
    expect((await viewer(old.secret)).status).toBe(200);
    expect((await viewer(json.key)).status).toBe(200);
    expect((await pool.query('SELECT read_only FROM api_key WHERE id = $1', [json.id])).rows[0].read_only).toBe(true);
    // No webhook on the old key: none on the new one.
    expect((await pool.query('SELECT 1 FROM webhook_endpoint WHERE key_id = $1', [json.id])).rows).toEqual([]);
  });

  it('refuses a revoked key, an unknown key and a bad grace period, creating nothing', async () => {
    const revoked = await keyFor(pool, { name: 'отозванный' });
    await revokeKey(pool, revoked.id);
    const working = await keyFor(pool, { name: 'рабочий' });
    const before = (await pool.query('SELECT count(*)::int AS n FROM api_key')).rows[0].n;
    const refusals: [string[], RegExp][] = [
      [['rotate', String(revoked.id)], /^keys: no working key has id \d+/],
      [['rotate', '99999'], /^keys: no working key has id 99999/],
      [['rotate', String(working.id), '--grace-days=-1'], /^keys: --grace-days takes a number of days from 0 to 365/],
      [['rotate', String(working.id), '--grace-days', 'soon'], /^keys: --grace-days takes a number of days from 0 to 365/],
      [['rotate'], /^keys: rotate needs the id of a key/],
    ];
    for (const [args, message] of refusals) {
      const refused = await keys(args);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stderr).toMatch(message);
    }
    expect((await pool.query('SELECT count(*)::int AS n FROM api_key')).rows[0].n).toBe(before);
    expect((await pool.query('SELECT expires_at FROM api_key WHERE id = $1', [working.id])).rows[0].expires_at).toBeNull();
    expect((await viewer(working.secret)).status).toBe(200);
  });
});
