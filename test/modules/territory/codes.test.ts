import { beforeAll, describe, expect, it } from 'vitest';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { findRollupMismatches } from '../../../src/modules/loads/pipeline/sql/verify.js';
import { codeProblemForLevel, territoryCode } from '../../../src/modules/territory/code.js';
import { TERRITORY_LEVELS, type TerritoryLevelName } from '../../../src/modules/territory/levels.js';
import { useTestDatabase } from '../../helpers/database.js';
import { data, inputError } from '../../helpers/executor.js';
import { csv, writeLoad } from '../../helpers/loads.js';

const { pool } = await useTestDatabase();

const TERRITORY_HEADER = 'code,parent_code,level,name';
const DISTRICT_NAMES = ['Центральный', 'Северо-Западный', 'Южный', 'Северо-Кавказский', 'Приволжский', 'Уральский', 'Сибирский', 'Дальневосточный'];

/** The federation, eight federal districts coded FD1…FD8, two more coded ЦФО and FD_X, and a region under FD1. */
const FD_TREE = csv(TERRITORY_HEADER, [
  ['RU', null, 'FEDERATION', 'Российская Федерация'],
  ...DISTRICT_NAMES.map((name, i) => [`FD${i + 1}`, 'RU', 'FEDERAL_DISTRICT', `${name} федеральный округ`]),
  ['ЦФО', 'RU', 'FEDERAL_DISTRICT', 'Округ с кириллическим кодом'],
  ['FD_X', 'RU', 'FEDERAL_DISTRICT', 'Округ с подчёркиванием'],
  ['17000000', 'FD1', 'REGION', 'Владимирская область'],
  ['17646000', '17000000', 'MUNICIPAL_DISTRICT', 'Петушинский муниципальный район'],
  ['17646101', '17646000', 'URBAN_SETTLEMENT', 'Город Петушки'],
]);

beforeAll(async () => {
  const result = await importFolder(
    pool,
    await writeLoad({
      'territories.csv': FD_TREE,
      'sectors.csv': csv('code,name', [['education', 'Образование']]),
      'organisations.csv': csv('external_id,name,kind,territory_code,sector_code,inn,ogrn', [
        ['school-1', 'МБОУ СОШ №1', 'INSTITUTION', '17646101', 'education', null, null],
      ]),
    }),
  );
  expect(result.errors).toEqual([]);
});

describe('federal district codes of the data’s choosing', () => {
  it('applies a load with federal districts coded FD1…FD8 (and Cyrillic or underscore codes), rollups exact', async () => {
    const { rows } = await pool.query(
      `SELECT t.code, p.code AS parent FROM territory t JOIN territory p ON p.id = t.parent_id WHERE t.level = 'FEDERAL_DISTRICT' ORDER BY t.code`,
    );
    expect(rows.map((r) => r.code)).toEqual(['FD_X', 'FD1', 'FD2', 'FD3', 'FD4', 'FD5', 'FD6', 'FD7', 'FD8', 'ЦФО'].sort());
    expect(new Set(rows.map((r) => r.parent))).toEqual(new Set(['RU']));
    expect(await findRollupMismatches(pool)).toEqual([]);
  });

  it('finds those codes through territory(code:) and the filters, in any letter case', async () => {
    const { fd1, cyrillic, lower, underscore } = await data(`{
      fd1: territory(code: "fd1") { code level children { nodes { code } } stats { organisations } }
      cyrillic: territory(code: "ЦФО") { code name }
      lower: territory(code: "цфо") { code }
      underscore: territory(code: "fd_x") { code }
    }`);
    expect(fd1).toEqual({ code: 'FD1', level: 'FEDERAL_DISTRICT', children: { nodes: [{ code: '17000000' }] }, stats: { organisations: 1 } });
    expect(cyrillic).toEqual({ code: 'ЦФО', name: 'Округ с кириллическим кодом' });
    expect(lower).toEqual({ code: 'ЦФО' });
    expect(underscore).toEqual({ code: 'FD_X' });

    const { within, parent, organisations } = await data(`{
      within: territories(filter: { within: "Fd1", levels: [URBAN_SETTLEMENT] }) { nodes { code } }
      parent: territories(filter: { parentCode: "ru" }) { totalCount }
      organisations(filter: { within: "fd1" }) { nodes { externalId } }
    }`);
    expect(within.nodes).toEqual([{ code: '17646101' }]);
    expect(parent.totalCount).toBe(10);
    expect(organisations.nodes).toEqual([{ externalId: 'school-1' }]);
  });

  it('refuses API arguments that cannot be a code, saying what a code looks like', async () => {
    for (const bad of ['17', 'ФД 1', 'FD.1', '12345', 'X'.repeat(41)]) {
      const message = await inputError(`{ territory(code: ${JSON.stringify(bad)}) { code } }`);
      expect(message).toMatch(/is not a territory code/);
      expect(message).toMatch(/8 digits/);
      expect(message).toMatch(/federal district/);
    }
    expect(territoryCode(' фд1 ', 'code')).toBe('ФД1');
  });
});

/** Codes per level: each row is [level, a code it accepts, codes it refuses]. */
const SHAPES: [TerritoryLevelName, string, string[]][] = [
  ['FEDERATION', 'RU', ['FD1', 'ru', '00000000', 'RUS']],
  ['FEDERAL_DISTRICT', 'FD1', ['17000000', '17646101001', 'RU', 'fd1', 'фд1', '12', 'FD 1', 'FD.1', '-', 'X'.repeat(41)]],
  ['REGION', '17000000', ['FD1', 'RU', '1700000', '17000000000', 'ЦФО']],
  ['MUNICIPAL_DISTRICT', '17646000', ['RU', 'FD1', '17646', '17646000001']],
  ['MUNICIPAL_OKRUG', '17525000', ['FD-CENTRAL', '175250000']],
  ['URBAN_OKRUG', '17701000', ['RU', 'ЦФО']],
  ['INTRACITY_TERRITORY', '45301000', ['FD1']],
  ['INTRACITY_DISTRICT', '36701305', ['FD1']],
  ['URBAN_SETTLEMENT', '17646101', ['17646101001', 'FD1']],
  ['RURAL_SETTLEMENT', '17646404', ['RU']],
  ['INTER_SETTLEMENT_TERRITORY', '11614701', ['FD1']],
  ['LOCALITY', '17646101001', ['17646101', 'FD1', 'RU']],
];

describe('a code must have the shape its level needs', () => {
  it('covers every level', () => {
    expect(SHAPES.map(([level]) => level)).toEqual([...TERRITORY_LEVELS]);
  });

  it.each(SHAPES)('%s accepts %s and refuses the other shapes, saying what it needs', (level, good, bads) => {
    expect(codeProblemForLevel(good, level)).toBeUndefined();
    for (const bad of bads) {
      const problem = codeProblemForLevel(bad, level);
      expect(problem, `${level} ${bad}`).toBeDefined();
      if (level === 'FEDERATION') expect(problem).toMatch(/is RU/);
      else if (level === 'FEDERAL_DISTRICT') expect(problem).toMatch(/FD1|upper case|federation's code/);
      else expect(problem).toMatch(level === 'LOCALITY' ? /11-digit OKTMO code/ : /8-digit OKTMO code/);
    }
  });

  it('refuses a load with wrong-shape codes, one error per bad row naming its line, and writes nothing', async () => {
    const before = await pool.query('SELECT count(*)::int AS n FROM territory');
    const rows: [string, string, string, string][] = [
      ['FD1', 'FD2', 'REGION', 'Регион с кодом округа'],
      ['RU', '17000000', 'MUNICIPAL_DISTRICT', 'Район с кодом федерации'],
      ['17000000', 'RU', 'FEDERAL_DISTRICT', 'Округ с кодом OKTMO'],
      ['фд9', 'RU', 'FEDERAL_DISTRICT', 'Округ со строчными буквами'],
      ['17646101', '17646000', 'LOCALITY', 'Населённый пункт с кодом поселения'],
      ['RU', 'FD1', 'FEDERAL_DISTRICT', 'Округ с кодом федерации'],
    ];
    const result = await importFolder(pool, await writeLoad({ 'territories.csv': csv(TERRITORY_HEADER, rows) }));
    expect(result.ok).toBe(false);
    const codeErrors = result.errors.filter((e) => e.column === 'code');
    expect(codeErrors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(codeErrors[0].reason).toBe('a territory of level REGION needs its 8-digit OKTMO code (such as 17000000), not "FD1"');
    expect(codeErrors[1].reason).toMatch(/MUNICIPAL_DISTRICT needs its 8-digit OKTMO code/);
    expect(codeErrors[2].reason).toMatch(/FEDERAL_DISTRICT needs a code that is not an OKTMO number .* such as FD1, FD-CENTRAL or ЦФО/);
    expect(codeErrors[3].reason).toBe('write the letters of a code in upper case: "ФД9", not "фд9"');
    expect(codeErrors[4].reason).toMatch(/LOCALITY needs its 11-digit OKTMO code/);
    expect(codeErrors[5].reason).toMatch(/RU is the federation's code/);
    expect((await pool.query('SELECT count(*)::int AS n FROM territory')).rows).toEqual(before.rows);
  });

  it('keeps accepting the FD-… codes of earlier loads', async () => {
    const result = await importFolder(
      pool,
      await writeLoad({ 'territories.csv': csv(TERRITORY_HEADER, [['FD-NORTH-CAUCASIAN', 'RU', 'FEDERAL_DISTRICT', 'Северо-Кавказский федеральный округ']]) }),
    );
    expect(result.errors).toEqual([]);
    expect((await data('{ territory(code: "fd-north-caucasian") { level } }')).territory).toEqual({ level: 'FEDERAL_DISTRICT' });
  });
});
