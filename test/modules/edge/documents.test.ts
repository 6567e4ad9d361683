import { beforeAll, describe, expect, it } from 'vitest';
import { readEdgeConfig } from '../../../src/modules/edge/config.js';
import { DocumentRegistry, exampleDocuments } from '../../../src/modules/edge/documents.js';
import type { Api } from '../../../src/yoga.js';
import { loadFixture } from '../../fixtures/readApi.js';
import { useTestDatabase } from '../../helpers/database.js';
import { countStatements, createTestApi } from '../../helpers/executor.js';

const { pool } = await useTestDatabase();
let api: Api;

beforeAll(async () => {
  await loadFixture(pool);
  api = createTestApi({
    edge: { config: { ...readEdgeConfig({}), ratePoints: 0 }, documents: { 'kaluga-name': 'query KalugaName { territory(code: "29000000") { name } }' } },
  });
});

async function byId(id: string, variables?: Record<string, unknown>) {
  const query = new URLSearchParams({ id, ...(variables ? { variables: JSON.stringify(variables) } : {}) });
  const response = await api.fetch(`http://test/graphql?${query}`, { headers: { accept: 'application/json' } });
  return { response, body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
}

describe('trusted documents (the examples, callable by id with GET)', () => {
  it('registers every operation of examples/*.graphql as <file>:<OperationName>', () => {
    const ids = new DocumentRegistry().register(exampleDocuments()).ids();
    expect(ids).toEqual(
      expect.arrayContaining([
        'region-dashboard:RegionDashboard',
        'region-dashboard',
        'territory-search:TerritorySearch',
        'organisation-card:OrganisationCard',
        'organisation-card:OrganisationCardById',
      ]),
    );
    expect(ids).not.toContain('organisation-card'); // two operations: the name alone is ambiguous
  });

  it('runs an example by id, with variables, and caches it like any GET', async () => {
    const search = await byId('territory-search:TerritorySearch', { search: 'петушин' });
    expect(search.body.errors).toBeUndefined();
    expect(search.body.data.territories.nodes[0].code).toBe('17646000');
    expect(search.response.headers.get('cache-control')).toBe('public, max-age=60');
    expect((await countStatements(() => byId('territory-search:TerritorySearch', { search: 'петушин' }))).statements).toBe(0);

    const card = await byId('organisation-card:OrganisationCard', { externalId: 'admin-17' });
    expect(card.body.errors).toBeUndefined();
    expect(card.body.data.organisation.name).toBe('Администрация Владимирской области');
    const dashboard = await byId('region-dashboard', { code: '17000000', from: '2025-03-01', to: '2025-04-01' });
    expect(dashboard.body.errors).toBeUndefined();
    expect(dashboard.body.data.territory.code).toBe('17000000');
  });

  it('never answers one id with another id’s cached result', async () => {
    const kaluga = await byId('kaluga-name');
    expect(kaluga.body.data).toEqual({ territory: { name: 'Калужская область' } });
    const search = await byId('territory-search', { search: 'калуж' });
    expect(search.body.data.territories).toBeDefined();
    expect((await byId('kaluga-name')).body.data).toEqual({ territory: { name: 'Калужская область' } });
  });

  it('refuses an unknown id clearly and keeps arbitrary operations allowed', async () => {
    const unknown = await byId('no-such-document');
    expect(unknown.body.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const arbitrary = await api.fetch(`http://test/graphql?query=${encodeURIComponent('{ platforms { code } }')}`, { headers: { accept: 'application/json' } });
    expect(((await arbitrary.json()) as { data: { platforms: unknown[] } }).data.platforms).toHaveLength(4);
  });
});
