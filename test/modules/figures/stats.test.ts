import { beforeAll, describe, expect, it } from 'vitest';
import { addDays, today } from '../../../src/modules/figures/dates.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { findRollupMismatches } from '../../../src/modules/loads/pipeline/sql/verify.js';
import { SECTORS, SMALL_TREE } from '../../fixtures/smallTree.js';
import { useTestDatabase } from '../../helpers/database.js';
import { execute } from '../../helpers/executor.js';
import { csv, writeLoad } from '../../helpers/loads.js';

const { pool } = await useTestDatabase();

/**
 * A hand-made load whose figures are worked out by hand below (the definitions are in docs/aggregation.md). Days are
 * offsets from D0, a Monday about six weeks ago (so ISO weeks are known and `at` is recent).
 */
const D0 = (() => {
  const start = addDays(today(), -45);
  const weekday = (new Date(`${start}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(start, -weekday);
})();
const d = (n: number) => addDays(D0, n);

const ORGANISATIONS = csv('external_id,name,kind,territory_code,sector_code,inn,ogrn', [
  ['A', 'Школа № 1 г. Петушки', 'INSTITUTION', '17646101', 'education', null, null],
  ['B', 'Дом культуры г. Петушки', 'INSTITUTION', '17646101', 'culture', null, null],
  ['C', 'Администрация Петушинского района', 'AUTHORITY', '17646000', 'administration', null, null],
  ['D', 'Школа № 2 г. Владимира', 'INSTITUTION', '17701000', 'education', null, null],
  ['E', 'Библиотека г. Владимира', 'INSTITUTION', '17701000', 'culture', null, null], // no pages at all
]);
const PAGES = csv('platform,external_id,organisation_external_id,url,name,verified,status', [
  ['VK', 'a_vk', 'A', 'https://vk.com/a_vk', 'Школа 1', 'true', 'ACTIVE'],
  ['TELEGRAM', 'a_tg', 'A', 'https://t.me/a_tg', 'Школа 1', 'false', 'ACTIVE'],
  ['OK', 'a_ok', 'A', 'https://ok.ru/a_ok', 'Школа 1 (старая)', 'false', 'ARCHIVED'],
  ['VK', 'b_vk', 'B', 'https://vk.com/b_vk', 'ДК', 'false', 'ACTIVE'], // never observed
  ['OK', 'b_ok', 'B', 'https://ok.ru/b_ok', 'ДК (старая)', 'false', 'ARCHIVED'],
  ['VK', 'c_vk', 'C', 'https://vk.com/c_vk', 'Администрация', 'true', 'ACTIVE'],
  ['MAX', 'c_max', 'C', 'https://max.ru/c_max', 'Администрация', 'false', 'ACTIVE'],
  ['VK', 'd_vk', 'D', 'https://vk.com/d_vk', 'Школа 2', 'true', 'ACTIVE'],
  ['OK', 'd_ok', 'D', 'https://ok.ru/d_ok', 'Школа 2', 'false', 'ACTIVE'],
]);
const OBSERVATIONS = csv('platform,external_id,subscribers,observed_on', [
  ['VK', 'a_vk', 100, d(0)],
  ['VK', 'a_vk', 150, d(9)],
  ['VK', 'a_vk', 170, d(19)],
  ['TELEGRAM', 'a_tg', 40, d(4)],
  ['TELEGRAM', 'a_tg', 50, d(19)],
  ['OK', 'a_ok', 1000, d(0)],
  ['OK', 'b_ok', 500, d(3)],
  ['VK', 'c_vk', 300, d(14)],
  ['MAX', 'c_max', 7, d(1)],
  ['MAX', 'c_max', 9, d(11)],
  ['VK', 'd_vk', 2000, d(2)],
  ['VK', 'd_vk', 2100, d(24)],
  ['OK', 'd_ok', 60, d(24)],
]);

const STATS = `subscribers pages organisations organisationsWithPages
  byPlatform { platform { code } subscribers pages organisations }
  bySector { sector { code } subscribers pages organisations organisationsWithPages }`;

async function stats(code: string, args = '') {
  const response = await execute(`{ territory(code: "${code}") { stats${args ? `(${args})` : ''} { ${STATS} } } }`);
  expect(response.errors).toBeUndefined();
  return response.data.territory.stats;
}

async function subscribersAt(code: string, at: string): Promise<number> {
  return (await stats(code, `at: "${at}"`)).subscribers;
}

beforeAll(async () => {
  const result = await importFolder(
    pool,
    await writeLoad({
      'territories.csv': SMALL_TREE,
      'sectors.csv': SECTORS,
      'organisations.csv': ORGANISATIONS,
      'pages.csv': PAGES,
      'observations.csv': OBSERVATIONS,
    }),
  );
  expect(result.errors).toEqual([]);
});

describe('Territory.stats', () => {
  it('gives the figures of the whole subtree at the root', async () => {
    expect(await stats('RU')).toEqual({
      subscribers: 2689, // 170 + 50 + 0 (b_vk, never observed) + 300 + 9 + 2100 + 60; archived a_ok and b_ok count nowhere
      pages: 7,
      organisations: 5,
      organisationsWithPages: 4, // E has no page
      byPlatform: [
        { platform: { code: 'VK' }, subscribers: 2570, pages: 4, organisations: 4 },
        { platform: { code: 'OK' }, subscribers: 60, pages: 1, organisations: 1 },
        { platform: { code: 'TELEGRAM' }, subscribers: 50, pages: 1, organisations: 1 },
        { platform: { code: 'MAX' }, subscribers: 9, pages: 1, organisations: 1 },
      ],
      bySector: [
        { sector: { code: 'education' }, subscribers: 2380, pages: 4, organisations: 2, organisationsWithPages: 2 },
        { sector: { code: 'administration' }, subscribers: 309, pages: 2, organisations: 1, organisationsWithPages: 1 },
        { sector: { code: 'culture' }, subscribers: 0, pages: 1, organisations: 2, organisationsWithPages: 1 },
      ],
    });
  });

  it('gives the same figures at every ancestor of the data, and each subtree its own', async () => {
    const root = await stats('RU');
    expect(await stats('FD-CENTRAL')).toEqual(root);
    expect(await stats('17000000')).toEqual(root);
    expect(await stats('17646000')).toMatchObject({ subscribers: 529, pages: 5, organisations: 3, organisationsWithPages: 3 });
    expect(await stats('17646101')).toMatchObject({ subscribers: 220, pages: 3, organisations: 2, organisationsWithPages: 2 });
    expect(await stats('17701000')).toMatchObject({ subscribers: 2160, pages: 2, organisations: 2, organisationsWithPages: 1 });
  });

  it('narrows by platforms and sectors; the platform filter does not narrow organisations', async () => {
    expect(await stats('RU', 'platforms: ["VK"], sectors: ["culture"]')).toEqual({
      subscribers: 0,
      pages: 1,
      organisations: 2,
      organisationsWithPages: 1,
      byPlatform: [{ platform: { code: 'VK' }, subscribers: 0, pages: 1, organisations: 1 }],
      bySector: [{ sector: { code: 'culture' }, subscribers: 0, pages: 1, organisations: 2, organisationsWithPages: 1 }],
    });
    // Only d_ok is an active OK page (a_ok and b_ok are archived).
    expect(await stats('RU', 'platforms: ["ok"]')).toEqual({
      subscribers: 60,
      pages: 1,
      organisations: 5,
      organisationsWithPages: 1,
      byPlatform: [{ platform: { code: 'OK' }, subscribers: 60, pages: 1, organisations: 1 }],
      bySector: [
        { sector: { code: 'education' }, subscribers: 60, pages: 1, organisations: 2, organisationsWithPages: 1 },
        { sector: { code: 'administration' }, subscribers: 0, pages: 0, organisations: 1, organisationsWithPages: 0 },
        { sector: { code: 'culture' }, subscribers: 0, pages: 0, organisations: 2, organisationsWithPages: 0 },
      ],
    });
    expect(await stats('17646000', 'platforms: ["TELEGRAM", "MAX"], sectors: ["education", "administration"]')).toMatchObject({
      subscribers: 59,
      pages: 2,
      organisations: 2,
      organisationsWithPages: 2,
    });
    // Empty lists mean no filter, as everywhere in the API.
    expect(await stats('RU', 'platforms: [], sectors: []')).toEqual(await stats('RU'));
  });

  it('moves only the subscriber figures back in time with `at`', async () => {
    const then = await stats('RU', `at: "${d(9)}"`);
    // a_vk 150, a_tg 40, c_max 7, d_vk 2000; c_vk and d_ok not observed yet.
    expect(then).toMatchObject({ subscribers: 2197, pages: 7, organisations: 5, organisationsWithPages: 4 });
    expect(then.byPlatform.map((p: { platform: { code: string }; subscribers: number }) => [p.platform.code, p.subscribers])).toEqual([
      ['VK', 2150],
      ['TELEGRAM', 40],
      ['MAX', 7],
      ['OK', 0],
    ]);
    expect(await subscribersAt('RU', d(-1))).toBe(0);
    expect(await subscribersAt('RU', d(0))).toBe(100); // a_ok's 1000 is archived
    expect(await subscribersAt('RU', d(24))).toBe(2689);
    expect(await subscribersAt('RU', addDays(today(), 30))).toBe(2689);
    expect(await subscribersAt('17646000', d(14))).toBe(150 + 40 + 300 + 9);
    // Far in the past (figures computed forward from the first change rather than back from now).
    expect(await subscribersAt('RU', '2000-01-01')).toBe(0);
  });
});

describe('Territory.history and growth', () => {
  it('gives the figure as of each day', async () => {
    const response = await execute(`{ territory(code: "RU") { history(from: "${d(0)}", to: "${d(4)}") { date subscribers } } }`);
    expect(response.errors).toBeUndefined();
    expect(response.data.territory.history).toEqual([
      { date: d(0), subscribers: 100 },
      { date: d(1), subscribers: 107 },
      { date: d(2), subscribers: 2107 },
      { date: d(3), subscribers: 2107 },
      { date: d(4), subscribers: 2147 },
    ]);
  });

  it('puts WEEK points on Sundays and the last one on `to`', async () => {
    const response = await execute(`{ territory(code: "RU") { history(from: "${d(0)}", to: "${d(19)}", interval: WEEK) { date subscribers } } }`);
    expect(response.errors).toBeUndefined();
    expect(response.data.territory.history).toEqual([
      { date: d(6), subscribers: 2147 },
      { date: d(13), subscribers: 2199 },
      { date: d(19), subscribers: 2529 },
    ]);
  });

  it('agrees with stats(at:) on every point, by day, week and month, filtered', async () => {
    for (const interval of ['DAY', 'WEEK', 'MONTH']) {
      const response = await execute(
        `{ territory(code: "17000000") { history(from: "${d(-3)}", to: "${d(40)}", interval: ${interval}, platforms: ["VK", "MAX"], sectors: ["administration", "education"]) { date subscribers } } }`,
      );
      expect(response.errors).toBeUndefined();
      const points: { date: string; subscribers: number }[] = response.data.territory.history;
      expect(points.at(-1)!.date).toBe(d(40));
      for (const point of points) {
        const figure = await stats('17000000', `at: "${point.date}", platforms: ["VK", "MAX"], sectors: ["administration", "education"]`);
        expect(point.subscribers, `${interval} ${point.date}`).toBe(figure.subscribers);
      }
    }
  });

  it('gives growth between two days', async () => {
    const response = await execute(`{ territory(code: "RU") {
      growth(from: "${d(9)}", to: "${d(24)}") { from to subscribersFrom subscribersTo change relativeChange }
      flat: growth(from: "${d(30)}", to: "${d(30)}") { change relativeChange }
      empty: growth(from: "2000-01-01", to: "${d(0)}") { subscribersFrom subscribersTo change relativeChange } } }`);
    expect(response.errors).toBeUndefined();
    expect(response.data.territory.growth).toEqual({
      from: d(9),
      to: d(24),
      subscribersFrom: 2197,
      subscribersTo: 2689,
      change: 492,
      relativeChange: 492 / 2197,
    });
    expect(response.data.territory.flat).toEqual({ change: 0, relativeChange: 0 });
    expect(response.data.territory.empty).toEqual({ subscribersFrom: 0, subscribersTo: 100, change: 100, relativeChange: null });
  });
});

describe('Organisation.stats and Page.history', () => {
  it("gives an organisation's figures from its own active pages", async () => {
    const response = await execute(`{
      a: organisation(externalId: "A") { stats { ${STATS} } }
      aOk: organisation(externalId: "A") { stats(platforms: ["OK"]) { ${STATS} } }
      aThen: organisation(externalId: "A") { stats(at: "${d(9)}") { subscribers pages } }
      e: organisation(externalId: "E") { stats { ${STATS} } } }`);
    expect(response.errors).toBeUndefined();
    expect(response.data.a.stats).toEqual({
      subscribers: 220,
      pages: 2,
      organisations: 1,
      organisationsWithPages: 1,
      byPlatform: [
        { platform: { code: 'VK' }, subscribers: 170, pages: 1, organisations: 1 },
        { platform: { code: 'TELEGRAM' }, subscribers: 50, pages: 1, organisations: 1 },
      ],
      bySector: [{ sector: { code: 'education' }, subscribers: 220, pages: 2, organisations: 1, organisationsWithPages: 1 }],
    });
    // a_ok is archived: nothing on OK.
    expect(response.data.aOk.stats).toEqual({
      subscribers: 0,
      pages: 0,
      organisations: 1,
      organisationsWithPages: 0,
      byPlatform: [],
      bySector: [{ sector: { code: 'education' }, subscribers: 0, pages: 0, organisations: 1, organisationsWithPages: 0 }],
    });
    expect(response.data.aThen.stats).toEqual({ subscribers: 190, pages: 2 });
    expect(response.data.e.stats).toMatchObject({ subscribers: 0, pages: 0, organisations: 1, organisationsWithPages: 0, byPlatform: [] });
  });

  it("gives a page's history from its observations, archived or not", async () => {
    const response = await execute(`{
      vk: page(platform: "VK", externalId: "a_vk") { history(from: "${d(-1)}", to: "${d(10)}", interval: WEEK) { date subscribers } }
      archived: page(platform: "OK", externalId: "a_ok") { history(from: "${d(0)}", to: "${d(1)}") { date subscribers } }
      never: page(platform: "VK", externalId: "b_vk") { history(from: "${d(0)}", to: "${d(0)}") { date subscribers } } }`);
    expect(response.errors).toBeUndefined();
    expect(response.data.vk.history).toEqual([
      { date: d(-1), subscribers: 0 }, // the Sunday before D0
      { date: d(6), subscribers: 100 },
      { date: d(10), subscribers: 150 },
    ]);
    expect(response.data.archived.history).toEqual([
      { date: d(0), subscribers: 1000 },
      { date: d(1), subscribers: 1000 },
    ]);
    expect(response.data.never.history).toEqual([{ date: d(0), subscribers: 0 }]);
  });
});

describe('input errors', () => {
  const expectBadInput = async (query: string, message: RegExp) => {
    const response = await execute(query);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toMatch(message);
  };

  it('rejects unknown platform and sector codes, listing the known ones', async () => {
    await expectBadInput('{ territory(code: "RU") { stats(platforms: ["VK", "FACEBOOK"]) { pages } } }', /"FACEBOOK".*MAX, OK, TELEGRAM, VK/);
    await expectBadInput('{ territory(code: "RU") { stats(sectors: ["sport"]) { pages } } }', /"sport".*administration, culture, education/);
    await expectBadInput(`{ territory(code: "RU") { history(from: "${d(0)}", to: "${d(1)}", platforms: ["X"]) { date } } }`, /"X"/);
  });

  it('rejects a range that ends before it starts, and a history over three years', async () => {
    await expectBadInput(`{ territory(code: "RU") { history(from: "${d(5)}", to: "${d(1)}") { date } } }`, /after `to`/);
    await expectBadInput(`{ territory(code: "RU") { growth(from: "${d(5)}", to: "${d(1)}") { change } } }`, /after `to`/);
    await expectBadInput('{ territory(code: "RU") { history(from: "2020-01-01", to: "2024-01-01") { date } } }', /at most 1096 days/);
    await expectBadInput(`{ page(platform: "VK", externalId: "a_vk") { history(from: "${d(5)}", to: "${d(1)}") { date } } }`, /after `to`/);
    await expectBadInput('{ organisation(externalId: "A") { stats(platforms: ["FB"]) { pages } } }', /"FB"/);
  });
});

describe('sums past 2^31', () => {
  it('stays exact', async () => {
    const load = await writeLoad({
      'territories.csv': csv('code,parent_code,level,name', [['17725000', '17000000', 'URBAN_OKRUG', 'город Ковров']]),
      'organisations.csv': csv('external_id,name,kind,territory_code,sector_code,inn,ogrn', [
        ['F', 'Администрация г. Коврова', 'AUTHORITY', '17725000', 'administration', null, null],
      ]),
      'pages.csv': csv('platform,external_id,organisation_external_id,url,name,verified,status', [
        ['VK', 'f_vk', 'F', 'https://vk.com/f_vk', 'Ковров', 'true', 'ACTIVE'],
        ['OK', 'f_ok', 'F', 'https://ok.ru/f_ok', 'Ковров', 'true', 'ACTIVE'],
        ['TELEGRAM', 'f_tg', 'F', 'https://t.me/f_tg', 'Ковров', 'true', 'ACTIVE'],
        ['MAX', 'f_max', 'F', 'https://max.ru/f_max', 'Ковров', 'true', 'ACTIVE'],
      ]),
      'observations.csv': csv('platform,external_id,subscribers,observed_on', [
        ['VK', 'f_vk', 2_000_000_000, d(20)],
        ['OK', 'f_ok', 2_000_000_000, d(20)],
        ['TELEGRAM', 'f_tg', 2_000_000_000, d(21)],
        ['MAX', 'f_max', 2_147_483_647, d(21)],
      ]),
    });
    expect((await importFolder(pool, load)).errors).toEqual([]);
    const big = 3 * 2_000_000_000 + 2_147_483_647;
    expect(await stats('17725000')).toMatchObject({ subscribers: big, pages: 4, organisations: 1, organisationsWithPages: 1 });
    const root = await stats('RU');
    expect(root.subscribers).toBe(2689 + big);
    expect(root.byPlatform).toEqual([
      { platform: { code: 'MAX' }, subscribers: 9 + 2_147_483_647, pages: 2, organisations: 2 },
      { platform: { code: 'VK' }, subscribers: 2570 + 2_000_000_000, pages: 5, organisations: 5 },
      { platform: { code: 'OK' }, subscribers: 60 + 2_000_000_000, pages: 2, organisations: 2 },
      { platform: { code: 'TELEGRAM' }, subscribers: 50 + 2_000_000_000, pages: 2, organisations: 2 },
    ]);
    expect(root.bySector[0]).toMatchObject({ sector: { code: 'administration' }, subscribers: 309 + big });
    expect(await subscribersAt('RU', d(20))).toBe(2529 + 4_000_000_000); // a_vk 170, a_tg 50, c_vk 300, c_max 9, d_vk 2000
    const response = await execute(`{ territory(code: "RU") { growth(from: "${d(19)}", to: "${d(21)}") { change } } }`);
    expect(response.data.territory.growth.change).toBe(big);
    expect(await findRollupMismatches(pool)).toEqual([]);
  });
});
