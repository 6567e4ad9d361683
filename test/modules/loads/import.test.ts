import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { findRollupMismatches } from '../../../src/modules/loads/pipeline/sql/verify.js';
import { rosstatToLoadFolder } from '../../../src/modules/oktmo/loadFolder.js';
import { SECTORS, SMALL_TREE } from '../../fixtures/smallTree.js';
import { useTestDatabase } from '../../helpers/database.js';
import { csv, writeLoad } from '../../helpers/loads.js';
import { snapshot } from '../../helpers/snapshot.js';

const { url, pool } = await useTestDatabase();
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

const ORGANISATION_HEADER = 'external_id,name,kind,territory_code,sector_code,inn,ogrn';
const PAGE_HEADER = 'platform,external_id,organisation_external_id,url,name,verified,status';
const OBSERVATION_HEADER = 'platform,external_id,subscribers,observed_on';

/** A load of `n` schools in Petushki, each with a VK page and two observations. */
function manyOrganisations(n: number) {
  const organisations = [];
  const pages = [];
  const observations = [];
  for (let i = 1; i <= n; i++) {
    organisations.push([`school-${i}`, `МБОУ СОШ №${i}`, 'INSTITUTION', i % 2 ? '17646101' : '17701000', 'education', null, null]);
    pages.push(['VK', `club${i}`, `school-${i}`, `https://vk.com/club${i}`, `Школа №${i}`, 'true', 'ACTIVE']);
    observations.push(['VK', `club${i}`, 100 + i, '2026-10-01'], ['VK', `club${i}`, 110 + i, '2026-10-15']);
  }
  return {
    'organisations.csv': csv(ORGANISATION_HEADER, organisations),
    'pages.csv': csv(PAGE_HEADER, pages),
    'observations.csv': csv(OBSERVATION_HEADER, observations),
  };
}

beforeAll(async () => {
  const result = await importFolder(pool, await writeLoad({ 'territories.csv': SMALL_TREE, 'sectors.csv': SECTORS }));
  expect(result.errors).toEqual([]);
});

describe('bulk import', () => {
  it('loads thousands of rows and a second run of the same folder changes nothing', async () => {
    const folder = await writeLoad(manyOrganisations(2000));
    const first = await importFolder(pool, folder);
    expect(first.ok).toBe(true);
    expect(first.files.map((f) => [f.file, f.inserted])).toEqual([
      ['organisations.csv', 2000],
      ['pages.csv', 2000],
      ['observations.csv', 4000],
    ]);
    const before = await snapshot(pool);
    const second = await importFolder(pool, folder);
    expect(second.files.map((f) => [f.inserted, f.updated, f.unchanged])).toEqual([
      [0, 0, 2000],
      [0, 0, 2000],
      [0, 0, 4000],
    ]);
    expect(await snapshot(pool)).toEqual(before);
    expect(await findRollupMismatches(pool)).toEqual([]);
  });

  it('rejects a load with one bad row among thousands, names it, and leaves every table unchanged', async () => {
    const files = manyOrganisations(3000);
    const lines = files['observations.csv'].split('\n');
    lines[4321] = 'VK,club2160,-5,2026-10-01';
    files['observations.csv'] = lines.join('\n');
    const before = await snapshot(pool);
    const result = await importFolder(pool, await writeLoad(files));
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([{ file: 'observations.csv', line: 4322, column: 'subscribers', reason: 'must be a non-negative integer', code: 'INVALID' }]);
    expect(result.files.find((f) => f.file === 'observations.csv')?.rejected).toBe(1);
    expect(await snapshot(pool)).toEqual(before);
  });

  it('exits 1 from the command line listing the bad row as file:line: column: reason', async () => {
    const folder = await writeLoad({
      'organisations.csv': csv(ORGANISATION_HEADER, [
        ['cli-1', 'Школа', 'INSTITUTION', '17646101', 'education', '7707083894', null],
        ['cli-2', 'Школа 2', 'INSTITUTION', '17646101', 'education', null, null],
      ]),
    });
    const before = await snapshot(pool);
    const failure = await run('npx', ['tsx', 'src/cli/import.ts', folder], { cwd: ROOT, env: { ...process.env, DATABASE_URL: url } }).catch(
      (error: { code: number; stdout: string }) => error,
    );
    expect('code' in failure && failure.code).toBe(1);
    expect(failure.stdout).toContain('organisations.csv:2: inn: not a valid INN');
    expect(failure.stdout).toContain('nothing was written');
    expect(await snapshot(pool)).toEqual(before);
  });

  it('reports every kind of bad row with its line and reason', async () => {
    const folder = await writeLoad({
      'territories.csv': csv('code,parent_code,level,name', [
        ['17646102', '17646000', 'URBAN_SETTLEMENT', 'Посёлок'],
        ['1764610', '17646000', 'URBAN_SETTLEMENT', 'Короткий код'],
        ['17646103', '99999999', 'RURAL_SETTLEMENT', 'Без родителя'],
        ['17646104', '17646101', 'MUNICIPAL_DISTRICT', 'Район в поселении'],
        ['17646102', '17646000', 'URBAN_SETTLEMENT', 'Дубль'],
        ['17646105', '17646000', 'VILLAGE', 'Деревня'],
      ]),
      'organisations.csv': csv(ORGANISATION_HEADER, [
        ['bad-1', 'Школа', 'SCHOOL', '17646101', 'education', null, null],
        ['bad-2', 'Школа', 'INSTITUTION', '00000000', 'education', null, '1027700132194'],
        ['bad-3', 'Школа', 'INSTITUTION', '17646101', 'sport', null, null],
      ]),
      'pages.csv': csv(PAGE_HEADER, [
        ['VK', 'p1', 'bad-3', 'https://ok.ru/group/1', 'Страница', 'true', 'ACTIVE'],
        ['FACEBOOK', 'p2', 'bad-3', 'https://facebook.com/x', 'Страница', 'true', 'ACTIVE'],
        ['VK', 'p3', 'nobody', 'https://vk.com/p3', 'Страница', 'yes', 'ACTIVE'],
      ]),
      'observations.csv': csv(OBSERVATION_HEADER, [
        ['VK', 'club1', '12', '2099-01-01'],
        ['VK', 'club1', '12', '2026-02-30'],
        ['VK', 'nope', '12', '2026-02-03'],
        ['VK', 'club1', '12', '0000-01-01'],
      ]),
    });
    const before = await snapshot(pool);
    const result = await importFolder(pool, folder);
    const lines = result.errors.map((e) => `${e.file}:${e.line}: ${e.column}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        'territories.csv:3: code',
        'territories.csv:7: level',
        'organisations.csv:2: kind',
        'organisations.csv:3: ogrn',
        'pages.csv:2: url',
        'pages.csv:3: platform',
        'pages.csv:4: verified',
        'observations.csv:2: observed_on',
        'observations.csv:3: observed_on',
        'observations.csv:5: observed_on',
      ]),
    );
    expect(await snapshot(pool)).toEqual(before);
  });

  it('checks references, duplicates and level order once the rows themselves are valid', async () => {
    const result = await importFolder(
      pool,
      await writeLoad({
        'territories.csv': csv('code,parent_code,level,name', [
          ['17646103', '99999999', 'RURAL_SETTLEMENT', 'Без родителя'],
          ['17646104', '17646101', 'MUNICIPAL_DISTRICT', 'Район в поселении'],
          ['17646104', '17646000', 'RURAL_SETTLEMENT', 'Дубль'],
        ]),
        'organisations.csv': csv(ORGANISATION_HEADER, [['ref-1', 'Школа', 'INSTITUTION', '17646199', 'sport', null, null]]),
        'pages.csv': csv(PAGE_HEADER, [['VK', 'ref-p', 'nobody', 'https://vk.com/ref-p', 'Страница', 'true', 'ACTIVE']]),
        'observations.csv': csv(OBSERVATION_HEADER, [['VK', 'ghost', '1', '2026-01-01']]),
      }),
    );
    expect(result.errors.map((e) => `${e.file}:${e.line}: ${e.column}: ${e.reason}`)).toEqual(
      expect.arrayContaining([
        'territories.csv:2: parent_code: unknown parent territory "99999999"',
        'territories.csv:4: code: duplicate key "17646104" (first given on line 3)',
        'organisations.csv:2: territory_code: unknown territory "17646199"',
        'organisations.csv:2: sector_code: unknown sector "sport"',
        'pages.csv:2: organisation_external_id: unknown organisation "nobody"',
        'observations.csv:2: external_id: unknown page "VK ghost"',
      ]),
    );
    expect(result.errors.some((e) => e.file === 'territories.csv' && e.column === 'level' && e.reason.includes('cannot be placed under'))).toBe(true);
  });

  it('refuses unknown and missing columns', async () => {
    const result = await importFolder(pool, await writeLoad({ 'sectors.csv': 'code,title\neducation,Образование\n' }));
    expect(result.errors.map((e) => `${e.line}: ${e.column}: ${e.reason}`)).toEqual([
      '1: title: unknown column (expected code,name)',
      '1: name: missing column',
    ]);
  });

  it('counts lines from where a record starts, across quoted values spanning lines and CRLF endings', async () => {
    const text = [
      'external_id,name,kind,territory_code,sector_code,inn,ogrn',
      'ml-1,"Школа\r\nс переносом\r\nстрок",INSTITUTION,17646101,education,,',
      'ml-2,Школа,INSTITUTION,17646101,education,123,',
      '',
      'ml-3,"Ещё ""одна""\nшкола",SCHOOL,17646101,education,,',
    ].join('\r\n');
    const result = await importFolder(pool, await writeLoad({ 'organisations.csv': text + '\r\n' }));
    // ml-1 spans lines 2–4, ml-2 is line 5, line 6 is empty, ml-3 spans lines 7–8.
    expect(result.errors.map((e) => `${e.line}: ${e.column}`)).toEqual(['5: inn', '7: kind']);
  });

  it('reports a bad URL, a NUL character, malformed CSV and an empty file as bad rows instead of failing', async () => {
    const before = await snapshot(pool);
    const result = await importFolder(
      pool,
      await writeLoad({
        'sectors.csv': '',
        'organisations.csv': csv(ORGANISATION_HEADER, [['nul-1', 'Школа\u0000', 'INSTITUTION', '17646101', 'education', null, null]]),
        'pages.csv': csv(PAGE_HEADER, [['VK', 'p-bad-url', 'school-1', 'not a url', 'Страница', null, null]]),
        'observations.csv': 'platform,external_id,subscribers,observed_on\nVK,club1,10,2026-01-01\nVK,"club2,10,2026-01-02\n',
      }),
    );
    expect(result.ok).toBe(false);
    expect(result.errors.map((e) => `${e.file}:${e.line}: ${e.column}`)).toEqual([
      'sectors.csv:1: *',
      'organisations.csv:2: name',
      'pages.csv:2: url',
      'observations.csv:3: *',
    ]);
    expect(result.errors[0].reason).toContain('header row is required');
    expect(result.errors[3].reason).toContain('malformed CSV');
    expect(await snapshot(pool)).toEqual(before);
  });

  it('keeps a page archived and verified when a later load leaves those cells empty', async () => {
    const load = (verified: string | null, status: string | null) =>
      writeLoad({ 'pages.csv': csv(PAGE_HEADER, [['OK', '7007', 'school-7', 'https://ok.ru/group/7007', 'Школа №7', verified, status]]) });
    expect((await importFolder(pool, await load('true', 'ARCHIVED'))).ok).toBe(true);
    const second = await importFolder(pool, await load(null, null));
    expect(second.files[0]).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
    const { rows } = await pool.query(`SELECT verified, status FROM page WHERE external_id = '7007'`);
    expect(rows).toEqual([{ verified: true, status: 'ARCHIVED' }]);
    expect(await findRollupMismatches(pool)).toEqual([]);
  });

  it('loads a child listed before its parent', async () => {
    const result = await importFolder(
      pool,
      await writeLoad({
        'territories.csv': csv('code,parent_code,level,name', [
          ['17652404', '17652000', 'RURAL_SETTLEMENT', 'Сельское поселение Вяткинское'],
          ['17652000', '17000000', 'MUNICIPAL_DISTRICT', 'Судогодский муниципальный район'],
        ]),
      }),
    );
    expect(result.errors).toEqual([]);
    const { rows } = await pool.query(
      `SELECT c.depth, p.code AS parent, array_length(c.path, 1) AS path_length FROM territory c JOIN territory p ON p.id = c.parent_id WHERE c.code = '17652404'`,
    );
    expect(rows).toEqual([{ depth: 4, parent: '17652000', path_length: 5 }]);
  });

  it('refuses a cycle and leaves the tree as it was', async () => {
    await importFolder(
      pool,
      await writeLoad({
        'territories.csv': csv('code,parent_code,level,name', [
          ['11000000', 'FD-CENTRAL', 'REGION', 'Архангельская область'],
          ['11800000', '11000000', 'REGION', 'Ненецкий автономный округ'],
        ]),
      }),
    );
    const before = await snapshot(pool);
    const result = await importFolder(
      pool,
      await writeLoad({ 'territories.csv': csv('code,parent_code,level,name', [['11000000', '11800000', 'REGION', 'Архангельская область']]) }),
    );
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([
      { file: 'territories.csv', line: 2, column: 'parent_code', reason: 'territory 11000000 would be its own ancestor (a cycle)', code: 'INVALID' },
    ]);
    expect(await snapshot(pool)).toEqual(before);
  });

  it('validates and counts in a dry run without writing anything', async () => {
    const before = await snapshot(pool);
    const result = await importFolder(pool, await writeLoad(manyOrganisations(2100)), { dryRun: true });
    expect(result.ok).toBe(true);
    expect(result.dryRun).toBe(true);
    expect(result.files.map((f) => [f.file, f.inserted, f.unchanged])).toEqual([
      ['organisations.csv', 100, 2000],
      ['pages.csv', 100, 2000],
      ['observations.csv', 200, 4000],
    ]);
    expect(await snapshot(pool)).toEqual(before);
  });

  it('accepts the official Rosstat OKTMO file and attaches regions to their federal districts', async () => {
    const converted = await rosstatToLoadFolder(fileURLToPath(new URL('../../../reference/oktmo/rosstat_oktmo_sample_01_03.csv', import.meta.url)));
    expect(converted.errors).toEqual([]);
    const result = await importFolder(pool, converted.folder);
    expect(result.errors).toEqual([]);
    const { rows } = await pool.query(
      `SELECT t.code, t.level, p.code AS parent FROM territory t JOIN territory p ON p.id = t.parent_id WHERE t.code IN ('01000000', '03000000') ORDER BY t.code`,
    );
    expect(rows).toEqual([
      { code: '01000000', level: 'REGION', parent: 'FD-SIBERIAN' },
      { code: '03000000', level: 'REGION', parent: 'FD-SOUTHERN' },
    ]);
    const localities = await pool.query(`SELECT count(*)::int AS n FROM territory WHERE level = 'LOCALITY' AND code LIKE '01%'`);
    expect(localities.rows[0].n).toBeGreaterThan(1000);
  });
});
