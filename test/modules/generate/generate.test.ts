import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GenerationSummary, generateLoad, isValidInn, isValidOgrn, REFERENCE_REGION } from '../../../src/modules/generate/index.js';
import { administrationOf, genitive, placeLabel } from '../../../src/modules/generate/russian.js';

const repoFile = (path: string): string => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const SECTORS = repoFile('reference/sectors.csv');
const REFERENCE_TERRITORIES = repoFile('reference/territories.csv');
const END_DATE = '2025-06-30';
const WINDOW_START = '2025-03-31'; // END_DATE − 90 days

type Row = Record<string, string>;

/** A few regions in the bulk format: Vladimir, Ivanovo and Kaluga (the one tiny must leave out). */
const FIXTURE = `code,parent_code,level,name
RU,,FEDERATION,Российская Федерация
FD-CENTRAL,RU,FEDERAL_DISTRICT,Центральный федеральный округ
17000000,FD-CENTRAL,REGION,Владимирская область
17605000,17000000,MUNICIPAL_DISTRICT,Александровский муниципальный район
17605101,17605000,URBAN_SETTLEMENT,город Александров
17605404,17605000,RURAL_SETTLEMENT,Андреевское
17605444,17605000,RURAL_SETTLEMENT,Каринское
17650000,17000000,MUNICIPAL_DISTRICT,Судогодский муниципальный район
17650101,17650000,URBAN_SETTLEMENT,город Судогда
17650420,17650000,RURAL_SETTLEMENT,Вяткинское
17650701,17650000,INTER_SETTLEMENT_TERRITORY,"Межселенная территория, ""пример"" с кавычками"
17701000,17000000,URBAN_OKRUG,город Владимир
17725000,17000000,URBAN_OKRUG,город Ковров
24000000,FD-CENTRAL,REGION,Ивановская область
24701000,24000000,URBAN_OKRUG,город Иваново
24611000,24000000,MUNICIPAL_DISTRICT,Кинешемский муниципальный район
24611404,24611000,RURAL_SETTLEMENT,Батманское
29000000,FD-CENTRAL,REGION,Калужская область
29701000,29000000,URBAN_OKRUG,город Калуга
`;

function readCsv(dir: string, file: string): Row[] {
  return parse(readFileSync(join(dir, file)), { columns: true }) as Row[];
}

function hashFolder(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((file) => [
        file,
        createHash('sha256')
          .update(readFileSync(join(dir, file)))
          .digest('hex'),
      ]),
  );
}

/** Current VK+OK+TG audience per region from the files alone (latest observation, ACTIVE pages). */
function currentAudience(dir: string): { byRegion: Map<string, number>; total: number; orgsByRegion: Map<string, number> } {
  const territories = new Map(readCsv(dir, 'territories.csv').map((t) => [t.code, t]));
  const regionOf = (code: string): string => {
    let t = territories.get(code);
    while (t && t.level !== 'REGION') t = territories.get(t.parent_code as string);
    return t?.code ?? '';
  };
  const orgRegion = new Map<string, string>();
  const orgsByRegion = new Map<string, number>();
  for (const org of readCsv(dir, 'organisations.csv')) {
    const region = regionOf(org.territory_code as string);
    orgRegion.set(org.external_id as string, region);
    orgsByRegion.set(region, (orgsByRegion.get(region) ?? 0) + 1);
  }
  const pageRegion = new Map<string, string>();
  for (const page of readCsv(dir, 'pages.csv')) {
    if (page.status === 'ACTIVE' && page.platform !== 'MAX') {
      pageRegion.set(`${page.platform}|${page.external_id}`, orgRegion.get(page.organisation_external_id as string) ?? '');
    }
  }
  const latest = new Map<string, { date: string; subscribers: number }>();
  for (const obs of readCsv(dir, 'observations.csv')) {
    const key = `${obs.platform}|${obs.external_id}`;
    if (!pageRegion.has(key)) continue;
    const seen = latest.get(key);
    if (!seen || (obs.observed_on as string) > seen.date) {
      latest.set(key, { date: obs.observed_on as string, subscribers: Number(obs.subscribers) });
    }
  }
  const byRegion = new Map<string, number>();
  let total = 0;
  for (const [key, { subscribers }] of latest) {
    const region = pageRegion.get(key) as string;
    byRegion.set(region, (byRegion.get(region) ?? 0) + subscribers);
    total += subscribers;
  }
  return { byRegion, total, orgsByRegion };
}

const URL_PATTERNS: Record<string, (id: string) => string> = {
  VK: (id) => `https://vk.com/${id}`,
  OK: (id) => `https://ok.ru/group/${id}`,
  TELEGRAM: (id) => `https://t.me/${id}`,
  MAX: (id) => `https://max.ru/${id}`,
};
const ID_PATTERNS: Record<string, RegExp> = {
  VK: /^club\d{9}$/,
  OK: /^5\d{13}$/,
  TELEGRAM: /^[a-z][a-z0-9_]*_\d+$/,
  MAX: /^[a-z][a-z0-9_]*_\d+$/,
};

describe('russian names', () => {
  it('puts territory names into the genitive', () => {
    expect(genitive('Владимирская область')).toBe('Владимирской области');
    expect(genitive('Республика Саха (Якутия)')).toBe('Республики Саха (Якутия)');
    expect(genitive('Ханты-Мансийский автономный округ — Югра')).toBe('Ханты-Мансийского автономного округа — Югра');
    expect(genitive('Москва')).toBe('Москвы');
    expect(administrationOf('Судогодский муниципальный район', 'MUNICIPAL_DISTRICT')).toBe('Судогодского муниципального района');
    expect(administrationOf('Вяткинское', 'RURAL_SETTLEMENT')).toBe('сельского поселения Вяткинское');
    expect(placeLabel('город Ковров', 'URBAN_OKRUG')).toBe('г. Ковров');
  });
});

describe('check digits', () => {
  it('agree with real identifiers', () => {
    expect(isValidInn('7707083893')).toBe(true);
    expect(isValidInn('7707083894')).toBe(false);
    expect(isValidOgrn('1027700132195')).toBe(true);
    expect(isValidOgrn('1027700132196')).toBe(false);
  });
});

describe('generateLoad (tiny, fixture territories)', () => {
  const root = mkdtempSync(join(tmpdir(), 'gospubliki-generate-'));
  const territories = join(root, 'territories.csv');
  const first = join(root, 'a');
  const again = join(root, 'b');
  const other = join(root, 'c');
  let summary: GenerationSummary;

  beforeAll(async () => {
    writeFileSync(territories, FIXTURE);
    const options = { scale: 'tiny' as const, territoriesPath: territories, sectorsPath: SECTORS, endDate: END_DATE };
    summary = await generateLoad({ ...options, outDir: first, seed: 42 });
    await generateLoad({ ...options, outDir: again, seed: 42 });
    await generateLoad({ ...options, outDir: other, seed: 7 });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is byte-identical for the same seed and differs for another', () => {
    const hashes = hashFolder(first);
    expect(Object.keys(hashes)).toEqual(['observations.csv', 'organisations.csv', 'pages.csv', 'sectors.csv', 'territories.csv']);
    expect(hashFolder(again)).toEqual(hashes);
    const different = hashFolder(other);
    for (const file of ['organisations.csv', 'pages.csv', 'observations.csv']) {
      expect(different[file]).not.toBe(hashes[file]);
    }
  });

  it('keeps only the tiny regions, their ancestors and descendants', () => {
    const codes = readCsv(first, 'territories.csv').map((t) => t.code);
    expect(codes).toContain('RU');
    expect(codes).toContain('17650701'); // quoted name survives the round trip
    expect(codes).toContain('24611404');
    expect(codes).not.toContain('29000000');
    expect(codes).not.toContain('29701000');
    expect(readFileSync(join(first, 'sectors.csv'), 'utf8')).toBe(readFileSync(SECTORS, 'utf8'));
  });

  it('writes valid organisations with unique ids and valid INN/OGRN', () => {
    const organisations = readCsv(first, 'organisations.csv');
    const territoryCodes = new Set(readCsv(first, 'territories.csv').map((t) => t.code));
    const sectorCodes = new Set(readCsv(first, 'sectors.csv').map((s) => s.code));
    expect(organisations.length).toBe(300);
    expect(new Set(organisations.map((o) => o.external_id)).size).toBe(organisations.length);
    let withNumbers = 0;
    for (const org of organisations) {
      expect(['AUTHORITY', 'INSTITUTION', 'OTHER']).toContain(org.kind);
      expect(territoryCodes.has(org.territory_code as string)).toBe(true);
      expect(sectorCodes.has(org.sector_code as string)).toBe(true);
      expect(Boolean(org.inn)).toBe(Boolean(org.ogrn));
      if (org.inn) {
        withNumbers++;
        expect(org.inn).toMatch(/^\d{10}$/);
        expect(org.ogrn).toMatch(/^\d{13}$/);
        expect(isValidInn(org.inn)).toBe(true);
        expect(isValidOgrn(org.ogrn as string)).toBe(true);
      }
    }
    expect(withNumbers / organisations.length).toBeGreaterThan(0.8);
    expect(withNumbers / organisations.length).toBeLessThan(0.97);
    const inns = organisations.filter((o) => o.inn).map((o) => o.inn);
    expect(new Set(inns).size).toBe(inns.length);
    const bySector = summary.organisationsBySector;
    expect(Object.keys(bySector)[0]).toBe('education');
  });

  it('writes pages whose URLs match their platform', () => {
    const orgIds = new Set(readCsv(first, 'organisations.csv').map((o) => o.external_id));
    const pages = readCsv(first, 'pages.csv');
    expect(pages.length).toBeGreaterThan(500);
    const keys = new Set<string>();
    for (const page of pages) {
      const platform = page.platform as string;
      const id = page.external_id as string;
      expect(Object.keys(URL_PATTERNS)).toContain(platform);
      expect(page.url).toBe(URL_PATTERNS[platform]?.(id));
      expect(id).toMatch(ID_PATTERNS[platform] as RegExp);
      expect(orgIds.has(page.organisation_external_id as string)).toBe(true);
      expect(['true', 'false']).toContain(page.verified);
      expect(['ACTIVE', 'ARCHIVED']).toContain(page.status);
      keys.add(`${platform}|${id}`);
    }
    expect(keys.size).toBe(pages.length);
  });

  it('writes weekly observations inside the window, unique and out of date order', () => {
    const pageKeys = new Set(readCsv(first, 'pages.csv').map((p) => `${p.platform}|${p.external_id}`));
    const observations = readCsv(first, 'observations.csv');
    const keys = new Set<string>();
    const perPage = new Map<string, number>();
    let outOfOrder = 0;
    let previous = '';
    for (const obs of observations) {
      const date = obs.observed_on as string;
      expect(date >= WINDOW_START && date <= END_DATE).toBe(true);
      expect(obs.subscribers).toMatch(/^\d+$/);
      const page = `${obs.platform}|${obs.external_id}`;
      expect(pageKeys.has(page)).toBe(true);
      keys.add(`${page}|${date}`);
      perPage.set(page, (perPage.get(page) ?? 0) + 1);
      if (date < previous) outOfOrder++;
      previous = date;
    }
    expect(keys.size).toBe(observations.length);
    expect(perPage.size).toBe(pageKeys.size);
    // 13 weekly points, but for the planted monitoring cases: stale pages stop STALE_PAGE_DAYS before the end (fewer
    // points), a page with a jump has one more (the day before it).
    const counts = [...perPage.values()];
    expect(counts.filter((n) => n === 13).length).toBeGreaterThan(counts.length * 0.9);
    expect(counts.every((n) => n === 14 || (n >= 1 && n <= 13))).toBe(true);
    expect(counts.some((n) => n < 13)).toBe(true);
    expect(outOfOrder).toBeGreaterThan(observations.length / 4);
  });

  it('reports the same figures the files give', () => {
    const { byRegion, total, orgsByRegion } = currentAudience(first);
    expect(summary.totalSubscribers).toBe(total);
    expect(summary.reference?.subscribers).toBe(byRegion.get(REFERENCE_REGION));
    expect(summary.reference?.organisations).toBe(orgsByRegion.get(REFERENCE_REGION));
    expect(summary.rows['observations.csv']).toBe(readCsv(first, 'observations.csv').length);
  });
});

describe.runIf(existsSync(REFERENCE_TERRITORIES))('generateLoad (demo, reference territories)', () => {
  const out = mkdtempSync(join(tmpdir(), 'gospubliki-demo-'));
  let summary: GenerationSummary;

  beforeAll(async () => {
    summary = await generateLoad({
      scale: 'demo',
      outDir: out,
      seed: 42,
      endDate: END_DATE,
      territoriesPath: REFERENCE_TERRITORIES,
      sectorsPath: SECTORS,
    });
  }, 60_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('stays within the row budget and copies the territories', () => {
    const rows = Object.values(summary.rows).reduce((a, b) => a + b, 0);
    expect(rows).toBeLessThanOrEqual(620_000);
    expect(readFileSync(join(out, 'territories.csv'))).toEqual(readFileSync(REFERENCE_TERRITORIES));
  });

  it('matches the published calibration figures', () => {
    const { byRegion, total, orgsByRegion } = currentAudience(out);
    const vladimirOrgs = orgsByRegion.get(REFERENCE_REGION) ?? 0;
    const vladimirSubscribers = byRegion.get(REFERENCE_REGION) ?? 0;
    expect(vladimirOrgs).toBeGreaterThanOrEqual(2_200);
    expect(vladimirOrgs).toBeLessThanOrEqual(2_450);
    expect(vladimirSubscribers).toBeGreaterThanOrEqual(1_300_000);
    expect(vladimirSubscribers).toBeLessThanOrEqual(1_500_000);
    expect(total).toBeGreaterThanOrEqual(105_000_000);
    expect(total).toBeLessThanOrEqual(125_000_000);
    const [largest] = Object.entries(summary.organisationsBySector).sort((a, b) => b[1] - a[1]);
    expect(largest?.[0]).toBe('education');
  }, 60_000);
});
