import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNumber } from '../../../src/modules/embed/format.js';
import { today } from '../../../src/modules/figures/dates.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { useTestDatabase } from '../../helpers/database.js';
import { createTestApi, data } from '../../helpers/executor.js';
import { csv, writeLoad } from '../../helpers/loads.js';
import { loadEmbedFixture } from './fixture.js';

/*
 * The embeds in a real browser (the system Chromium, through playwright-core): the real server on
 * one origin, a portal's page with a strict CSP on another. Without Chromium this file reports one
 * passing test saying so, unless REQUIRE_BROWSER is set (CI), where that is a failure.
 */

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const MISSING = 'browser tests not run: install chromium (apt-get install -y chromium) or set CHROMIUM_PATH';

if (!fs.existsSync(CHROMIUM)) {
  describe('the embeds in a browser', () => {
    if (process.env.REQUIRE_BROWSER) {
      it('need Chromium (REQUIRE_BROWSER is set)', () => {
        throw new Error(`${MISSING} (looked for ${CHROMIUM})`);
      });
    } else {
      it('are not run: Chromium is missing', () => {
        console.warn(MISSING);
      });
    }
  });
} else {
  const { pool, url: databaseUrl } = await useTestDatabase();
  await loadEmbedFixture(pool);
  const require = createRequire(import.meta.url);
  const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const DOCS = fileURLToPath(new URL('../../../docs/', import.meta.url));

  let browser: Browser;
  let apiServer: http.Server;
  let hostServer: http.Server;
  let API = '';
  let HOST = '';

  const listen = async (server: http.Server) => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  /** A portal's page: only our origin for scripts, requests, images and frames; its own origin for its CSS and script. */
  const hostPage = (title: string, head: string, body: string) => ({
    csp: `default-src 'none'; script-src ${API} ${HOST}; connect-src ${API}; img-src ${API}; style-src ${API} ${HOST}; frame-src ${API}`,
    html: `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>${title}</title>${head}</head><body>${body}</body></html>`,
  });

  /** Every way a portal includes the widget's script (the element comes after the scripts in the page). */
  const INCLUSIONS: Record<string, (src: string) => string> = {
    classic: (src) => `<script src="${src}"></script>`,
    module: (src) => `<script type="module" src="${src}"></script>`,
    async: (src) => `<script async src="${src}"></script>`,
    defer: (src) => `<script defer src="${src}"></script>`,
    'classic twice': (src) => `<script src="${src}"></script><script src="${src}"></script>`,
    'module twice': (src) => `<script type="module" src="${src}"></script><script type="module" src="${src}?again"></script>`,
    'classic and module': (src) => `<script src="${src}"></script><script type="module" src="${src}"></script>`,
    'async and defer': (src) => `<script async src="${src}"></script><script defer src="${src}"></script>`,
  };

  const HOST_PAGES: Record<string, (params: URLSearchParams) => { csp: string; html: string }> = {
    '/live': () =>
      hostPage(
        'Портал с живыми цифрами',
        `<script src="${API}/embed/v1/gospubliki.js" defer></script>`,
        `<main><h1>Портал</h1><gospubliki-figures territory="17000000" live></gospubliki-figures></main>`,
      ),
    '/include': (params) => {
      const include = INCLUSIONS[params.get('how') ?? ''];
      const body = `<main><h1>Портал</h1><gospubliki-figures territory="17000000"></gospubliki-figures></main>`;
      // In the body, after the element, as a CMS editor pastes it; in the head for the others.
      const tags = include(`${API}/embed/v1/gospubliki.js`);
      return params.get('where') === 'body' ? hostPage('Портал', '', body + tags) : hostPage('Портал', tags, body);
    },
    '/widget': (params) => {
      const theme = params.get('theme') ? ` theme="${params.get('theme')}"` : '';
      const platforms = params.get('platforms') ? ` platforms="${params.get('platforms')}"` : '';
      return hostPage(
        'Портал области',
        `<script type="module" src="${API}/embed/v1/gospubliki.js"></script>`,
        `<main><h1>Портал области</h1><gospubliki-figures territory="${params.get('code') ?? '17000000'}"${platforms}${theme}></gospubliki-figures></main>`,
      );
    },
    // The portal's own stylesheet hides and recolours everything of its light DOM, the widget's host element too.
    '/broken': () =>
      hostPage(
        'Сломанный портал',
        `<link rel="stylesheet" href="/broken.css"><script type="module" src="${API}/embed/v1/gospubliki.js"></script>`,
        `<h1>Портал</h1><gospubliki-figures territory="17000000"></gospubliki-figures>`,
      ),
    '/badge': () =>
      hostPage('Значок', '', `<main><h1>Значок</h1><img id="badge" src="${API}/embed/v1/territories/17000000/subscribers.svg" alt="Подписчики"></main>`),
    '/frame': () =>
      hostPage(
        'Страница с iframe',
        `<script src="/host.js" defer></script>`,
        `<main><h1>Страница с iframe</h1><iframe id="frame" src="${API}/embed/v1/territories/17000000" title="Госпаблики" width="360" height="50"></iframe></main>`,
      ),
  };

  const HOST_FILES: Record<string, { type: string; body: string }> = {
    '/broken.css': {
      type: 'text/css',
      body: 'body * { display: none !important; color: red !important; font: 40px/1 serif !important; visibility: hidden !important }',
    },
    // What a portal pastes to let the iframe size itself.
    '/host.js': {
      type: 'text/javascript',
      body: `addEventListener('message', (event) => {
        const frame = document.getElementById('frame');
        if (event.source !== frame.contentWindow || event.data?.type !== 'gospubliki:resize') return;
        frame.height = String(event.data.height);
        document.body.dataset.resized = String(event.data.height);
      });`,
    },
  };

  beforeAll(async () => {
    // Rate limits are the edge tests' concern: the many page loads here all come from 127.0.0.1.
    // The edge listens on the database for committed loads (the live figures follow them).
    apiServer = http.createServer(createTestApi({ edge: { config: { ratePoints: 0 }, databaseUrl } }));
    API = await listen(apiServer);
    hostServer = http.createServer((request, response) => {
      const url = new URL(request.url ?? '/', HOST);
      const file = HOST_FILES[url.pathname];
      if (file) return response.writeHead(200, { 'content-type': file.type }).end(file.body);
      const page = HOST_PAGES[url.pathname];
      if (!page) return response.writeHead(404).end();
      const { csp, html } = page(url.searchParams);
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp }).end(html);
    });
    HOST = await listen(hostServer);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });

  afterAll(async () => {
    await browser?.close();
    for (const server of [apiServer, hostServer]) {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    }
  });

  /** A new page that records CSP violations and uncaught errors, and every request to /graphql. */
  async function open(url: string, colorScheme: 'light' | 'dark' = 'light', prepare?: (page: Page) => Promise<void>) {
    const page = await browser.newPage({ colorScheme, viewport: { width: 900, height: 800 } });
    await prepare?.(page);
    const problems: string[] = [];
    const graphql: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    page.on('request', (request) => {
      if (request.url().includes('/graphql')) graphql.push(request.url());
    });
    await page.goto(url);
    return { page, problems, graphql };
  }

  async function axeViolations(page: Page): Promise<string[]> {
    await page.evaluate(AXE);
    const violations = await page.evaluate(async () => {
      const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((v: any) => `${v.id}: ${v.help} (${v.nodes.map((n: any) => n.target.join(' ')).join(', ')})`);
    });
    return violations as string[];
  }

  async function regionSubscribers(platforms: string[] | null = null): Promise<string> {
    const result = await data('query($p: [String!]) { territory(code: "17000000") { stats(platforms: $p) { subscribers } } }', { p: platforms });
    return formatNumber(Number(result.territory.stats.subscribers));
  }

  describe('the widget on a portal with a strict CSP', () => {
    for (const how of Object.keys(INCLUSIONS)) {
      it(`works when included as ${how}, asking our origin, with no error or CSP violation`, async () => {
        for (const where of ['head', 'body']) {
          const { page, problems, graphql } = await open(`${HOST}/include?how=${encodeURIComponent(how)}&where=${where}`);
          const number = page.locator('gospubliki-figures .number');
          await number.waitFor();
          expect(await number.textContent()).toBe(await regionSubscribers());
          expect(await page.evaluate(() => typeof customElements.get('gospubliki-figures'))).toBe('function');
          expect(graphql.length).toBeGreaterThanOrEqual(1);
          for (const url of graphql) expect(url.startsWith(`${API}/graphql?id=embed-figures-v1&`)).toBe(true);
          expect(problems).toEqual([]);
          await page.close();
        }
      });
    }

    it('shows the same subscribers as the API, from one GET of the persisted document, with no CSP violation', async () => {
      const { page, problems, graphql } = await open(`${HOST}/widget?platforms=VK,TELEGRAM`);
      const number = page.locator('gospubliki-figures .number');
      await number.waitFor();
      expect(await number.textContent()).toBe(await regionSubscribers(['VK', 'TELEGRAM']));
      expect(await page.locator('gospubliki-figures h2').textContent()).toBe('Владимирская область');
      expect(await page.locator('gospubliki-figures .platforms li').count()).toBe(2);
      expect(await page.locator('gospubliki-figures svg[role="img"]').getAttribute('aria-label')).toMatch(/^Подписчики по неделям с /);
      expect(graphql).toHaveLength(1);
      expect(graphql[0]).toMatch(new RegExp(`^${API}/graphql\\?id=embed-figures-v1&variables=`));
      expect(problems).toEqual([]);
      // No cookies, no storage.
      expect(await page.context().cookies()).toEqual([]);
      await page.close();
    });

    it('is not hidden or recoloured by a broken host stylesheet', async () => {
      const { page, problems } = await open(`${HOST}/broken`);
      const number = page.locator('gospubliki-figures .number');
      await number.waitFor();
      expect(await number.textContent()).toBe(await regionSubscribers());
      expect(await page.locator('h1').isVisible()).toBe(false); // the stylesheet applies to the portal
      expect(await number.isVisible()).toBe(true);
      const style = await number.evaluate((element) => {
        const computed = getComputedStyle(element);
        return { color: computed.color, fontSize: computed.fontSize };
      });
      expect(style.color).not.toBe('rgb(255, 0, 0)');
      expect(style.fontSize).toBe('28px');
      expect(problems).toEqual([]);
      await page.close();
    });

    it('says so when the territory code is unknown, and when the API cannot be reached', async () => {
      const unknown = await open(`${HOST}/widget?code=99000000`);
      await expect.poll(() => unknown.page.locator('gospubliki-figures [role="alert"]').textContent()).toBe('Территория с кодом «99000000» не найдена.');
      await unknown.page.close();

      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.route('**/graphql?**', (route) => route.abort('connectionrefused'));
      await page.goto(`${HOST}/widget`);
      await expect.poll(() => page.locator('gospubliki-figures [role="alert"]').textContent()).toBe('Не удалось загрузить данные. Попробуйте позже.');
      expect(errors).toEqual([]);
      await page.close();
    });

    it('shows a loading state until the figures arrive', async () => {
      const page = await browser.newPage();
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      await page.route('**/graphql?**', async (route) => {
        await held;
        await route.continue();
      });
      await page.goto(`${HOST}/widget`);
      await expect.poll(() => page.locator('gospubliki-figures [role="status"]').textContent()).toBe('Загрузка данных…');
      release();
      await page.locator('gospubliki-figures .number').waitFor();
      await page.close();
    });

    for (const theme of ['light', 'dark'] as const) {
      it(`passes axe in the ${theme} theme`, async () => {
        const { page } = await open(`${HOST}/widget?theme=${theme}`, theme);
        await page.locator('gospubliki-figures .number').waitFor();
        expect(await axeViolations(page)).toEqual([]);
        const background = await page.locator('gospubliki-figures .card').evaluate((element) => getComputedStyle(element).backgroundColor);
        expect(background).toBe(theme === 'dark' ? 'rgb(21, 25, 30)' : 'rgb(255, 255, 255)');
        if (process.env.SCREENSHOTS) await page.locator('gospubliki-figures').screenshot({ path: path.join(DOCS, `embed-widget-${theme}.png`) });
        await page.close();
      });
    }

    it('follows prefers-color-scheme without a theme attribute', async () => {
      const { page } = await open(`${HOST}/widget`, 'dark');
      const card = page.locator('gospubliki-figures .card');
      await page.locator('gospubliki-figures .number').waitFor();
      expect(await card.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe('rgb(21, 25, 30)');
      await page.close();
    });
  });

  /** Commits one more observation of the region's administration page (today), as a load would. */
  async function loadObservation(subscribers: number): Promise<void> {
    const result = await importFolder(
      pool,
      await writeLoad({ 'observations.csv': csv('platform,external_id,subscribers,observed_on', [['VK', 'adm33', subscribers, today()]]) }),
    );
    expect(result.errors).toEqual([]);
  }

  describe('live figures', () => {
    it('with `live`, the widget updates itself after a committed load, in place (no flicker), under the strict CSP', async () => {
      const { page, problems, graphql } = await open(`${HOST}/live`);
      const number = page.locator('gospubliki-figures .number');
      await number.waitFor();
      const before = await number.textContent();
      // Mark the rendered nodes and watch for any loading state or removed card while it updates.
      await page.evaluate(() => {
        const root = document.querySelector('gospubliki-figures')!.shadowRoot!;
        (root.querySelector('.number') as HTMLElement).dataset.mark = 'kept';
        (root.querySelector('.card') as HTMLElement).dataset.mark = 'kept';
        (window as any).flickers = 0;
        new MutationObserver((records) => {
          for (const record of records)
            for (const node of record.addedNodes)
              if (node instanceof Element && node.matches('[aria-busy], [role="status"], [role="alert"]')) (window as any).flickers++;
        }).observe(root, { childList: true, subtree: true });
      });
      await expect.poll(() => graphql.some((url) => url.includes('id=embed-figures-live-v1'))).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 500)); // the stream's baseline
      await loadObservation(1_400_000);
      const after = await regionSubscribers();
      expect(after).not.toBe(before);
      await expect.poll(() => number.textContent()).toBe(after);
      expect(await number.getAttribute('data-mark')).toBe('kept');
      expect(await page.locator('gospubliki-figures .card').getAttribute('data-mark')).toBe('kept');
      expect(await page.evaluate(() => (window as any).flickers)).toBe(0);
      expect(problems).toEqual([]);
      await page.close();
    });

    it('the landing page’s federation figures follow the loads', async () => {
      const { page, problems } = await open(`${API}/`);
      await page.locator('gospubliki-figures .number').waitFor();
      await new Promise((resolve) => setTimeout(resolve, 800)); // the streams' baselines
      await loadObservation(1_450_000);
      const federation = formatNumber(Number((await data('{ territory(code: "RU") { stats { subscribers } } }')).territory.stats.subscribers));
      await expect.poll(() => page.locator('#federation-subscribers').textContent()).toBe(federation);
      expect(problems).toEqual([]);
      await page.close();
    });
  });

  describe('the badge and the iframe on a portal', () => {
    it('renders the badge', async () => {
      const { page, problems } = await open(`${HOST}/badge`);
      await expect.poll(() => page.locator('#badge').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(60);
      expect(problems).toEqual([]);
      await page.close();
    });

    it('fits a Cyrillic label in its segment as the browser measures it (the font of the badge, no textLength squeeze)', async () => {
      const label = 'подписчики госпабликов области';
      const page = await browser.newPage();
      await page.goto(`${API}/embed/v1/territories/17000000/subscribers.svg?label=${encodeURIComponent(label)}`);
      const measured = await page.evaluate(() => {
        const svg = document.documentElement as unknown as SVGSVGElement;
        const [labelRect, messageRect] = [...svg.querySelectorAll('g[clip-path] rect')].map((rect) => Number(rect.getAttribute('width')));
        // The visible texts (the shadows are aria-hidden), each inside a scale(.1) group.
        const texts = [...svg.querySelectorAll('text')].filter((text) => !text.closest('[aria-hidden]'));
        return texts.map((text, index) => {
          const natural = text.cloneNode(true) as SVGTextElement;
          natural.removeAttribute('textLength');
          text.parentNode!.appendChild(natural);
          const width = natural.getComputedTextLength() / 10;
          natural.remove();
          return {
            text: text.textContent,
            natural: width,
            given: Number(text.getAttribute('textLength')) / 10,
            segment: index === 0 ? labelRect : messageRect,
          };
        });
      });
      expect(measured[0].text).toBe(label);
      for (const text of measured) {
        // The text as the browser lays it out fits within its segment, with room on both sides…
        expect(text.natural + 4).toBeLessThanOrEqual(text.segment);
        // …and badge-maker's measure (its textLength) is within 10 % of it, so nothing is visibly squeezed or stretched.
        expect(Math.abs(text.given - text.natural) / text.natural).toBeLessThan(0.1);
      }
      await page.close();
    });

    it('resizes the iframe to its content through postMessage, and the iframe page passes axe', async () => {
      const { page, problems } = await open(`${HOST}/frame`);
      await expect.poll(() => page.evaluate(() => Number(document.body.dataset.resized ?? 0)), { timeout: 10_000 }).toBeGreaterThan(150);
      const content = page.frameLocator('#frame');
      const heights = async () => {
        const frame = await page.locator('#frame').evaluate((element: HTMLIFrameElement) => element.clientHeight);
        const inside = await content.locator('html').evaluate((html) => Math.ceil(html.getBoundingClientRect().height));
        return frame - inside;
      };
      await expect.poll(heights).toBe(0);
      expect(await content.locator('.number').textContent()).toBe(await regionSubscribers());
      // A portal script that started after the iframe had loaded (and missed its messages) asks again.
      await page.evaluate(() => {
        document.body.dataset.resized = '0';
        (document.getElementById('frame') as HTMLIFrameElement).contentWindow?.postMessage({ type: 'gospubliki:measure' }, '*');
      });
      await expect.poll(() => page.evaluate(() => Number(document.body.dataset.resized ?? 0))).toBeGreaterThan(150);
      expect(problems).toEqual([]);
      await page.close();

      const direct = await open(`${API}/embed/v1/territories/17000000`);
      expect(await axeViolations(direct.page)).toEqual([]);
      expect(direct.problems).toEqual([]);
      await direct.page.close();
    });
  });

  describe('the landing page', () => {
    it('shows live previews, finds a territory and switches the previews and snippets, and passes axe', async () => {
      // The landing script arrives only after the preview iframe has loaded and posted its height
      // (as on a slow network): it must still size the iframe.
      const { page, problems } = await open(`${API}/`, 'light', async (page) => {
        const frameLoaded = new Promise<void>((resolve) => page.on('requestfinished', (request) => request.url().endsWith('/embed/v1/frame.js') && resolve()));
        await page.route('**/landing.js', async (route) => {
          await frameLoaded;
          await new Promise((resolve) => setTimeout(resolve, 500));
          await route.continue();
        });
      });
      await page.locator('gospubliki-figures .number').waitFor();
      const federation = formatNumber(Number((await data('{ territory(code: "RU") { stats { subscribers } } }')).territory.stats.subscribers));
      await expect.poll(() => page.locator('#federation-subscribers').textContent()).toBe(federation);
      await expect.poll(() => page.locator('#badge-image').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
      await expect.poll(() => page.locator('#frame-element').getAttribute('height')).not.toBe('320');
      expect(await axeViolations(page)).toEqual([]);
      if (process.env.SCREENSHOTS) await page.screenshot({ path: path.join(DOCS, 'embed-landing.png'), fullPage: true });

      await page.locator('#territory-search').fill('петушин');
      const result = page.locator('#territory-results button', { hasText: 'Петушинский муниципальный район' });
      await result.click();
      await expect.poll(() => page.locator('#territory-code').textContent()).toBe('17646000');
      expect(await page.locator('#widget-snippet').textContent()).toContain(`<gospubliki-figures territory="17646000"></gospubliki-figures>`);
      expect(await page.locator('#badge-snippet').textContent()).toContain(`${API}/embed/v1/territories/17646000/subscribers.svg`);
      await expect.poll(() => page.locator('gospubliki-figures h2').textContent()).toBe('Петушинский муниципальный район');
      expect(problems).toEqual([]);
      await page.close();
    });
  });
}
