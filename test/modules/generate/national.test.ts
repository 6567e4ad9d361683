import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GenerationSummary, generateLoad } from '../../../src/modules/generate/index.js';

const REFERENCE = fileURLToPath(new URL('../../../reference/', import.meta.url));
const END_DATE = '2026-11-25';

function readCsv(dir: string, file: string): Record<string, string>[] {
  return parse(readFileSync(join(dir, file)), { columns: true, bom: true }) as Record<string, string>[];
}

/**
 * The national scale against the published figures (issue 13), counted from the generated files
 * themselves: every figure is what the API would show once the folder is loaded.
 */
describe('generateLoad (national: the published scale)', () => {
  const out = mkdtempSync(join(tmpdir(), 'gospubliki-national-'));
  let summary: GenerationSummary;
  const figures = {
    activePages: new Map<string, number>(),
    subscribers: new Map<string, number>(),
    vladimirOrganisationsWithPages: 0,
    vladimirSubscribers: 0,
    russiaSubscribers: 0,
    education: 0,
    /** Monitoring (DESIGN.md section 13): organisations with an active VK and OK page, without VK, and unverified active pages. */
    organisations: 0,
    withVkAndOk: 0,
    withoutVk: 0,
    withoutOk: 0,
    activePagesAll: 0,
    unverifiedPages: 0,
    /** Active pages last counted more than 30 days before the end date, and overnight steps of +30 % or more. */
    stalePages: 0,
    overnightJumps: 0,
  };

  beforeAll(async () => {
    summary = await generateLoad({
      scale: 'national',
      outDir: out,
      seed: 42,
      endDate: END_DATE,
      territoriesPath: join(REFERENCE, 'territories.csv'),
      sectorsPath: join(REFERENCE, 'sectors.csv'),
    });
    const organisations = new Map(readCsv(out, 'organisations.csv').map((o) => [o.external_id, o]));
    const pages = new Map<string, { organisation: string; platform: string }>();
    const platformsOf = new Map<string, Set<string>>();
    for (const page of readCsv(out, 'pages.csv')) {
      if (page.status !== 'ACTIVE') continue;
      figures.activePagesAll++;
      if (page.verified !== 'true') figures.unverifiedPages++;
      const own = platformsOf.get(page.organisation_external_id) ?? new Set<string>();
      own.add(page.platform);
      platformsOf.set(page.organisation_external_id, own);
      pages.set(`${page.platform}|${page.external_id}`, { organisation: page.organisation_external_id, platform: page.platform });
      figures.activePages.set(page.platform, (figures.activePages.get(page.platform) ?? 0) + 1);
    }
    const latest = new Map<string, { date: string; subscribers: number }>();
    const series = new Map<string, { date: string; subscribers: number }[]>();
    for (const obs of readCsv(out, 'observations.csv')) {
      const key = `${obs.platform}|${obs.external_id}`;
      const seen = latest.get(key);
      if (pages.has(key) && (!seen || obs.observed_on > seen.date)) latest.set(key, { date: obs.observed_on, subscribers: Number(obs.subscribers) });
      if (pages.has(key)) series.set(key, [...(series.get(key) ?? []), { date: obs.observed_on, subscribers: Number(obs.subscribers) }]);
    }
    const staleBefore = new Date(Date.parse(`${END_DATE}T00:00:00Z`) - 30 * 86_400_000).toISOString().slice(0, 10);
    for (const key of pages.keys()) if ((latest.get(key)?.date ?? '') < staleBefore) figures.stalePages++;
    for (const points of series.values()) {
      points.sort((a, b) => (a.date < b.date ? -1 : 1));
      for (let i = 1; i < points.length; i++) {
        const days = (Date.parse(points[i].date) - Date.parse(points[i - 1].date)) / 86_400_000;
        if (days === 1 && points[i - 1].subscribers > 0 && points[i].subscribers >= points[i - 1].subscribers * 1.3) figures.overnightJumps++;
      }
    }
    // Vladimir region is OKTMO 17: its organisations' territory codes all start with 17.
    const inVladimir = (organisation: string) => organisations.get(organisation)?.territory_code.startsWith('17') ?? false;
    const covered = new Set<string>();
    for (const [key, page] of pages) {
      const subscribers = latest.get(key)?.subscribers ?? 0;
      figures.subscribers.set(page.platform, (figures.subscribers.get(page.platform) ?? 0) + subscribers);
      if (page.platform === 'MAX') continue;
      figures.russiaSubscribers += subscribers;
      if (inVladimir(page.organisation)) {
        figures.vladimirSubscribers += subscribers;
        covered.add(page.organisation);
      }
    }
    figures.vladimirOrganisationsWithPages = covered.size;
    figures.organisations = organisations.size;
    for (const id of organisations.keys()) {
      const own = platformsOf.get(id) ?? new Set<string>();
      if (own.has('VK') && own.has('OK')) figures.withVkAndOk++;
      if (!own.has('VK')) figures.withoutVk++;
      if (!own.has('OK')) figures.withoutOk++;
    }
    figures.education = [...organisations.values()].filter((o) => o.sector_code === 'education').length;
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('has about 175 thousand official VK pages and MAX about 20 thousand channels with 2 million subscribers', () => {
    expect(figures.activePages.get('VK')).toBeGreaterThan(170_000);
    expect(figures.activePages.get('VK')).toBeLessThan(180_000);
    expect(figures.activePages.get('MAX')).toBeGreaterThan(18_500);
    expect(figures.activePages.get('MAX')).toBeLessThan(21_500);
    expect(figures.subscribers.get('MAX')).toBeGreaterThan(1_800_000);
    expect(figures.subscribers.get('MAX')).toBeLessThan(2_300_000);
    // OK and Telegram below VK, in that order.
    expect(figures.activePages.get('OK')).toBeLessThan(figures.activePages.get('VK')!);
    expect(figures.activePages.get('TELEGRAM')).toBeLessThan(figures.activePages.get('OK')!);
  });

  it('has education as the largest sector, about 83 thousand organisations', () => {
    const [largest] = Object.entries(summary.organisationsBySector).sort((a, b) => b[1] - a[1]);
    expect(largest?.[0]).toBe('education');
    expect(figures.education).toBeGreaterThan(78_000);
    expect(figures.education).toBeLessThan(88_000);
  });

  it('puts Vladimir region at 2,314 organisations with pages on VK, OK or Telegram and 1.4 million subscribers, Russia at 115 million', () => {
    expect(figures.vladimirOrganisationsWithPages).toBeGreaterThan(2_264);
    expect(figures.vladimirOrganisationsWithPages).toBeLessThan(2_364);
    expect(figures.vladimirSubscribers).toBeGreaterThan(1_350_000);
    expect(figures.vladimirSubscribers).toBeLessThan(1_450_000);
    expect(figures.russiaSubscribers).toBeGreaterThan(110_000_000);
    expect(figures.russiaSubscribers).toBeLessThan(120_000_000);
    expect(summary.totalSubscribers).toBe(figures.russiaSubscribers);
  });

  it('gives monitoring something to find: about half the organisations without OK, one in eight without VK, two pages in five unverified, some stale, a few jumps', () => {
    const share = (n: number) => n / figures.organisations;
    expect(share(figures.withVkAndOk)).toBeGreaterThan(0.35);
    expect(share(figures.withVkAndOk)).toBeLessThan(0.55);
    expect(share(figures.withoutVk)).toBeGreaterThan(0.08);
    expect(share(figures.withoutVk)).toBeLessThan(0.2);
    expect(share(figures.withoutOk)).toBeGreaterThan(0.45);
    expect(figures.unverifiedPages / figures.activePagesAll).toBeGreaterThan(0.3);
    expect(figures.unverifiedPages / figures.activePagesAll).toBeLessThan(0.5);
    // Some pages stop being counted weeks before the end date (stale), and a few jump overnight (anomalies).
    expect(figures.stalePages / figures.activePagesAll).toBeGreaterThan(0.02);
    expect(figures.stalePages / figures.activePagesAll).toBeLessThan(0.07);
    expect(figures.overnightJumps).toBeGreaterThan(100);
    expect(figures.overnightJumps).toBeLessThan(1_000);
  });

  it('does not inflate pages: the calibration factors of Vladimir and the other regions are close', () => {
    const { referenceFactor, otherFactor } = summary.calibration;
    expect(Math.abs(referenceFactor / otherFactor - 1)).toBeLessThan(0.15);
  });
});
