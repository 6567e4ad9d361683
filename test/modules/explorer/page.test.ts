import { beforeAll, describe, expect, it } from 'vitest';
import { EXPLORER_CSP } from '../../../src/modules/explorer/page.js';
import { useTestDatabase } from '../../helpers/database.js';
import { api } from '../../helpers/executor.js';
import { loadEmbedFixture, MARKUP_CODE } from '../embed/fixture.js';

const { pool } = await useTestDatabase();

beforeAll(async () => {
  await loadEmbedFixture(pool);
});

const get = (path: string, init: RequestInit = {}) => api().fetch(`http://test${path}`, init);

describe('the explorer over HTTP', () => {
  it('serves the page under its strict CSP, with no inline script (only its own live-figures script), no inline style and names escaped', async () => {
    for (const code of ['RU', '17000000', MARKUP_CODE]) {
      const response = await get(`/t/${code}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toBe(EXPLORER_CSP);
      expect(EXPLORER_CSP).not.toContain('unsafe');
      const html = await response.text();
      expect(html.match(/<script[^>]*>/gi)).toEqual(['<script src="/t/assets/explorer.js" defer>']);
      expect(html).not.toMatch(/<script[^>]*>[^<]+<\/script>/i);
      expect(html).not.toMatch(/\sstyle=/i);
      expect(html).not.toContain('<script>alert(1)</script>');
    }
    const script = await get('/t/assets/explorer.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).not.toMatch(/\bimport\.meta\b|\beval\(/);
    const css = await get('/t/assets/explorer.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('.crumbs');
  });

  it('answers other methods with 405, unknown pages with 404 and changes nothing', async () => {
    const post = await get('/t/RU', { method: 'POST', body: 'required=VK' });
    expect(post.status).toBe(405);
    expect((await get('/t/RU/more')).status).toBe(404);
    expect((await get('/t/99999999')).status).toBe(404);
    expect((await get('/t/RU?dir=sideways')).status).toBe(400);
  });
});
