import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasValidOktmoCheckDigit, isValidOktmoCode, oktmoCheckDigit } from '../../../src/modules/oktmo/checkDigit.js';
import { expandSubjectName, FEDERAL_DISTRICTS, federalDistrictOfRegion } from '../../../src/modules/oktmo/federalDistricts.js';
import { detectRosstatEncoding, parseRosstatOktmo, type RosstatRow, type RosstatTerritoryRow } from '../../../src/modules/oktmo/rosstat.js';
import { build2019Tree, buildReferenceTree, countByLevel, findTreeProblems, type Territory } from '../../../src/modules/oktmo/tree.js';
import { canBeParentOf, levelRank, TERRITORY_LEVELS } from '../../../src/modules/territory/levels.js';

const SAMPLE = fileURLToPath(new URL('../../../reference/oktmo/rosstat_oktmo_sample_01_03.csv', import.meta.url));
const TERRITORIES_CSV = fileURLToPath(new URL('../../../reference/territories.csv', import.meta.url));
const MO_2019 = fileURLToPath(new URL('../../../reference/oktmo/oktmo_mo_2019.csv', import.meta.url));

async function collect(filePath: string): Promise<RosstatRow[]> {
  const rows: RosstatRow[] = [];
  for await (const row of parseRosstatOktmo(filePath)) rows.push(row);
  return rows;
}

function territoriesOf(rows: readonly RosstatRow[]): RosstatTerritoryRow[] {
  return rows.filter((r): r is RosstatTerritoryRow => r.type === 'territory');
}

function countLevels(rows: readonly { level: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.level] = (counts[r.level] ?? 0) + 1;
  return counts;
}

let tempDir: string;
beforeAll(() => {
  tempDir = mkdtempSync(join(tmpdir(), 'gospubliki-oktmo-'));
});
afterAll(() => {
  rmSync(tempDir, { recursive: true, force: true });
});

describe('OKTMO control digit', () => {
  const sampleRows = parse(readFileSync(SAMPLE), { delimiter: ';', relax_quotes: true }) as string[][];

  it('verifies every row of the Rosstat sample (both sections)', () => {
    expect(sampleRows).toHaveLength(5690);
    const failures = sampleRows.filter(([ter, kod1, kod2, kod3, kc, razdel]) => {
      const code = `${ter}${kod1}${kod2}${razdel === '2' ? kod3 : ''}`;
      return oktmoCheckDigit(code) !== Number(kc);
    });
    expect(failures).toEqual([]);
  });

  it('computes known digits, including the second-pass (weights 3,4,5…) and 0 fallbacks', () => {
    expect(oktmoCheckDigit('17646000')).toBe(2); // Петушинский район, kc 2 in the 2019 list
    expect(oktmoCheckDigit('01601402')).toBe(5); // first remainder 10 → second pass
    expect(oktmoCheckDigit('01607411106')).toBe(0); // both remainders 10 → 0
  });

  it('rejects a mutated code', () => {
    expect(hasValidOktmoCheckDigit('01601402101', 9)).toBe(true); // п Алейский
    expect(hasValidOktmoCheckDigit('01601402102', 9)).toBe(false);
    expect(hasValidOktmoCheckDigit('01601412101', 9)).toBe(false);
    expect(hasValidOktmoCheckDigit('17646000', '2')).toBe(true);
    expect(hasValidOktmoCheckDigit('17646001', '2')).toBe(false);
    expect(hasValidOktmoCheckDigit('17646000', '3')).toBe(false);
  });

  it('finds exactly the 16 known source errors in the 2019 list', () => {
    const rows = parse(readFileSync(MO_2019), { columns: true }) as { code: string; kc: string }[];
    const mismatched = rows.filter((r) => !hasValidOktmoCheckDigit(r.code, r.kc)).map((r) => r.code);
    expect(mismatched).toHaveLength(16);
    expect(mismatched).toContain('22727000');
  });

  it('accepts only 8- or 11-digit codes', () => {
    expect(isValidOktmoCode('17646000')).toBe(true);
    expect(isValidOktmoCode('17646000101')).toBe(true);
    expect(isValidOktmoCode('1764600')).toBe(false);
    expect(isValidOktmoCode('176460001')).toBe(false);
    expect(isValidOktmoCode('1764600a')).toBe(false);
    expect(() => oktmoCheckDigit('123')).toThrow(RangeError);
  });
});

describe('territory levels', () => {
  it('has the levels in rank order', () => {
    expect(TERRITORY_LEVELS[0]).toBe('FEDERATION');
    expect(TERRITORY_LEVELS.at(-1)).toBe('LOCALITY');
    const ranks = TERRITORY_LEVELS.map(levelRank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(levelRank('MUNICIPAL_OKRUG')).toBe(3);
    expect(levelRank('RURAL_SETTLEMENT')).toBe(4);
  });

  it('allows parents of lower rank only, plus REGION under REGION', () => {
    expect(canBeParentOf('FEDERAL_DISTRICT', 'REGION')).toBe(true);
    expect(canBeParentOf('REGION', 'REGION')).toBe(true);
    expect(canBeParentOf('MUNICIPAL_DISTRICT', 'RURAL_SETTLEMENT')).toBe(true);
    expect(canBeParentOf('URBAN_OKRUG', 'LOCALITY')).toBe(true);
    expect(canBeParentOf('URBAN_OKRUG', 'MUNICIPAL_DISTRICT')).toBe(false);
    expect(canBeParentOf('LOCALITY', 'LOCALITY')).toBe(false);
    expect(canBeParentOf('RURAL_SETTLEMENT', 'MUNICIPAL_DISTRICT')).toBe(false);
  });
});

describe('federal districts and subjects', () => {
  it('maps regions to their federal district', () => {
    expect(FEDERAL_DISTRICTS).toHaveLength(8);
    expect(federalDistrictOfRegion('17000000')).toBe('FD-CENTRAL');
    expect(federalDistrictOfRegion('17')).toBe('FD-CENTRAL');
    expect(federalDistrictOfRegion('71800000')).toBe('FD-URAL');
    expect(federalDistrictOfRegion('35000000')).toBe('FD-SOUTHERN');
    expect(federalDistrictOfRegion('21000000')).toBeUndefined(); // ДНР: no federal district in the table
    expect(federalDistrictOfRegion('00000000')).toBeUndefined();
  });

  it('expands abbreviated subject names', () => {
    expect(expandSubjectName('Владимирская обл')).toBe('Владимирская область');
    expect(expandSubjectName('Респ Адыгея')).toBe('Республика Адыгея');
    expect(expandSubjectName('Удмуртская Респ')).toBe('Удмуртская Республика');
    expect(expandSubjectName('Респ Саха /Якутия/')).toBe('Республика Саха (Якутия)');
    expect(expandSubjectName('Чукотский АО')).toBe('Чукотский автономный округ');
    expect(expandSubjectName('Еврейская Аобл')).toBe('Еврейская автономная область');
    expect(expandSubjectName('г Москва')).toBe('Москва');
    expect(expandSubjectName('Ханты-Мансийский Автономный округ - Югра')).toBe('Ханты-Мансийский автономный округ — Югра');
  });
});

describe('Rosstat OKTMO parser', () => {
  let sampleRows: RosstatRow[];
  beforeAll(async () => {
    sampleRows = await collect(SAMPLE);
  });

  it('parses the sample without errors and with the expected counts', () => {
    expect(sampleRows.filter((r) => r.type === 'error')).toEqual([]);
    expect(countLevels(territoriesOf(sampleRows))).toEqual({
      REGION: 2,
      MUNICIPAL_DISTRICT: 96,
      URBAN_OKRUG: 18,
      URBAN_SETTLEMENT: 37,
      RURAL_SETTLEMENT: 992,
      LOCALITY: 3370,
    });
  });

  it('derives levels and parents of known rows', () => {
    const byCode = new Map(territoriesOf(sampleRows).map((r) => [r.code, r]));
    expect(byCode.get('01000000')).toMatchObject({ parentCode: 'FD-SIBERIAN', level: 'REGION', name: 'Алтайский край' });
    expect(byCode.get('03000000')).toMatchObject({ parentCode: 'FD-SOUTHERN', level: 'REGION' });
    expect(byCode.get('01601000')).toMatchObject({ parentCode: '01000000', level: 'MUNICIPAL_DISTRICT' });
    expect(byCode.get('01601402')).toMatchObject({ parentCode: '01601000', level: 'RURAL_SETTLEMENT' });
    expect(byCode.get('01601402101')).toEqual({
      type: 'territory',
      code: '01601402101',
      parentCode: '01601402',
      level: 'LOCALITY',
      name: 'п Алейский',
      line: 8,
    });
    expect(byCode.get('01701000141')).toMatchObject({ parentCode: '01701000', level: 'LOCALITY' });
    expect(byCode.get('03731000')).toMatchObject({ parentCode: '03000000', level: 'URBAN_OKRUG', name: 'Сириус' });
    expect(byCode.get('03624421116')?.name).toBe('п отделения № 1 свх "Новосергиевский"');
  });

  it('leaves no orphan: every parent is a parsed code or a federal district', () => {
    const rows = territoriesOf(sampleRows);
    const codes = new Set(rows.map((r) => r.code));
    const orphans = rows.filter((r) => !codes.has(r.parentCode) && !r.parentCode.startsWith('FD-'));
    expect(orphans).toEqual([]);
  });

  it('parses the same file converted to cp1251 identically', async () => {
    const cp1251Path = join(tempDir, 'sample-cp1251.csv');
    const utf8Text = readFileSync(SAMPLE, 'utf8');
    const encoded = iconv.encode(utf8Text, 'win1251');
    expect(iconv.decode(encoded, 'win1251')).toBe(utf8Text); // the conversion is lossless
    writeFileSync(cp1251Path, encoded);

    expect(await detectRosstatEncoding(SAMPLE)).toBe('utf8');
    expect(await detectRosstatEncoding(cp1251Path)).toBe('win1251');
    expect(await collect(cp1251Path)).toEqual(sampleRows);
  });

  describe('on a synthetic file', () => {
    /** One Rosstat line with a correct control digit unless `kc` is given. */
    function line(ter: string, kod1: string, kod2: string, kod3: string, razdel: 1 | 2, name: string, kc?: number): string {
      const code = `${ter}${kod1}${kod2}${razdel === 2 ? kod3 : ''}`;
      const digit = kc ?? oktmoCheckDigit(code);
      return `"${ter}";"${kod1}";"${kod2}";"${kod3}";"${digit}";"${razdel}";"${name}";;;"000";"0";14.06.2013;01.01.2014`;
    }

    let rows: RosstatRow[];
    beforeAll(async () => {
      const lines = [
        line('11', '000', '000', '000', 1, 'Муниципальные образования Архангельской области'),
        line('11', '800', '000', '000', 1, 'Муниципальные образования Ненецкого автономного округа'),
        line('11', '810', '000', '000', 1, 'Муниципальные районы Ненецкого автономного округа'),
        line('11', '811', '000', '000', 1, 'Муниципальный район Заполярный район'),
        line('11', '811', '400', '000', 1, 'Сельские поселения муниципального района Заполярный район/'),
        line('11', '811', '431', '101', 2, 'д Андег'), // listed before its settlement
        line('11', '811', '431', '000', 1, 'Андегский сельсовет'),
        line('11', '811', '431', '000', 2, 'Населенные пункты, входящие в состав Андегского сельсовета'),
        line('11', '811', '440', '106', 2, 'д Сирота'), // its settlement 11811440 is absent
        line('11', '811', '432', '000', 1, 'Плохой сельсовет', (oktmoCheckDigit('11811432') + 1) % 10),
        line('11', '851', '000', '000', 1, 'город Нарьян-Мар'),
        '"11";"852";"000"',
        line('21', '000', '000', '000', 1, 'Муниципальные образования Донецкой Народной Республики'),
        line('45', '300', '000', '000', 1, 'Внутригородские муниципальные образования города Москвы'),
        line('45', '301', '000', '000', 1, 'муниципальный округ Академический'),
        line('45', '953', '000', '000', 1, 'поселение Вороновское'),
        line('46', '500', '000', '000', 1, 'Муниципальные округа Московской области'),
        line('46', '501', '000', '000', 1, 'Тестовый муниципальный округ'),
        line('71', '900', '000', '000', 1, 'Муниципальные районы и городские округа Ямало-Ненецкого автономного округа'),
        line('71', '916', '000', '000', 1, 'Надымский муниципальный район'),
        line('71', '916', '701', '000', 1, 'Межселенная территория Надымского муниципального района'),
        line('71', '951', '000', '000', 1, 'город Салехард'),
        line('71', '951', '000', '001', 2, 'г Салехард'),
      ];
      const filePath = join(tempDir, 'synthetic.csv');
      writeFileSync(filePath, `${lines.join('\r\n')}\r\n`);
      rows = await collect(filePath);
    });

    function find(code: string): RosstatTerritoryRow | undefined {
      return territoriesOf(rows).find((r) => r.code === code);
    }

    it('handles nested autonomous okrugs', () => {
      expect(find('11000000')).toMatchObject({ level: 'REGION', parentCode: 'FD-NORTHWESTERN', name: 'Архангельская область' });
      expect(find('11800000')).toMatchObject({ level: 'REGION', parentCode: '11000000', name: 'Ненецкий автономный округ' });
      expect(find('11811000')).toMatchObject({ level: 'MUNICIPAL_DISTRICT', parentCode: '11800000' });
      expect(find('11851000')).toMatchObject({ level: 'URBAN_OKRUG', parentCode: '11800000' });
      expect(find('71900000')).toMatchObject({ level: 'REGION', parentCode: '71000000' });
      expect(find('71916000')).toMatchObject({ level: 'MUNICIPAL_DISTRICT', parentCode: '71900000' });
      expect(find('71916701')).toMatchObject({ level: 'INTER_SETTLEMENT_TERRITORY', parentCode: '71916000' });
      expect(find('71951000')).toMatchObject({ level: 'URBAN_OKRUG', parentCode: '71900000' });
      expect(find('71951000001')).toMatchObject({ level: 'LOCALITY', parentCode: '71951000' });
    });

    it('resolves locality parents regardless of order and falls back to the nearest ancestor', () => {
      expect(find('11811431101')).toMatchObject({ parentCode: '11811431', line: 6 });
      expect(find('11811440106')).toMatchObject({ parentCode: '11811000' });
    });

    it('derives federal-city territories and municipal okrugs from the digits', () => {
      expect(find('45301000')).toMatchObject({ level: 'INTRACITY_TERRITORY', parentCode: '45000000' });
      expect(find('45953000')).toMatchObject({ level: 'INTRACITY_TERRITORY' });
      expect(find('46501000')).toMatchObject({ level: 'MUNICIPAL_OKRUG', parentCode: '46000000' });
    });

    it('puts a subject without federal district directly under RU', () => {
      expect(find('21000000')).toMatchObject({ level: 'REGION', parentCode: 'RU', name: 'Донецкая Народная Республика' });
    });

    it('skips headings and reports bad rows with their line', () => {
      const codes = territoriesOf(rows).map((r) => r.code);
      expect(codes).not.toContain('11810000');
      expect(codes).not.toContain('11811400');
      expect(codes).not.toContain('45300000');
      expect(codes).not.toContain('46500000');
      expect(codes).not.toContain('11811431000');
      const errors = rows.filter((r) => r.type === 'error');
      expect(errors).toHaveLength(2);
      expect(errors[0]).toMatchObject({ line: 10 });
      expect(errors[0]?.type === 'error' && errors[0].message).toMatch(/control digit/);
      expect(errors[1]).toMatchObject({ line: 12 });
    });
  });
});

describe('territory tree: the 2024 second level over the 2019 list', () => {
  let territories: Territory[];
  let byCode: Map<string, Territory>;
  beforeAll(() => {
    territories = buildReferenceTree().territories;
    byCode = new Map(territories.map((t) => [t.code, t]));
  });

  it('has RU as the single root, 8 federal districts and 85 regions', () => {
    expect(territories[0]).toEqual({ code: 'RU', parentCode: null, level: 'FEDERATION', name: 'Российская Федерация' });
    const districts = territories.filter((t) => t.level === 'FEDERAL_DISTRICT');
    expect(districts).toHaveLength(8);
    expect(districts.every((d) => d.parentCode === 'RU')).toBe(true);
    expect(territories.filter((t) => t.level === 'REGION')).toHaveLength(85);
    expect(territories.length).toBeGreaterThan(17_000);
    expect(territories.length).toBeLessThan(19_000);
  });

  it('has the second level of 2024-01-01: 2,594 formations, 395 ± 5 municipal okrugs, 582 ± 5 urban okrugs', () => {
    const counts = countByLevel(territories);
    expect(counts.get('MUNICIPAL_OKRUG')).toBeGreaterThanOrEqual(390);
    expect(counts.get('MUNICIPAL_OKRUG')).toBeLessThanOrEqual(400);
    expect(counts.get('URBAN_OKRUG')).toBeGreaterThanOrEqual(577);
    expect(counts.get('URBAN_OKRUG')).toBeLessThanOrEqual(587);
    expect(counts.get('MUNICIPAL_DISTRICT')).toBe(1350);
    expect(counts.get('INTRACITY_TERRITORY')).toBe(267);
  });

  it('ships exactly that tree in reference/territories.csv (rebuild it with src/cli/build-reference.ts)', () => {
    const shipped = (parse(readFileSync(TERRITORIES_CSV), { columns: true, bom: true }) as Record<string, string>[]).map(
      (row): Territory => ({ code: row.code, parentCode: row.parent_code || null, level: row.level as Territory['level'], name: row.name }),
    );
    expect(shipped).toEqual(territories);
    const counts = countByLevel(shipped);
    expect(counts.get('MUNICIPAL_OKRUG')).toBe(395);
    expect(counts.get('URBAN_OKRUG')).toBe(582);
  });

  it('keeps 2019 settlements only under formations that are still municipal districts', () => {
    const levels = new Map(territories.map((t) => [t.code, t.level]));
    for (const t of territories) {
      if (t.level === 'URBAN_SETTLEMENT' || t.level === 'RURAL_SETTLEMENT' || t.level === 'INTER_SETTLEMENT_TERRITORY') {
        expect(levels.get(t.parentCode ?? ''), t.code).toBe('MUNICIPAL_DISTRICT');
      }
      if (t.level === 'INTRACITY_DISTRICT') expect(levels.get(t.parentCode ?? ''), t.code).toBe('URBAN_OKRUG');
    }
    // Кологривский район (Костромская область) became Кологривский муниципальный округ in 2022.
    expect(byCode.has('34612000')).toBe(false);
    expect(territories.some((t) => t.parentCode === '34612000')).toBe(false);
    expect(byCode.get('34512000')).toEqual({ code: '34512000', parentCode: '34000000', level: 'MUNICIPAL_OKRUG', name: 'Кологривский муниципальный округ' });
    // Petushki district is still a district with its settlements; the 2019 tree had them too.
    const old = new Map(build2019Tree().territories.map((t) => [t.code, t]));
    expect(old.get('34612000')?.level).toBe('MUNICIPAL_DISTRICT');
    expect(territories.filter((t) => t.parentCode === '17646000').length).toBe([...old.values()].filter((t) => t.parentCode === '17646000').length);
    expect(byCode.get('17701000')?.name).toBe('город Владимир'); // the list's "городской округ " prefix is dropped
  });

  it('counts what the 2024 layer left out', () => {
    const { report } = buildReferenceTree();
    expect(report.formations).toBe(2594);
    expect(report.settlementsKept + report.settlementsUnderOkrugs + report.settlementsUnderGone).toBe(
      build2019Tree().territories.filter((t) => ['URBAN_SETTLEMENT', 'RURAL_SETTLEMENT', 'INTER_SETTLEMENT_TERRITORY'].includes(t.level)).length,
    );
    expect(report.settlementsUnderGone).toBeGreaterThan(3000);
  });

  it('places Vladimir region and Petushki district', () => {
    expect(byCode.get('17000000')).toEqual({
      code: '17000000',
      parentCode: 'FD-CENTRAL',
      level: 'REGION',
      name: 'Владимирская область',
    });
    expect(byCode.get('17646000')).toEqual({
      code: '17646000',
      parentCode: '17000000',
      level: 'MUNICIPAL_DISTRICT',
      name: 'Петушинский муниципальный район',
    });
    expect(territories.filter((t) => t.parentCode === '17000000')).toHaveLength(21);
  });

  it('nests the autonomous okrugs under their regions', () => {
    expect(byCode.get('11800000')).toMatchObject({ level: 'REGION', parentCode: '11000000' });
    expect(byCode.get('71800000')).toMatchObject({ level: 'REGION', parentCode: '71000000' });
    expect(byCode.get('71900000')).toMatchObject({ level: 'REGION', parentCode: '71000000' });
  });

  it('has no orphans, duplicates or invalid level order, parents listed first', () => {
    expect(findTreeProblems(territories)).toEqual([]);
  });

  it('leaves out headings and stale rows', () => {
    expect(byCode.has('17600000')).toBe(false); // "Муниципальные районы Владимирской области"
    expect(byCode.has('53614000')).toBe(false);
    expect([...byCode.keys()].some((code) => code.startsWith('53614'))).toBe(false);
  });

  it('detects problems in a broken tree', () => {
    const broken: Territory[] = [
      { code: 'RU', parentCode: null, level: 'FEDERATION', name: 'RU' },
      { code: '17000000', parentCode: 'RU', level: 'REGION', name: 'x' },
      { code: '17646000', parentCode: '17646400', level: 'MUNICIPAL_DISTRICT', name: 'x' },
      { code: '17646401', parentCode: '17000000', level: 'RURAL_SETTLEMENT', name: 'x' },
      { code: '17646402', parentCode: '17646401', level: 'MUNICIPAL_DISTRICT', name: 'x' },
    ];
    const problems = findTreeProblems(broken);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/17646000: parent 17646400 missing/);
    expect(problems[1]).toMatch(/17646402: MUNICIPAL_DISTRICT cannot sit under RURAL_SETTLEMENT/);
  });
});
