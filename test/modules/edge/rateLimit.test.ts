import { describe, expect, it } from 'vitest';
import { readEdgeConfig } from '../../../src/modules/edge/config.js';
import { clientAddress } from '../../../src/modules/edge/rateLimit.js';
import type { Api } from '../../../src/yoga.js';
import { keyFor } from '../../fixtures/twoRegions.js';
import { useTestDatabase } from '../../helpers/database.js';
import { countStatements, createTestApi } from '../../helpers/executor.js';
import { redisForTests, TEST_REDIS_URL, testPrefix } from './redis.js';

const { pool } = await useTestDatabase();
const defaults = readEdgeConfig({});
/** `{ platforms { code } sectors { code } }` costs 5 + 15 = 20 points. */
const QUERY = '{ platforms { code } sectors { code } }';

function limited(config: Partial<typeof defaults> = {}): Api {
  return createTestApi({ edge: { config: { ...defaults, cacheEnabled: false, ratePoints: 50, keyRatePoints: 100, ...config } } });
}

/** A POST from a socket address (what node:http gives Yoga as `req`), with extra headers. */
function post(api: Api, address: string, headers: Record<string, string> = {}) {
  const serverContext = { req: { socket: { remoteAddress: address } } };
  return (api.fetch as any)(
    'http://test/graphql',
    { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: QUERY }) },
    serverContext,
  ) as Promise<Response>;
}

describe('rate limits in cost points per window', () => {
  it('answer 429 with Retry-After and RateLimit-* once a client has spent its budget, without executing', async () => {
    const api = limited();
    const first = await post(api, '10.0.0.1');
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('50');
    expect(first.headers.get('ratelimit-remaining')).toBe('30');
    expect(Number(first.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    expect((await post(api, '10.0.0.1')).headers.get('ratelimit-remaining')).toBe('10');
    const { result: refused, statements } = await countStatements(() => post(api, '10.0.0.1'));
    expect(statements).toBe(0);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-limit')).toBe('50');
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    const body = (await refused.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', cost: 20, limit: 50 });
    expect(body.errors[0].extensions.http).toBeUndefined();
    // Another client still has its whole budget.
    expect((await post(api, '10.0.0.2')).status).toBe(200);
    await api.close();
  });

  it('give a key (Authorization: Bearer) its own, larger budget, or the budget it was created with', async () => {
    const api = limited();
    const one = (await keyFor(pool, { name: 'one' })).secret;
    const two = (await keyFor(pool, { name: 'two' })).secret;
    const generous = (await keyFor(pool, { name: 'generous', ratePoints: 200 })).secret;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(api, '10.0.0.3', { authorization: `Bearer ${one}` })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await post(api, '10.0.0.3', { authorization: `Bearer ${two}` })).status).toBe(200);
    expect((await post(api, '10.0.0.3')).headers.get('ratelimit-limit')).toBe('50');
    expect((await post(api, '10.0.0.3', { authorization: `Bearer ${generous}` })).headers.get('ratelimit-limit')).toBe('200');
    await api.close();
  });

  it('take a budget from budgetFor, so that resolved API keys can bring their own', async () => {
    const api = createTestApi({
      edge: { config: { ...defaults, cacheEnabled: false }, budgetFor: () => ({ id: 'everyone', points: 30, anonymous: false }) },
    });
    expect((await post(api, '10.0.0.4')).status).toBe(200);
    expect((await post(api, '10.0.0.5')).status).toBe(429);
    await api.close();
  });

  it('believe X-Forwarded-For only from the proxies of TRUST_PROXY, right-most untrusted address first', async () => {
    const request = (forwarded?: string) => new Request('http://test/', { headers: forwarded ? { 'x-forwarded-for': forwarded } : {} });
    expect(clientAddress(request('6.6.6.6'), '1.2.3.4', [])).toBe('1.2.3.4');
    expect(clientAddress(request('6.6.6.6'), '1.2.3.4', ['10.0.0.9'])).toBe('1.2.3.4');
    expect(clientAddress(request('6.6.6.6, 5.5.5.5'), '10.0.0.9', ['10.0.0.9'])).toBe('5.5.5.5');
    expect(clientAddress(request('6.6.6.6, 5.5.5.5, 10.0.0.8'), '::ffff:10.0.0.9', ['10.0.0.9', '10.0.0.8'])).toBe('5.5.5.5');
    expect(clientAddress(request(), '10.0.0.9', ['10.0.0.9'])).toBe('10.0.0.9');

    const api = limited({ trustProxy: ['10.9.9.9'] });
    // Two clients behind the proxy: separate budgets; a forged left-most address changes nothing.
    for (let i = 0; i < 2; i++) expect((await post(api, '10.9.9.9', { 'x-forwarded-for': `1.1.1.${i}, 7.7.7.7` })).status).toBe(200);
    expect((await post(api, '10.9.9.9', { 'x-forwarded-for': '7.7.7.7' })).status).toBe(429);
    expect((await post(api, '10.9.9.9', { 'x-forwarded-for': '8.8.8.8' })).status).toBe(200);
    await api.close();
  });

  it('keep the counters in Redis with REDIS_URL, shared by every process', async () => {
    if (!(await redisForTests())) return;
    const prefix = testPrefix();
    const one = limited({ redisUrl: TEST_REDIS_URL, redisPrefix: prefix });
    const two = limited({ redisUrl: TEST_REDIS_URL, redisPrefix: prefix });
    await Promise.all([one.edge.ready, two.edge.ready]);
    expect((await post(one, '10.1.0.1')).status).toBe(200);
    expect((await post(two, '10.1.0.1')).status).toBe(200);
    const refused = await post(one, '10.1.0.1');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBeTruthy();
    await one.close();
    await two.close();
  });
});
