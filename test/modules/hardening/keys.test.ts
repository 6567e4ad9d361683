import { beforeAll, describe, expect, it } from 'vitest';
import { readEdgeConfig } from '../../../src/modules/edge/config.js';
import { addressGroup } from '../../../src/modules/edge/rateLimit.js';
import { cachedKeyCounts, createKey } from '../../../src/modules/keys/keys.js';
import { newSecret } from '../../../src/modules/keys/secret.js';
import type { Api } from '../../../src/yoga.js';
import { loadFixture } from '../../fixtures/readApi.js';
import { leaksInternals } from '../../helpers/attack.js';
import { useTestDatabase } from '../../helpers/database.js';
import { createTestApi } from '../../helpers/executor.js';

/**
 * Unknown keys were never rate-limited (well-formed fakes are easy to make: the checksum is
 * CRC-32), each cost a database look-up and stayed in an unbounded cache; IPv6 clients were
 * limited per address, not per /64. The tests speak through a trusted proxy (the test API has
 * no socket: its "socket address" is `unknown`), so each request says which client it is.
 */
const { pool } = await useTestDatabase();
const defaults = readEdgeConfig({});
let realKey: string;

beforeAll(async () => {
  await loadFixture(pool);
  realKey = (await createKey(pool, { name: 'integration' })).secret;
});

function apiWith(config: Partial<typeof defaults>): Api {
  return createTestApi({ edge: { config: { ...defaults, trustProxy: ['unknown'], ...config } } });
}

async function ask(api: Api, client: string, key: string | null): Promise<{ status: number; body: string }> {
  const response = await api.fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': client, ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query: '{ viewer { name } }' }),
  });
  return { status: response.status, body: await response.text() };
}

describe('refused API keys', () => {
  it('are limited per client address: past the failures allowed, 429 without a database look-up', async () => {
    const api = apiWith({ ratePoints: 0, keyFailures: 30 });
    const attacker = '203.0.113.7';
    // The real key, used once before the attack, is remembered as working.
    expect((await ask(api, attacker, realKey)).status).toBe(200);
    const before = cachedKeyCounts().unknown;
    for (let i = 0; i < 30; i++) {
      const answer = await ask(api, attacker, newSecret());
      expect(answer.status, answer.body).toBe(401);
      expect(leaksInternals(answer.body)).toBe(false);
    }
    expect(cachedKeyCounts().unknown - before).toBe(30);
    for (let i = 0; i < 20; i++) {
      const answer = await ask(api, attacker, newSecret());
      expect(answer.status).toBe(429);
      expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('RATE_LIMITED');
    }
    // No look-up was made for the 20 (none of them was cached as unknown).
    expect(cachedKeyCounts().unknown - before).toBe(30);
    // Malformed keys spend the same budget.
    expect((await ask(api, attacker, 'gp_nope')).status).toBe(429);
    // The key checked before still works from that address; another address is not affected.
    expect((await ask(api, attacker, realKey)).status).toBe(200);
    expect((await ask(api, '198.51.100.1', newSecret())).status).toBe(401);
    expect((await ask(api, '198.51.100.1', null)).status).toBe(200);
    await api.close();
  });

  it('keep the key caches bounded (LRU), whatever number of fakes is sent', async () => {
    const api = apiWith({ ratePoints: 0, keyFailures: 0 });
    const fakes = Array.from({ length: 10_100 }, () => newSecret());
    for (let i = 0; i < fakes.length; i += 100) {
      await Promise.all(fakes.slice(i, i + 100).map((fake) => ask(api, '192.0.2.1', fake)));
    }
    expect(cachedKeyCounts().unknown).toBeLessThanOrEqual(10_000);
    // The real key still works (the fakes live in their own cache, and cannot evict it).
    expect((await ask(api, '192.0.2.1', realKey)).status).toBe(200);
    await api.close();
  }, 120_000);
});

describe('IPv6 clients', () => {
  it('are counted by their /64', async () => {
    expect(addressGroup('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressGroup('::ffff:192.0.2.9')).toBe('192.0.2.9');
    expect(addressGroup('192.0.2.9')).toBe('192.0.2.9');
    // `{ platforms { code } }` costs 5 (the catalogue's size): 25 points are five queries.
    const api = apiWith({ ratePoints: 25 });
    const query = async (client: string) =>
      (
        await api.fetch('http://test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
          body: JSON.stringify({ query: '{ platforms { code } }' }),
        })
      ).status;
    // Five addresses of one /64 share its 25 points; a sixth is refused.
    for (let i = 1; i <= 5; i++) expect(await query(`2001:db8:1:2::${i.toString(16)}`)).toBe(200);
    expect(await query('2001:db8:1:2:dead:beef:0:1')).toBe(429);
    // The next /64 has its own budget.
    expect(await query('2001:db8:1:3::1')).toBe(200);
    await api.close();
  });
});
