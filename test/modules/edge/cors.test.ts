import { describe, expect, it } from 'vitest';
import { readEdgeConfig } from '../../../src/modules/edge/config.js';
import { useTestDatabase } from '../../helpers/database.js';
import { createTestApi } from '../../helpers/executor.js';

await useTestDatabase();
const defaults = { ...readEdgeConfig({}), ratePoints: 0 };
const QUERY = `http://test/graphql?query=${encodeURIComponent('{ platforms { code } }')}`;

describe('CORS', () => {
  it('by default allows any origin with *, never with credentials', async () => {
    const api = createTestApi({ edge: { config: defaults } });
    const response = await api.fetch(QUERY, { headers: { origin: 'https://portal.example', accept: 'application/json' } });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('access-control-expose-headers')).toContain('ETag');
    const preflight = await api.fetch('http://test/graphql', {
      method: 'OPTIONS',
      headers: { origin: 'https://portal.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers')).toContain('content-type');
  });

  it('with CORS_ORIGINS answers the listed origins by name with credentials, and unlisted ones not at all', async () => {
    const api = createTestApi({ edge: { config: { ...defaults, corsOrigins: ['https://vladimir.example', 'https://kaluga.example'] } } });
    const listed = await api.fetch(QUERY, { headers: { origin: 'https://kaluga.example', accept: 'application/json' } });
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://kaluga.example');
    expect(listed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(listed.headers.get('vary')).toContain('Origin');
    const unlisted = await api.fetch(QUERY, { headers: { origin: 'https://evil.example', accept: 'application/json' } });
    expect(unlisted.headers.get('access-control-allow-origin')).toBeNull();
    expect(unlisted.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await api.fetch('http://test/graphql', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('CSRF prevention', () => {
  const api = createTestApi({ edge: { config: defaults } });
  const post = (contentType: string, headers: Record<string, string> = {}) =>
    api.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': contentType, ...headers },
      body: JSON.stringify({ query: '{ platforms { code } }' }),
    });

  it('refuses posts a form could send without a preflight unless they carry the CSRF header', async () => {
    expect((await post('text/plain')).status).toBe(403);
    expect((await post('application/x-www-form-urlencoded')).status).toBe(403);
    expect((await post('text/plain', { 'x-graphql-yoga-csrf': '1' })).status).not.toBe(403);
  });

  it('says which header is missing, with a code, and answers no data', async () => {
    const response = await post('text/plain');
    const body = (await response.json()) as { data?: unknown; errors: { message: string; extensions?: { code?: string } }[] };
    expect(response.status).toBe(403);
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions?.code).toBe('CSRF_HEADER_REQUIRED');
    expect(body.errors[0].message).toContain('x-graphql-yoga-csrf');
  });

  it('keeps JSON posts and plain GETs (a portal, a CDN) working', async () => {
    expect((await post('application/json')).status).toBe(200);
    const response = await api.fetch(QUERY);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: unknown }).data).toBeTruthy();
  });
});
