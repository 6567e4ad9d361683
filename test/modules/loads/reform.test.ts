import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { addDays, today } from '../../../src/modules/figures/dates.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { findRollupMismatches } from '../../../src/modules/loads/pipeline/sql/verify.js';
import { MUNICIPAL_FORMATIONS_2024_CSV, OKTMO_MO_2019_CSV, parseMoList, parseMunicipalFormations } from '../../../src/modules/oktmo/tree.js';
import { useTestDatabase } from '../../helpers/database.js';
import { data } from '../../helpers/executor.js';
import { csv, writeLoad } from '../../helpers/loads.js';

const { pool } = await useTestDatabase();

/**
 * A real reform: Кологривский муниципальный район (Костромская область, 34612000) became
 * Кологривский муниципальный округ (34512000) in 2022; its settlements were abolished. The 2019
 * shape and the 2024 okrug are read from the reference files, not typed in.
 */
const DISTRICT = '34612000';
const OKRUG = '34512000';
const NEIGHBOUR = '34602000'; // Антроповский муниципальный район: a district in 2019 and in 2024

const mo2019 = parseMoList(readFileSync(OKTMO_MO_2019_CSV, 'utf8'));
const formations = parseMunicipalFormations(readFileSync(MUNICIPAL_FORMATIONS_2024_CSV, 'utf8'));
const district2019 = mo2019.find((row) => row.code === DISTRICT)!;
const settlements2019 = mo2019.filter((row) => !row.isGroup && row.parentCode === DISTRICT);
const okrug2024 = formations.find((row) => row.code === OKRUG && row.yearTo === 9999)!;
const neighbour2019 = mo2019.find((row) => row.code === NEIGHBOUR)!;

const TERRITORY_HEADER = 'code,parent_code,level,name,status';
const ORGANISATION_HEADER = 'external_id,name,kind,territory_code,sector_code,inn,ogrn';
const day = (n: number) => addDays(today(), n);

/** The 2019 shape: the region, the district with its settlements, and a neighbouring district. */
const TREE_2019 = csv('code,parent_code,level,name', [
  ['RU', null, 'FEDERATION', 'Российская Федерация'],
  ['FD-CENTRAL', 'RU', 'FEDERAL_DISTRICT', 'Центральный федеральный округ'],
  ['34000000', 'FD-CENTRAL', 'REGION', 'Костромская область'],
  [DISTRICT, '34000000', 'MUNICIPAL_DISTRICT', district2019?.name],
  ...settlements2019.map((s) => [s.code, DISTRICT, s.kind === 'urban_settlement' ? 'URBAN_SETTLEMENT' : 'RURAL_SETTLEMENT', s.name]),
  [NEIGHBOUR, '34000000', 'MUNICIPAL_DISTRICT', neighbour2019?.name],
]);

/** Organisations of the district (on the district itself and on three settlements) and one of the neighbour. */
const PLACEMENT_2019: [string, string, string, string][] = [
  ['k-admin', 'Администрация Кологривского района', 'administration', DISTRICT],
  ['k-school', 'Школа г. Кологрива', 'education', settlements2019[0]?.code],
  ['k-club', 'Дом культуры', 'culture', settlements2019[1]?.code],
  ['k-library', 'Библиотека', 'culture', settlements2019[2]?.code],
  ['a-school', 'Школа Антропово', 'education', NEIGHBOUR],
];
const organisations = (placement: [string, string, string, string][], where: (row: [string, string, string, string]) => string) =>
  csv(
    ORGANISATION_HEADER,
    placement.map((row) => [row[0], row[1], row[0] === 'k-admin' ? 'AUTHORITY' : 'INSTITUTION', where(row), row[2], null, null]),
  );

const PAGES = csv('platform,external_id,organisation_external_id,url,name,verified,status', [
  ['VK', 'k_admin', 'k-admin', 'https://vk.com/k_admin', 'Администрация', 'true', 'ACTIVE'],
  ['OK', 'k_admin', 'k-admin', 'https://ok.ru/k_admin', 'Администрация', 'false', 'ACTIVE'],
  ['VK', 'k_school', 'k-school', 'https://vk.com/k_school', 'Школа', 'true', 'ACTIVE'],
  ['TELEGRAM', 'k_school', 'k-school', 'https://t.me/k_school', 'Школа', 'false', 'ACTIVE'],
  ['VK', 'k_club', 'k-club', 'https://vk.com/k_club', 'ДК', 'false', 'ACTIVE'],
  ['OK', 'k_library', 'k-library', 'https://ok.ru/k_library', 'Библиотека', 'false', 'ARCHIVED'],
  ['VK', 'a_school', 'a-school', 'https://vk.com/a_school', 'Школа', 'true', 'ACTIVE'],
]);

const OBSERVATIONS = csv(
  'platform,external_id,subscribers,observed_on',
  [
    ['VK', 'k_admin', [1200, 1250, 1300]],
    ['OK', 'k_admin', [400, 380, 410]],
    ['VK', 'k_school', [300, 340, 360]],
    ['TELEGRAM', 'k_school', [50, 90, 120]],
    ['VK', 'k_club', [200, 210, 205]],
    ['OK', 'k_library', [70, 75, 80]],
    ['VK', 'a_school', [500, 510, 530]],
  ].flatMap(([platform, id, counts]) => (counts as number[]).map((n, i) => [platform as string, id as string, n, day(-28 + 14 * i)])),
);

/** Every figure of a territory the API gives: now, as of a past day, per platform and sector, history and growth. */
async function figures(code: string) {
  const { territory } = await data(`{
    territory(code: "${code}") {
      stats { subscribers pages organisations organisationsWithPages
        byPlatform { platform { code } subscribers pages organisations }
        bySector { sector { code } subscribers pages organisations organisationsWithPages } }
      past: stats(at: "${day(-20)}") { subscribers pages organisationsWithPages }
      covered: stats(platforms: ["VK", "OK", "TELEGRAM"]) { subscribers organisationsWithPages }
      history(from: "${day(-30)}", to: "${day(0)}", interval: WEEK) { date subscribers }
      growth(from: "${day(-30)}", to: "${day(0)}") { subscribersFrom subscribersTo change }
    }
  }`);
  return territory;
}

async function snapshot(db: pg.Pool): Promise<string> {
  const { rows } = await db.query(
    `SELECT md5(string_agg(x, '|' ORDER BY x)) AS f FROM (
       SELECT t::text AS x FROM territory t UNION ALL SELECT o::text FROM organisation o
       UNION ALL SELECT r::text FROM territory_page_rollup r UNION ALL SELECT r::text FROM territory_organisation_rollup r
       UNION ALL SELECT r::text FROM territory_subscriber_change r) s`,
  );
  return rows[0].f;
}

let before: { district: unknown; region: unknown; neighbour: unknown };

beforeAll(async () => {
  const result = await importFolder(
    pool,
    await writeLoad({
      'territories.csv': TREE_2019,
      'sectors.csv': csv('code,name', [
        ['education', 'Образование'],
        ['culture', 'Культура'],
        ['administration', 'Органы власти'],
      ]),
      'organisations.csv': organisations(PLACEMENT_2019, (row) => row[3]),
      'pages.csv': PAGES,
      'observations.csv': OBSERVATIONS,
    }),
  );
  expect(result.errors).toEqual([]);
  before = { district: await figures(DISTRICT), region: await figures('34000000'), neighbour: await figures(NEIGHBOUR) };
});

describe('the reference files describe the reform', () => {
  it('has Kologriv as a district with settlements in 2019 and as a municipal okrug from 2022', () => {
    expect(district2019).toMatchObject({ kind: 'municipal_district', name: 'Кологривский муниципальный район' });
    expect(settlements2019.length).toBe(5);
    expect(formations.find((row) => row.code === DISTRICT)).toMatchObject({ level: 'MUNICIPAL_DISTRICT', yearTo: 2022 });
    expect(okrug2024).toMatchObject({ level: 'MUNICIPAL_OKRUG', yearFrom: 2022, name: 'Кологривский муниципальный округ' });
  });
});

describe('refusing unsafe retirements', () => {
  it('refuses to retire a territory that keeps organisations or active children, naming the line, and writes nothing', async () => {
    const start = await snapshot(pool);
    const result = await importFolder(
      pool,
      await writeLoad({
        'territories.csv': csv(TERRITORY_HEADER, [
          [OKRUG, '34000000', 'MUNICIPAL_OKRUG', okrug2024.name, null],
          [settlements2019[0].code, DISTRICT, 'URBAN_SETTLEMENT', settlements2019[0].name, 'RETIRED'],
          [DISTRICT, '34000000', 'MUNICIPAL_DISTRICT', district2019.name, 'RETIRED'],
        ]),
      }),
    );
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([
      {
        file: 'territories.csv',
        line: 3,
        column: 'status',
        reason: `cannot retire ${settlements2019[0].code}: 1 organisation stays in it (k-school); move them to a current territory in organisations.csv of this load`,
        code: 'INVALID',
      },
      {
        file: 'territories.csv',
        line: 4,
        column: 'status',
        reason: `cannot retire ${DISTRICT}: 4 active territories stay below it (${settlements2019
          .slice(1, 4)
          .map((s) => s.code)
          .join(', ')}, …); retire them or move them to another parent in this load`,
        code: 'INVALID',
      },
      {
        file: 'territories.csv',
        line: 4,
        column: 'status',
        reason: `cannot retire ${DISTRICT}: 1 organisation stays in it (k-admin); move them to a current territory in organisations.csv of this load`,
        code: 'INVALID',
      },
    ]);
    expect(await snapshot(pool)).toBe(start);
  });

  it('refuses an organisation moved into a territory the same load retires', async () => {
    const start = await snapshot(pool);
    const result = await importFolder(
      pool,
      await writeLoad({
        'territories.csv': csv(TERRITORY_HEADER, [[settlements2019[4].code, DISTRICT, 'RURAL_SETTLEMENT', settlements2019[4].name, 'RETIRED']]),
        'organisations.csv': organisations([PLACEMENT_2019[4]], () => settlements2019[4].code),
      }),
    );
    expect(result.errors).toEqual([
      {
        file: 'territories.csv',
        line: 2,
        column: 'status',
        reason: `cannot retire ${settlements2019[4].code}: 1 organisation stays in it (a-school); move them to a current territory in organisations.csv of this load`,
        code: 'INVALID',
      },
    ]);
    expect(await snapshot(pool)).toBe(start);
  });

  it('rejects a status other than ACTIVE or RETIRED', async () => {
    const result = await importFolder(
      pool,
      await writeLoad({ 'territories.csv': csv(TERRITORY_HEADER, [[DISTRICT, '34000000', 'MUNICIPAL_DISTRICT', 'x', 'ABOLISHED']]) }),
    );
    expect(result.errors).toEqual([{ file: 'territories.csv', line: 2, column: 'status', reason: 'must be ACTIVE or RETIRED', code: 'INVALID' }]);
  });
});

describe('applying the reform in one load', () => {
  beforeAll(async () => {
    // The okrug is created, every organisation of the district moves to it, the settlements and the district are retired.
    const result = await importFolder(
      pool,
      await writeLoad({
        'territories.csv': csv(TERRITORY_HEADER, [
          [OKRUG, '34000000', 'MUNICIPAL_OKRUG', okrug2024.name, 'ACTIVE'],
          [DISTRICT, '34000000', 'MUNICIPAL_DISTRICT', district2019.name, 'RETIRED'],
          ...settlements2019.map((s) => [s.code, DISTRICT, s.kind === 'urban_settlement' ? 'URBAN_SETTLEMENT' : 'RURAL_SETTLEMENT', s.name, 'RETIRED']),
        ]),
        'organisations.csv': organisations(
          PLACEMENT_2019.filter((row) => row[0].startsWith('k-')),
          () => OKRUG,
        ),
      }),
    );
    expect(result.errors).toEqual([]);
    expect(result.files.map((f) => [f.file, f.inserted, f.updated])).toEqual([
      ['territories.csv', 1, 6],
      ['organisations.csv', 0, 4],
    ]);
  });

  it('gives the okrug exactly the figures the district had, at every date, and leaves the rest unchanged', async () => {
    // What was under the district: 4 organisations, 5 active pages (the library’s one is archived), 1300+410+360+120+205.
    expect(before.district).toMatchObject({ stats: { subscribers: 2395, pages: 5, organisations: 4, organisationsWithPages: 3 } });
    expect((before.district as { history: unknown[] }).history.length).toBeGreaterThan(3);
    expect(await figures(OKRUG)).toEqual(before.district);
    expect(await figures('34000000')).toEqual(before.region);
    expect(await figures(NEIGHBOUR)).toEqual(before.neighbour);
    const retired = await figures(DISTRICT);
    expect(retired.stats).toMatchObject({ subscribers: 0, pages: 0, organisations: 0, byPlatform: [], bySector: [] });
    expect(retired.growth).toEqual({ subscribersFrom: 0, subscribersTo: 0, change: 0 });
  });

  it('keeps every rollup exact (npm run verify finds nothing)', async () => {
    expect(await findRollupMismatches(pool)).toEqual([]);
  });

  it('still finds the retired territories by code, with their status, and leaves them out of the lists', async () => {
    const result = await data(`{
      old: territory(code: "${DISTRICT}") { status level parent { code } children { totalCount } }
      okrug: territory(code: "${OKRUG}") { status level parent { code } organisations { totalCount } }
      settlement: territory(code: "${settlements2019[0].code}") { status parent { code } }
      region: territory(code: "34000000") { children { nodes { code status } } }
      list: territories(filter: { within: "34000000" }) { nodes { code } }
    }`);
    expect(result.old).toEqual({ status: 'RETIRED', level: 'MUNICIPAL_DISTRICT', parent: { code: '34000000' }, children: { totalCount: 0 } });
    expect(result.okrug).toEqual({ status: 'ACTIVE', level: 'MUNICIPAL_OKRUG', parent: { code: '34000000' }, organisations: { totalCount: 4 } });
    expect(result.settlement).toEqual({ status: 'RETIRED', parent: { code: DISTRICT } });
    expect(result.region.children.nodes).toEqual([
      { code: NEIGHBOUR, status: 'ACTIVE' },
      { code: OKRUG, status: 'ACTIVE' },
    ]);
    expect(result.list.nodes.map((n: { code: string }) => n.code).sort()).toEqual(['34000000', NEIGHBOUR, OKRUG].sort());
  });

  it('changes nothing when the same reform load comes again, and keeps a status left empty', async () => {
    const start = await snapshot(pool);
    const again = await importFolder(
      pool,
      await writeLoad({ 'territories.csv': csv('code,parent_code,level,name', [[DISTRICT, '34000000', 'MUNICIPAL_DISTRICT', district2019.name]]) }),
    );
    expect(again.files.map((f) => [f.inserted, f.updated, f.unchanged])).toEqual([[0, 0, 1]]);
    expect(await snapshot(pool)).toBe(start);
  });

  it('refuses organisations and active territories placed in a retired territory', async () => {
    const start = await snapshot(pool);
    const result = await importFolder(
      pool,
      await writeLoad({
        'territories.csv': csv(TERRITORY_HEADER, [['34612499', DISTRICT, 'RURAL_SETTLEMENT', 'Новое поселение', null]]),
        'organisations.csv': organisations([PLACEMENT_2019[0]], () => DISTRICT),
      }),
    );
    expect(result.errors).toEqual([
      {
        file: 'territories.csv',
        line: 2,
        column: 'parent_code',
        reason: `parent ${DISTRICT} is retired; place 34612499 under a current territory (or retire 34612499 too)`,
        code: 'INVALID',
      },
      {
        file: 'organisations.csv',
        line: 2,
        column: 'territory_code',
        reason: `territory ${DISTRICT} is retired; place the organisation in a current territory`,
        code: 'INVALID',
      },
    ]);
    expect(await snapshot(pool)).toBe(start);
  });
});
