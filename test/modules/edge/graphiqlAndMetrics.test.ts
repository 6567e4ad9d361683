import { describe, expect, it } from 'vitest';
import { readEdgeConfig } from '../../../src/modules/edge/config.js';
import { recordLoad, setLastCommittedLoad } from '../../../src/modules/edge/metrics.js';
import { useTestDatabase } from '../../helpers/database.js';
import { createTestApi } from '../../helpers/executor.js';

await useTestDatabase();
const api = createTestApi({ edge: { config: { ...readEdgeConfig({}), ratePoints: 0 } } });

describe('GraphiQL served by the server itself', () => {
  it('answers a browser with a page whose scripts and styles all come from this server', async () => {
    const response = await api.fetch('http://test/graphql', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).not.toContain('__TITLE__');
    expect(html).not.toMatch(/https?:\/\//); // nothing from another host
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources.length).toBe(5);
    for (const source of sources) {
      expect(source.startsWith('/graphiql/assets/'), source).toBe(true);
      const asset = await api.fetch(`http://test${source}`);
      expect(asset.status, source).toBe(200);
      const text = await asset.text();
      expect(text.length, source).toBeGreaterThan(100);
    }
    expect((await api.fetch('http://test/graphiql/assets/nothing.js')).status).toBe(404);
  });

  it('opens the README examples as tabs', async () => {
    const start = await (await api.fetch('http://test/graphiql/assets/start.js')).text();
    for (const id of ['region-dashboard:RegionDashboard', 'territory-search:TerritorySearch', 'organisation-card:OrganisationCard'])
      expect(start).toContain(id);
    expect(start).toContain('defaultTabs');
    expect(start).not.toMatch(/https?:\/\//);
  });
});

describe('/metrics', () => {
  it('answers Prometheus text with HTTP/GraphQL metrics and our counters, with no label a client chooses', async () => {
    recordLoad('applied', 1234);
    setLastCommittedLoad(new Date('2026-11-30T12:00:00Z'));
    await api.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query ClientChosenName4242 { platforms { code } }' }),
    });
    await api.fetch(`http://test/graphql?query=${encodeURIComponent('query ClientChosenName4242 { platforms { code } }')}&x=client-path-4242`, {
      headers: { accept: 'application/json' },
    });
    const response = await api.fetch('http://test/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    for (const name of [
      'graphql_yoga_http_duration',
      'graphql_envelop_phase_execute',
      '# TYPE graphql_envelop_deprecated_field counter',
      'gospubliki_loads_total{outcome="applied"}',
      'gospubliki_load_rows_total',
      'gospubliki_last_committed_load_timestamp_seconds 1796040000',
      'gospubliki_response_cache_hits_total',
      'gospubliki_response_cache_misses_total',
      'gospubliki_rate_limit_refusals_total',
      'gospubliki_limit_refusals_total',
    ]) {
      expect(text, name).toContain(name);
    }
    expect(text).not.toContain('4242');
  });
});
