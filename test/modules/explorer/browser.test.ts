import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNumber, formatShare } from '../../../src/modules/embed/format.js';
import { today } from '../../../src/modules/figures/dates.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { useTestDatabase } from '../../helpers/database.js';
import { createTestApi, data } from '../../helpers/executor.js';
import { csv, writeLoad } from '../../helpers/loads.js';
import { loadEmbedFixture, MARKUP_CODE, MARKUP_NAME } from '../embed/fixture.js';

/*
 * The explorer page /t/{code} in the system Chromium (playwright-core): its figures are the API's,
 * it breaks no rule of its CSP, axe finds no violation, it works from the keyboard, and sorting
 * follows the rankings. Screenshots go to docs/ (explorer-*.png) with SCREENSHOTS=1 (`npm run screenshots`).
 */
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

if (!fs.existsSync(CHROMIUM)) {
  describe('the explorer in a browser', () => {
    it('is not run: Chromium is missing', () => {
      if (process.env.REQUIRE_BROWSER) throw new Error(`Chromium is missing (looked for ${CHROMIUM})`);
    });
  });
} else {
  const { pool, url: databaseUrl } = await useTestDatabase();
  await loadEmbedFixture(pool);
  const require = createRequire(import.meta.url);
  const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const DOCS = fileURLToPath(new URL('../../../docs/', import.meta.url));
  let browser: Browser;
  let server: http.Server;
  let ORIGIN = '';

  beforeAll(async () => {
    // The edge listens on the database for committed loads (the page's live figures follow them).
    server = http.createServer(createTestApi({ edge: { config: { ratePoints: 0 }, databaseUrl } }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ORIGIN = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function open(path: string): Promise<{ page: Page; problems: string[]; status: number }> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    // The live-figures stream is cut when the page navigates (a sort link, the form): not a problem.
    page.on('requestfailed', (request) => {
      if (!request.url().includes('id=embed-figures-live-v1')) problems.push(`failed: ${request.url()}`);
    });
    const response = await page.goto(`${ORIGIN}${path}`);
    return { page, problems, status: response?.status() ?? 0 };
  }

  async function axeViolations(page: Page): Promise<string[]> {
    await page.evaluate(AXE);
    return page.evaluate(async () => {
      const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((v: any) => `${v.id}: ${v.help} (${v.nodes.map((n: any) => n.target.join(' ')).join(', ')})`);
    });
  }

  /** Commits one more observation of the region's administration page (today), as a load would. */
  async function loadObservation(subscribers: number): Promise<void> {
    const result = await importFolder(
      pool,
      await writeLoad({ 'observations.csv': csv('platform,external_id,subscribers,observed_on', [['VK', 'adm33', subscribers, today()]]) }),
    );
    expect(result.errors).toEqual([]);
  }

  describe('the explorer page', () => {
    it('updates its figures live after a committed load, in place (the same document, focus kept), under its CSP', async () => {
      const { page, problems } = await open('/t/17000000');
      const streams: string[] = [];
      page.on('request', (request) => {
        if (request.url().includes('id=embed-figures-live-v1')) streams.push(request.url());
      });
      await page.reload();
      await expect.poll(() => streams.length).toBeGreaterThan(0);
      await page.locator('form.required button').focus();
      await page.evaluate(() => {
        (window as any).sameDocument = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 800)); // the stream's baseline
      const before = await page.locator('.figures dd').first().textContent();
      await loadObservation(1_500_000);
      const api = await data('{ territory(code: "17000000") { stats { subscribers } } }');
      const after = formatNumber(api.territory.stats.subscribers);
      expect(after).not.toBe(before);
      await expect.poll(() => page.locator('.figures dd').first().textContent()).toBe(after);
      expect(await page.evaluate(() => (window as any).sameDocument)).toBe(true);
      expect(await page.evaluate(() => document.activeElement?.closest('form')?.className)).toBe('required');
      expect(problems).toEqual([]);
      await page.close();
    });

    it('shows a region with the API figures, breadcrumbs, compliance and ranked children, with no CSP or axe violation', async () => {
      const { page, problems, status } = await open('/t/17000000');
      expect(status).toBe(200);
      const api = await data(`{ territory(code: "17000000") { name ancestors { name } stats { subscribers organisations organisationsWithPages }
        compliance(required: ["VK", "OK"]) { compliant organisations share }
        children(first: 100, orderBy: { field: COMPLIANCE, direction: ASC, required: ["VK", "OK"] }) { nodes { name } } } }`);
      const t = api.territory;
      expect(await page.locator('h1').textContent()).toBe(t.name);
      expect(await page.locator('nav.crumbs li').allTextContents()).toEqual([...t.ancestors.map((a: any) => a.name), t.name]);
      expect(await page.locator('.figures dd').first().textContent()).toBe(formatNumber(t.stats.subscribers));
      expect(await page.locator('#compliance-title + p + p.big').textContent()).toBe(
        `${formatNumber(t.compliance.compliant)} из ${formatNumber(t.compliance.organisations)} организаций — ${formatShare(t.compliance.share)}`,
      );
      expect(await page.locator('table.ranked tbody th a').allTextContents()).toEqual(t.children.nodes.map((c: any) => c.name));
      expect(await page.locator('th[aria-sort="ascending"]').textContent()).toContain('Соответствие');
      expect(await page.locator('svg[role="img"]').count()).toBe(2);
      expect(await page.locator('a[href*="/v1/exports/territories/17000000/children.xlsx"]').count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
      if (process.env.SCREENSHOTS) await page.screenshot({ path: `${DOCS}explorer-region.png`, fullPage: true });
      await page.close();
    });

    it('sorts the children by each ranking when a column header link is followed, from the keyboard', async () => {
      const { page } = await open('/t/17000000');
      // The skip link comes first and moves focus to the content.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Перейти к содержимому');
      const link = page.locator('thead th a', { hasText: 'Подписчики' });
      await link.focus();
      await Promise.all([page.waitForURL(/sort=subscribers/), page.keyboard.press('Enter')]);
      expect(page.url()).toContain('sort=subscribers&dir=desc');
      const api = await data('{ territory(code: "17000000") { children(first: 100, orderBy: { field: SUBSCRIBERS, direction: DESC }) { nodes { name } } } }');
      expect(await page.locator('table.ranked tbody th a').allTextContents()).toEqual(api.territory.children.nodes.map((c: any) => c.name));
      expect(await page.locator('th[aria-sort="descending"]').textContent()).toContain('Подписчики');
      await page.close();
    });

    it('changes the required platforms with its form, and escapes names', async () => {
      const { page, problems } = await open('/t/17000000');
      await page.locator('fieldset input[value="OK"]').uncheck();
      await Promise.all([page.waitForURL(/required=VK/), page.locator('form.required button').click()]);
      const api = await data('{ territory(code: "17000000") { compliance(required: ["VK"]) { compliant organisations share } } }');
      expect(await page.locator('p.big').textContent()).toContain(formatShare(api.territory.compliance.share));
      expect(await page.locator('#compliance-title + p strong').textContent()).toBe('ВКонтакте');
      expect(problems).toEqual([]);
      await page.close();
      const markup = await open(`/t/${MARKUP_CODE}`);
      expect(await markup.page.locator('h1').textContent()).toBe(MARKUP_NAME);
      expect(markup.problems).toEqual([]);
      await markup.page.close();
    });

    it('shows the federation, and answers unknown codes and bad parameters with a page in Russian', async () => {
      const { page, problems } = await open('/t/RU');
      expect(await axeViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
      if (process.env.SCREENSHOTS) await page.screenshot({ path: `${DOCS}explorer-federation.png`, fullPage: true });
      await page.close();
      for (const [path, status, heading] of [
        ['/t/99999999', 404, 'Территория не найдена'],
        ['/t/1234', 400, 'Неверный код территории'],
        ['/t/RU?sort=random', 400, 'Неверные параметры'],
        ['/t/RU?required=VK,MYSPACE', 400, 'Неверные параметры'],
      ] as const) {
        const problem = await open(path);
        expect(problem.status, path).toBe(status);
        expect(await problem.page.locator('h1').textContent()).toBe(heading);
        expect(await axeViolations(problem.page)).toEqual([]);
        await problem.page.close();
      }
    });
  });
}
