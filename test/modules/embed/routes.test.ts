import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../../src/config.js';
import { buildBundle, WIDGET_BUDGET_GZIP } from '../../../src/modules/embed/bundle.js';
import { EMBED_DOCUMENTS } from '../../../src/modules/embed/documents.js';
import { formatCompact, formatNumber } from '../../../src/modules/embed/format.js';
import { addDays, today } from '../../../src/modules/figures/dates.js';
import { useTestDatabase } from '../../helpers/database.js';
import { api, createTestApi, data } from '../../helpers/executor.js';
import { loadEmbedFixture, MARKUP_CODE, MARKUP_NAME } from './fixture.js';

const { pool } = await useTestDatabase();
await loadEmbedFixture(pool);

const get = (path: string, headers: Record<string, string> = {}) => api().fetch(`http://test${path}`, { headers });

/** Vladimir region's current subscribers over every platform, as the API says. */
async function regionSubscribers(platforms: string[] | null = null): Promise<number> {
  const result = await data('query($p: [String!]) { territory(code: "17000000") { stats(platforms: $p) { subscribers } } }', { p: platforms });
  return Number(result.territory.stats.subscribers);
}

describe('the persisted document of the widget', () => {
  it('answers GET /graphql?id=embed-figures-v1 with the figures of the API', async () => {
    const to = today();
    const variables = { code: '17000000', platforms: ['VK', 'TELEGRAM'], sectors: null, from: addDays(to, -90), to };
    const response = await get(`/graphql?id=embed-figures-v1&variables=${encodeURIComponent(JSON.stringify(variables))}`, { accept: 'application/json' });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.errors).toBeUndefined();
    const territory = body.data.territory;
    expect(territory.name).toBe('Владимирская область');
    expect(territory.stats.subscribers).toBe(await regionSubscribers(['VK', 'TELEGRAM']));
    expect(territory.history.length).toBeGreaterThan(10);
    expect(territory.history.at(-1)).toEqual({ date: to, subscribers: territory.stats.subscribers });
    expect(territory.growth.subscribersTo).toBe(territory.stats.subscribers);
    expect(territory.growth.change).toBeGreaterThan(0);
  });

  it('is the document exported from documents.ts, and an unknown id is refused', async () => {
    expect(Object.keys(EMBED_DOCUMENTS)).toEqual(['embed-figures-v1', 'embed-figures-live-v1', 'landing-figures-live-v1']);
    const body = await (await get('/graphql?id=embed-figures-v0', { accept: 'application/json' })).json();
    expect(body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});

describe('badges', () => {
  it('shows the subscribers of a territory, with a title, cache headers and an ETag', async () => {
    const response = await get('/embed/v1/territories/17000000/subscribers.svg');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    const svg = await response.text();
    const subscribers = await regionSubscribers();
    expect(svg).toContain(`>${formatCompact(subscribers)}</text>`);
    expect(svg).toContain(`<title>Владимирская область: подписчики ${formatNumber(subscribers)}</title>`);
    expect(Number(/^<svg[^>]* width="(\d+)"/.exec(svg)?.[1])).toBeGreaterThan(60);
    const etag = response.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get('/embed/v1/territories/17000000/subscribers.svg', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('keeps the configured max-age (EMBED_MAX_AGE), and errors at most a minute', async () => {
    expect(readConfig({ EMBED_MAX_AGE: '900' }).embedMaxAge).toBe(900);
    expect(readConfig({}).embedMaxAge).toBe(300);
    expect(() => readConfig({ EMBED_MAX_AGE: '-1' })).toThrow(/EMBED_MAX_AGE/);
    const configured = createTestApi({ embed: { maxAge: 900 } });
    const badge = await configured.fetch('http://test/embed/v1/territories/17000000/subscribers.svg');
    expect(badge.headers.get('cache-control')).toBe('public, max-age=900');
    const unknown = await configured.fetch('http://test/embed/v1/territories/99000000/subscribers.svg');
    expect(unknown.headers.get('cache-control')).toBe('public, max-age=60');
  });

  it('takes platforms and a label, escaped', async () => {
    const svg = await (await get('/embed/v1/territories/17000000/subscribers.svg?platforms=TELEGRAM&label=%3Cb%3ETG%3C/b%3E')).text();
    expect(svg).toContain(`>${formatCompact(await regionSubscribers(['TELEGRAM']))}</text>`);
    expect(svg).toContain('&lt;b&gt;TG&lt;/b&gt;');
    expect(svg).not.toContain('<b>');
  });

  it('shows coverage: organisations with pages of all', async () => {
    const result = await data('{ territory(code: "17000000") { stats { organisations organisationsWithPages } } }');
    const { organisations, organisationsWithPages } = result.territory.stats;
    const svg = await (await get('/embed/v1/territories/17000000/organisations.svg')).text();
    expect(svg).toContain(`${organisationsWithPages} / ${organisations} (`);
  });

  it('answers 404 for an unknown code, 400 for a malformed code or an unknown platform, still as SVG', async () => {
    for (const [path, status] of [
      ['/embed/v1/territories/99000000/subscribers.svg', 404],
      ['/embed/v1/territories/17.0/subscribers.svg', 400],
      ['/embed/v1/territories/17000000/subscribers.svg?platforms=MYSPACE', 400],
      ['/embed/v1/territories/17000000/organisations.svg?sectors=nope', 400],
    ] as const) {
      const response = await get(path);
      expect(response.status, path).toBe(status);
      expect(response.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
      expect(await response.text()).toMatch(/^<svg .*<title>госпаблики: .*<\/title>/);
    }
  });

  it('escapes a territory name in the title', async () => {
    const svg = await (await get(`/embed/v1/territories/${MARKUP_CODE}/subscribers.svg`)).text();
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('Тест &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;кавычки&quot;');
  });
});

describe('the iframe page', () => {
  it('shows the figures under a strict CSP, with its CSS and script as files', async () => {
    const response = await get('/embed/v1/territories/17000000?platforms=VK,TELEGRAM&theme=dark');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'");
    const page = await response.text();
    expect(page).toContain(`<span class="number">${formatNumber(await regionSubscribers(['VK', 'TELEGRAM']))}</span>`);
    expect(page).toContain('<html lang="ru" class="theme-dark">');
    expect(page).toContain('<link rel="stylesheet" href="/embed/v1/frame.css">');
    expect(page).not.toMatch(/style=|<style|<script>/);
    expect((await get('/embed/v1/frame.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await (await get('/embed/v1/frame.js')).text()).toContain("type: 'gospubliki:resize'");
  });

  it('escapes every text, and answers 404 and 400 with a readable page', async () => {
    const page = await (await get(`/embed/v1/territories/${MARKUP_CODE}`)).text();
    expect(page).not.toContain(MARKUP_NAME);
    expect(page).toContain('Тест &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;кавычки&quot;');
    const unknown = await get('/embed/v1/territories/99000000?lang=en');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('No territory has the code “99000000”.');
    const bad = await get('/embed/v1/territories/17000000?platforms=MYSPACE');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Неверные параметры виджета.');
  });
});

describe('the widget script', () => {
  it(`is served as a classic script (also loadable as a module) readable from any origin, under ${WIDGET_BUDGET_GZIP} bytes gzipped`, async () => {
    const response = await get('/embed/v1/gospubliki.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const code = await response.text();
    expect(code).toContain('gospubliki-figures');
    expect(code).not.toMatch(/\beval\(|new Function\(|localStorage|sessionStorage|document\.cookie/);
    // A classic script: it compiles as one (a module's import/export/import.meta would throw here).
    expect(code).not.toContain('import.meta');
    expect(() => new vm.Script(code)).not.toThrow();
    const bundle = await buildBundle('widget');
    console.info(`widget bundle: ${Buffer.byteLength(bundle.code)} bytes, ${bundle.gzipBytes} bytes gzipped (budget ${WIDGET_BUDGET_GZIP})`);
    expect(bundle.gzipBytes).toBeLessThanOrEqual(WIDGET_BUDGET_GZIP);
  });
});

describe('the landing page and docs', () => {
  it('shows the federation’s live figures and the snippets, under a CSP, with links to GraphiQL and the docs', async () => {
    const response = await get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const page = await response.text();
    const result = await data('{ territory(code: "RU") { stats { subscribers } } }');
    expect(page).toContain(`<dd id="federation-subscribers">${formatNumber(Number(result.territory.stats.subscribers))}</dd>`);
    for (const link of ['href="/graphql"', 'href="/docs/readme"', 'href="/schema.graphql"']) expect(page).toContain(link);
    expect(page).toContain('&lt;script src=&quot;http://test/embed/v1/gospubliki.js&quot; defer&gt;&lt;/script&gt;');
    expect(page).not.toMatch(/style=|<style|<script>|https?:\/\/(?!test)[a-z]/);
    expect(await (await get('/landing.js')).text()).toContain('territories(filter: { search: $search }');
  });

  it('serves schema.graphql and the README', async () => {
    expect(await (await get('/schema.graphql')).text()).toContain('type Territory implements Node');
    expect(await (await get('/docs/readme')).text()).toContain('# Gospubliki');
  });

  it('leaves GraphQL and the health checks to Yoga', async () => {
    expect((await get('/healthz')).status).toBe(200);
    expect((await api().fetch('http://test/embed/v1/territories/17000000', { method: 'POST' })).status).toBe(405);
  });
});
