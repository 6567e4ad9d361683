import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { forgetCachedKeys, revokeKey } from '../../../src/modules/keys/keys.js';
import { isWellFormed, newSecret, SECRET_PATTERN } from '../../../src/modules/keys/secret.js';
import { keyFor, loadTwoRegions } from '../../fixtures/twoRegions.js';
import { useTestDatabase } from '../../helpers/database.js';
import { executeAs } from '../../helpers/executor.js';

const { url, pool } = await useTestDatabase();
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

beforeAll(async () => {
  await loadTwoRegions(pool);
});

/** `npm run keys -- …` against this test file's database. */
function keysCommand(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli/keys.ts', ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' } });
}

describe('key secrets', () => {
  it('are gp_ + 49 base62 characters whose last 6 are a checksum, so a typo is caught without a lookup', () => {
    const secret = newSecret();
    expect(secret).toMatch(SECRET_PATTERN);
    expect(isWellFormed(secret)).toBe(true);
    const typo = secret.slice(0, 10) + (secret[10] === 'a' ? 'b' : 'a') + secret.slice(11);
    expect(isWellFormed(typo)).toBe(false);
    expect(new Set(Array.from({ length: 50 }, newSecret)).size).toBe(50);
  });
});

describe('npm run keys', () => {
  it('creates a key (the secret printed once, as the last line), lists it without the secret, revokes it', async () => {
    const created = await keysCommand('create', '--name', 'ЦУР Владимирской области', '--within', '17000000', '--expires', '2999-12-31');
    const lastLine = created.stdout.trim().split('\n').at(-1)!;
    const { id, key } = JSON.parse(lastLine) as { id: number; key: string };
    expect(isWellFormed(key)).toBe(true);
    // Only the hash is stored.
    const stored = await pool.query('SELECT * FROM api_key WHERE id = $1', [id]);
    expect(JSON.stringify(stored.rows)).not.toContain(key);
    expect(stored.rows[0].secret_hash).toMatch(/^[0-9a-f]{64}$/);

    const listed = await keysCommand('list');
    expect(listed.stdout).toContain('ЦУР Владимирской области');
    expect(listed.stdout).toContain('within 17000000');
    expect(listed.stdout).toContain('2999-12-31');
    expect(listed.stdout).not.toContain(key);
    expect(listed.stdout).toContain(key.slice(0, 7));

    const viewer = await executeAs(key, '{ viewer { name scopes readOnly within { code } } }');
    expect(viewer.data.viewer).toEqual({ name: 'ЦУР Владимирской области', scopes: ['READ', 'WRITE'], readOnly: false, within: [{ code: '17000000' }] });

    const revoked = await keysCommand('revoke', String(id));
    expect(revoked.stdout).toContain(`revoked key ${id}`);
    // The command ran in another process: its notification reaches listening servers; here the
    // test API has no listener, so the cache is dropped as a listener would drop it.
    forgetCachedKeys();
    const after = await executeAs(key, '{ viewer { name } }');
    expect(after.status).toBe(401);
    expect(after.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await keysCommand('list')).stdout).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s*$/m);
  });

  it('refuses a --within code no territory has, and a missing --name, creating nothing', async () => {
    const before = (await pool.query('SELECT count(*)::int AS n FROM api_key')).rows[0].n;
    await expect(keysCommand('create', '--name', 'X', '--within', '99000000')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('99000000') });
    await expect(keysCommand('create')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--name') });
    expect((await pool.query('SELECT count(*)::int AS n FROM api_key')).rows[0].n).toBe(before);
  });

  it('refuses an empty --within (an unset shell variable must not make a key that writes anywhere), a day that does not exist and a past --expires', async () => {
    const before = (await pool.query('SELECT count(*)::int AS n FROM api_key')).rows[0].n;
    for (const args of [
      ['--within', ''],
      ['--within', '17000000', '--within', '  '],
    ]) {
      await expect(keysCommand('create', '--name', 'X', ...args)).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('empty territory code') });
    }
    await expect(keysCommand('create', '--name', 'X', '--expires', '2026-13-45')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('YYYY-MM-DD'),
    });
    await expect(keysCommand('create', '--name', 'X', '--expires', '2026-02-30')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('YYYY-MM-DD'),
    });
    await expect(keysCommand('create', '--name', 'X', '--expires', '2020-01-01')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('in the past'),
    });
    expect((await pool.query('SELECT count(*)::int AS n FROM api_key')).rows[0].n).toBe(before);
  });
});

describe('npm run keys -- audit', () => {
  it("lists a key's writes with their outcome and counts, newest first", async () => {
    const writer = await keyFor(pool, { name: 'Аудит' });
    const mutation = `mutation { recordObservations(input: { observations: [{ platform: "VK", externalId: "school_a", subscribers: 150, observedOn: "2026-11-05" }] }) { inserted } }`;
    expect((await executeAs(writer.secret, mutation)).data.recordObservations.inserted).toBe(1);
    const bad = `mutation { recordObservations(input: { observations: [{ platform: "VK", externalId: "nope", subscribers: 1, observedOn: "2026-11-05" }] }) { inserted } }`;
    expect((await executeAs(writer.secret, bad)).data.recordObservations.inserted).toBe(0);
    const { stdout } = await keysCommand('audit', '--key', String(writer.id));
    const lines = stdout.trim().split('\n').slice(1);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/Аудит\s+recordObservations\s+rejected\s+observations \+0 ~0 =0 !1/);
    expect(lines[1]).toMatch(/Аудит\s+recordObservations\s+applied\s+observations \+1 ~0 =0/);
  });
});

describe('a request with a key', () => {
  it('is anonymous without a header, and the key holder with one', async () => {
    const anonymous = await executeAs(null, '{ viewer { name } }');
    expect(anonymous.data).toEqual({ viewer: null });
    const operator = await keyFor(pool, { name: 'АНО Диалог Регионы' });
    const response = await executeAs(operator.secret, '{ viewer { name scopes within { code } } }');
    expect(response.data.viewer).toEqual({ name: 'АНО Диалог Регионы', scopes: ['READ', 'WRITE', 'OPERATOR'], within: [] });
  });

  it('answers 401 UNAUTHENTICATED for a malformed, unknown, revoked or expired key, even on public reads', async () => {
    const revoked = await keyFor(pool, { name: 'revoked' });
    await revokeKey(pool, revoked.id);
    const expired = await keyFor(pool, { name: 'expired', expiresOn: '2020-01-01' });
    for (const [secret, reason] of [
      ['not-a-key', /not an API key/],
      [newSecret(), /unknown API key/],
      [revoked.secret, /revoked/],
      [expired.secret, /expired on 2020-01-01/],
    ] as const) {
      const response = await executeAs(secret, '{ platforms { code } }');
      expect(response.status, String(reason)).toBe(401);
      expect(response.data).toBeUndefined();
      expect(response.errors?.[0]).toMatchObject({ message: expect.stringMatching(reason), extensions: { code: 'UNAUTHENTICATED' } });
    }
  });
});
