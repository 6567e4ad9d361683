import { beforeAll, describe, expect, it } from 'vitest';
import { forgetCatalogue } from '../../../src/modules/catalogue/loaders.js';
import { addDays, today } from '../../../src/modules/figures/dates.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { useTestDatabase } from '../../helpers/database.js';
import { countStatements, execute } from '../../helpers/executor.js';
import { csv, writeLoad } from '../../helpers/loads.js';

const { pool } = await useTestDatabase();

/**
 * Two regions, one with 30 municipalities and one with 60, each municipality with one school
 * holding a VK and an OK page observed on two days: asking every child's figures must cost the
 * same small number of SQL statements for both.
 */
const DAY1 = addDays(today(), -10);
const DAY2 = addDays(today(), -3);
const REGIONS = [
  { code: '17000000', children: 30 },
  { code: '20000000', children: 60 },
];
const childCode = (region: string, i: number) => `${region.slice(0, 2)}${600 + i}000`;

beforeAll(async () => {
  const territories: (string | null)[][] = [
    ['RU', null, 'FEDERATION', 'Российская Федерация'],
    ['FD-CENTRAL', 'RU', 'FEDERAL_DISTRICT', 'Центральный федеральный округ'],
  ];
  const organisations: (string | null)[][] = [];
  const pages: (string | null)[][] = [];
  const observations: (string | number)[][] = [];
  for (const region of REGIONS) {
    territories.push([region.code, 'FD-CENTRAL', 'REGION', `Регион ${region.code}`]);
    for (let i = 0; i < region.children; i++) {
      const code = childCode(region.code, i);
      territories.push([code, region.code, 'MUNICIPAL_DISTRICT', `Район ${code}`]);
      organisations.push([`school-${code}`, `Школа ${code}`, 'INSTITUTION', code, 'education', null, null]);
      for (const [platform, host] of [
        ['VK', 'vk.com'],
        ['OK', 'ok.ru'],
      ]) {
        pages.push([platform, `s${code}`, `school-${code}`, `https://${host}/s${code}`, `Школа ${code}`, 'true', 'ACTIVE']);
        observations.push([platform, `s${code}`, 100 + i, DAY1], [platform, `s${code}`, 200 + i, DAY2]);
      }
    }
  }
  const result = await importFolder(
    pool,
    await writeLoad({
      'territories.csv': csv('code,parent_code,level,name', territories),
      'sectors.csv': csv('code,name', [['education', 'Образование']]),
      'organisations.csv': csv('external_id,name,kind,territory_code,sector_code,inn,ogrn', organisations),
      'pages.csv': csv('platform,external_id,organisation_external_id,url,name,verified,status', pages),
      'observations.csv': csv('platform,external_id,subscribers,observed_on', observations),
    }),
  );
  expect(result.errors).toEqual([]);
});

const CHILDREN = (code: string) => `{ territory(code: "${code}") { children(first: 100) { nodes {
  code
  stats { subscribers pages organisations organisationsWithPages
          byPlatform { platform { code name } subscribers pages organisations }
          bySector { sector { code name } subscribers organisationsWithPages } }
  vk: stats(platforms: ["VK"], at: "${DAY1}") { subscribers }
  history(from: "${DAY1}", to: "${DAY2}") { date subscribers }
  growth(from: "${DAY1}", to: "${DAY2}") { change }
} } } }`;

const ORGANISATIONS = (code: string) => `{ organisations(filter: { within: "${code}" }, first: 100) { nodes {
  externalId
  stats { subscribers byPlatform { platform { code } subscribers } }
  old: stats(at: "${DAY1}", platforms: ["OK"]) { subscribers }
  pages { externalId history(from: "${DAY1}", to: "${DAY2}", interval: WEEK) { date subscribers } }
} } }`;

describe('figures of many nodes in one request', () => {
  it('cost the same few statements for 30 children as for 60', async () => {
    const counts: number[] = [];
    for (const region of REGIONS) {
      // Each count starts from a process that has not read the catalogue yet (it is read once per process).
      forgetCatalogue();
      const { result, statements, sql } = await countStatements(() => execute(CHILDREN(region.code)));
      expect(result.errors).toBeUndefined();
      const nodes = result.data.territory.children.nodes;
      expect(nodes).toHaveLength(region.children);
      for (const node of nodes) {
        const i = Number(node.code.slice(2, 5)) - 600;
        expect(node.stats).toMatchObject({ subscribers: 2 * (200 + i), pages: 2, organisations: 1, organisationsWithPages: 1 });
        expect(node.stats.byPlatform).toEqual([
          { platform: { code: 'OK', name: 'Одноклассники' }, subscribers: 200 + i, pages: 1, organisations: 1 },
          { platform: { code: 'VK', name: 'ВКонтакте' }, subscribers: 200 + i, pages: 1, organisations: 1 },
        ]);
        expect(node.vk.subscribers).toBe(100 + i);
        expect(node.history.at(0)).toEqual({ date: DAY1, subscribers: 2 * (100 + i) });
        expect(node.history.at(-1)).toEqual({ date: DAY2, subscribers: 2 * (200 + i) });
        expect(node.growth.change).toBe(200);
      }
      counts.push(statements);
      // The figures themselves: stats (two filters), history, growth, and the catalogue.
      expect(sql.filter((s) => /territory_(page|organisation)_rollup|territory_subscriber_change/.test(s))).toHaveLength(4);
    }
    expect(counts[1]).toBe(counts[0]);
    expect(counts[0]).toBeLessThanOrEqual(7);
  });

  it('cost the same few statements for a page of 30 organisations as for 60, pages included', async () => {
    const counts: number[] = [];
    for (const region of REGIONS) {
      forgetCatalogue();
      const { result, statements } = await countStatements(() => execute(ORGANISATIONS(region.code)));
      expect(result.errors).toBeUndefined();
      const nodes = result.data.organisations.nodes;
      expect(nodes).toHaveLength(region.children);
      for (const node of nodes) {
        const i = Number(node.externalId.slice(9, 12)) - 600;
        expect(node.stats.subscribers).toBe(2 * (200 + i));
        expect(node.old.subscribers).toBe(100 + i);
        expect(node.pages.map((p: { history: unknown[] }) => p.history.at(-1))).toEqual([
          { date: DAY2, subscribers: 200 + i },
          { date: DAY2, subscribers: 200 + i },
        ]);
      }
      counts.push(statements);
    }
    expect(counts[1]).toBe(counts[0]);
    expect(counts[0]).toBeLessThanOrEqual(7);
  });
});
