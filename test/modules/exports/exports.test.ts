import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { onQuery } from '../../../src/db/prisma.js';
import { readEdgeConfig } from '../../../src/modules/edge/config.js';
import { addDays, today } from '../../../src/modules/figures/dates.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { useTestDatabase } from '../../helpers/database.js';
import { api, createTestApi, data } from '../../helpers/executor.js';
import { csv, writeLoad } from '../../helpers/loads.js';
import { LoadModel, Rng } from '../../helpers/randomLoads.js';

const { pool } = await useTestDatabase();

/**
 * The spreadsheet exports: read back (CSV with csv-parse, XLSX with exceljs) they hold the same
 * numbers as the GraphQL fields they name; formula-like text is neutralised; refusals are JSON.
 */
const TODAY = today();
const FROM = addDays(TODAY, -120);
const TO = addDays(TODAY, -10);
const TRAPS = ['=HYPERLINK("http://evil.example","x")', '+7 (495) 000-00-00', '-1+1', '@SUM(A1)', '＝SUM(1)', 'Обычная "кавычка", запятая'];

beforeAll(async () => {
  const rng = new Rng(20261206);
  const model = new LoadModel(rng, TODAY);
  for (let n = 0; n < 6; n++) {
    const result = await importFolder(
      pool,
      await writeLoad(n === 0 ? model.initialLoad() : model.randomLoad({ organisations: 8, pages: 14, observations: 60 })),
    );
    expect(result.errors).toEqual([]);
  }
  // Organisations whose names a spreadsheet would take for formulas (no pages: each lacks every platform).
  const traps = await importFolder(
    pool,
    await writeLoad({
      'organisations.csv': csv(
        'external_id,name,kind,territory_code,sector_code,inn,ogrn',
        TRAPS.map((name, i) => [`trap-${i}`, name, 'OTHER', '01601101', 'culture', null, null]),
      ),
    }),
  );
  expect(traps.errors).toEqual([]);
}, 120_000);

async function get(path: string, init: RequestInit = {}): Promise<Response> {
  return api().fetch(`http://test${path}`, init);
}

const CHILD_FIELDS = `code name level
  stats { subscribers pages verifiedPages organisations organisationsWithPages byPlatform { platform { code } subscribers } }
  freshness { stalePages }
  compliance(required: ["VK", "OK"]) { compliant share }
  growth(from: "${FROM}", to: "${TO}") { change }`;

/** What a children export row should hold, from the GraphQL figures. */
async function expectedChildren(code: string): Promise<Record<string, string | number>[]> {
  const result = await data(`{ platforms { code } territory(code: "${code}") { children(first: 100) { nodes { ${CHILD_FIELDS} } } } }`);
  return result.territory.children.nodes.map((child: any) => {
    const row: Record<string, string | number> = { code: child.code, name: child.name, level: child.level };
    for (const { code: platform } of result.platforms) {
      row[`subscribers_${platform}`] = child.stats.byPlatform.find((p: any) => p.platform.code === platform)?.subscribers ?? 0;
    }
    Object.assign(row, {
      subscribers: child.stats.subscribers,
      pages: child.stats.pages,
      verified_pages: child.stats.verifiedPages,
      organisations: child.stats.organisations,
      organisations_with_pages: child.stats.organisationsWithPages,
      coverage: child.stats.organisations === 0 ? 0 : child.stats.organisationsWithPages / child.stats.organisations,
      stale_pages: child.freshness.stalePages,
      compliant: child.compliance.compliant,
      compliance: child.compliance.share,
      growth: child.growth.change,
    });
    return row;
  });
}

const TEXT = new Set(['code', 'name', 'level']);
const QUERY = `required=VK,OK&from=${FROM}&to=${TO}`;

describe('children exports', () => {
  for (const code of ['RU', '01000000', '01601000']) {
    it(`children.csv of ${code} is UTF-8 with a BOM and agrees with the GraphQL figures`, async () => {
      const response = await get(`/v1/exports/territories/${code}/children.csv?${QUERY}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(response.headers.get('content-disposition')).toContain(`children-${code}.csv`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = parse(Buffer.from(bytes), {
        bom: true,
        columns: true,
        cast: (value, context) => (context.header || TEXT.has(String(context.column)) ? value : Number(value)),
      });
      const expected = await expectedChildren(code);
      expect(expected.length).toBeGreaterThan(0);
      expect(rows).toEqual(expected);
    });

    it(`children.xlsx of ${code} has a frozen header row and numbers as numbers, equal to the GraphQL figures`, async () => {
      const response = await get(`/v1/exports/territories/${code}/children.xlsx?${QUERY}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as any);
      const sheet = workbook.worksheets[0]!;
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
      expect(sheet.getRow(1).font?.bold).toBe(true);
      const rows: Record<string, unknown>[] = [];
      sheet.eachRow((row, number) => {
        if (number === 1) return;
        const values = (row.values as unknown[]).slice(1);
        rows.push(Object.fromEntries(header.map((name, i) => [name, values[i]])));
      });
      const expected = await expectedChildren(code);
      expect(rows).toEqual(expected);
      for (const row of rows) for (const name of ['subscribers', 'pages', 'coverage', 'compliance', 'growth']) expect(typeof row[name]).toBe('number');
    });
  }

  it('without required or from/to has no compliance or growth column; platforms narrows the subscriber columns', async () => {
    const response = await get('/v1/exports/territories/RU/children.csv?platforms=vk,TELEGRAM&sectors=culture');
    expect(response.status).toBe(200);
    const [header] = parse(Buffer.from(await response.arrayBuffer()), { bom: true, to_line: 1 }) as string[][];
    expect(header).toEqual([
      'code',
      'name',
      'level',
      'subscribers_VK',
      'subscribers_TELEGRAM',
      'subscribers',
      'pages',
      'verified_pages',
      'organisations',
      'organisations_with_pages',
      'coverage',
      'stale_pages',
    ]);
  });
});

describe('organisations exports', () => {
  it('organisations.csv?missingPlatforms=VK,OK lists the non-compliant, as organisations(filter:) does, formulas neutralised', async () => {
    const response = await get('/v1/exports/territories/01000000/organisations.csv?missingPlatforms=VK,OK');
    expect(response.status).toBe(200);
    const rows = parse(Buffer.from(await response.arrayBuffer()), { bom: true, columns: true }) as Record<string, string>[];
    const listed = await data(
      '{ organisations(first: 100, filter: { within: "01000000", missingPlatforms: ["VK", "OK"] }) { totalCount nodes { externalId pages(status: ACTIVE) { platform { code } } } } }',
    );
    expect(listed.organisations.totalCount).toBeLessThanOrEqual(100);
    expect(rows.map((row) => row.external_id).sort()).toEqual(listed.organisations.nodes.map((o: any) => o.externalId).sort());
    for (const organisation of listed.organisations.nodes) {
      const row = rows.find((r) => r.external_id === organisation.externalId)!;
      const has = new Set(organisation.pages.map((p: any) => p.platform.code));
      expect(row.missing.split(', ').filter(Boolean)).toEqual(['VK', 'OK'].filter((p) => !has.has(p)));
    }
    // Every trap is there, neutralised by a leading quote where a spreadsheet would evaluate it.
    const names = new Map(rows.filter((r) => r.external_id.startsWith('trap-')).map((r) => [r.external_id, r.name]));
    expect(names.get('trap-0')).toBe(`'${TRAPS[0]}`);
    expect(names.get('trap-1')).toBe(`'${TRAPS[1]}`);
    expect(names.get('trap-2')).toBe(`'${TRAPS[2]}`);
    expect(names.get('trap-3')).toBe(`'${TRAPS[3]}`);
    expect(names.get('trap-4')).toBe(`'${TRAPS[4]}`);
    expect(names.get('trap-5')).toBe(TRAPS[5]);
  });

  it('lists a whole region by territory code, then name and id, across batches and territories (each read by keyset)', async () => {
    // 235 organisations over three territories of region 04, names repeating (ties broken by id), so batches of 100 cross territories.
    const spread: [string, number][] = [
      ['04601101', 130],
      ['04601401', 45],
      ['04701000', 60],
    ];
    const rows = spread.flatMap(([territory, n]) =>
      Array.from({ length: n }, (_, i) => [`order-${territory}-${i}`, `Школа № ${(i * 7) % 23}`, 'INSTITUTION', territory, 'sport', null, null]),
    );
    const load = await importFolder(pool, await writeLoad({ 'organisations.csv': csv('external_id,name,kind,territory_code,sector_code,inn,ogrn', rows) }));
    expect(load.errors).toEqual([]);
    // The order the export promises, computed by one statement that sorts the whole subtree.
    const expected = await pool.query<{ external_id: string; code: string }>(
      `SELECT o.external_id, t.code FROM organisation o JOIN territory t ON t.id = o.territory_id
        WHERE t.path @> ARRAY[(SELECT id FROM territory WHERE code = '04000000')]
        ORDER BY t.code, o.search_name, o.id`,
    );
    expect(expected.rows.length).toBeGreaterThan(235);
    const response = await get('/v1/exports/territories/04000000/organisations.csv');
    expect(response.status).toBe(200);
    const listed = parse(Buffer.from(await response.arrayBuffer()), { bom: true, columns: true }) as Record<string, string>[];
    expect(listed.map((row) => [row.external_id, row.territory_code])).toEqual(expected.rows.map((row) => [row.external_id, row.code]));
  });

  it('organisations.xlsx writes formula-like names as text cells, never formulas', async () => {
    const response = await get('/v1/exports/territories/01601101/organisations.xlsx?sectors=culture');
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as any);
    const sheet = workbook.worksheets[0]!;
    const names: unknown[] = [];
    sheet.eachRow((row, number) => {
      if (number > 1) names.push(row.getCell(2).value);
    });
    for (const trap of TRAPS) expect(names).toContain(trap);
    expect(typeof sheet.getRow(2).getCell(9).value).toBe('number');
  });
});

describe('export refusals', () => {
  const cases: [string, number, string][] = [
    ['/v1/exports/territories/99999999/children.csv', 404, 'NOT_FOUND'],
    ['/v1/exports/territories/not%20a%20code/children.csv', 400, 'BAD_REQUEST'],
    ['/v1/exports/territories/RU/children.csv?platforms=VK,MYSPACE', 400, 'BAD_REQUEST'],
    ['/v1/exports/territories/RU/children.csv?required=', 200, ''],
    ['/v1/exports/territories/RU/children.xlsx?from=2026-02-30&to=2026-03-01', 400, 'BAD_REQUEST'],
    ['/v1/exports/territories/RU/children.csv?from=2026-03-01', 400, 'BAD_REQUEST'],
    ['/v1/exports/territories/RU/children.csv?from=2026-03-01&to=2026-01-01', 400, 'BAD_REQUEST'],
    ['/v1/exports/territories/RU/children.csv?missingPlatforms=VK', 400, 'BAD_REQUEST'],
    ['/v1/exports/territories/RU/organisations.csv?sectors=astrology', 400, 'BAD_REQUEST'],
    ['/v1/exports/territories/RU/organisations.csv?sectors=culture&sectors=sport', 400, 'BAD_REQUEST'],
    ['/v1/exports/territories/RU/children.pdf', 404, 'NOT_FOUND'],
  ];
  for (const [path, status, code] of cases) {
    it(`${path} → ${status}`, async () => {
      const response = await get(path);
      expect(response.status).toBe(status);
      if (status === 200) return;
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message).not.toMatch(/\bat .*\.ts:\d+/);
    });
  }

  it('refuses other methods with 405', async () => {
    const response = await get('/v1/exports/territories/RU/children.csv', { method: 'POST', body: 'x' });
    expect(response.status).toBe(405);
    expect(((await response.json()) as any).error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('charges the rate budget per batch of rows: a spent budget is a 429 before any byte, and GraphQL shares the budget', async () => {
    const limited = createTestApi({ edge: { config: { ...readEdgeConfig({}), cacheEnabled: false, ratePoints: 1500 } } });
    const serverContext = { req: { socket: { remoteAddress: '203.0.113.9' } } };
    const download = () => (limited.fetch as any)(`http://test/v1/exports/territories/RU/children.csv?${QUERY}`, {}, serverContext) as Promise<Response>;
    const first = await download();
    expect(first.status).toBe(200);
    expect(Number(first.headers.get('ratelimit-remaining'))).toBeLessThan(1500);
    await first.arrayBuffer();
    let refused: Response | undefined;
    for (let i = 0; i < 5 && !refused; i++) {
      const response = await download();
      if (response.status === 429) refused = response;
      else await response.arrayBuffer();
    }
    expect(refused?.status).toBe(429);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused!.json()) as any).error.code).toBe('RATE_LIMITED');
    const graphql = await (limited.fetch as any)(
      'http://test/graphql',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ platforms { code } sectors { code } }' }) },
      serverContext,
    );
    expect(graphql.status).toBe(429);
    // Another client is not affected.
    const other = await (limited.fetch as any)(
      `http://test/v1/exports/territories/RU/children.csv`,
      {},
      { req: { socket: { remoteAddress: '198.51.100.7' } } },
    );
    expect(other.status).toBe(200);
    await other.arrayBuffer();
    await limited.close();
  });
});

describe('streaming', () => {
  it('reads a batch of rows only when the client takes the one before, and stops when it goes away', async () => {
    const many = Array.from({ length: 950 }, (_, i) => [
      `bulk-${String(i).padStart(4, '0')}`,
      `Учреждение ${i}`,
      'INSTITUTION',
      '03602402',
      'sport',
      null,
      null,
    ]);
    const load = await importFolder(pool, await writeLoad({ 'organisations.csv': csv('external_id,name,kind,territory_code,sector_code,inn,ogrn', many) }));
    expect(load.errors).toEqual([]);
    const statements: string[] = [];
    const stop = onQuery((sql) => {
      if (sql.includes('FROM organisation o') && sql.includes('ORDER BY o.search_name, o.id')) statements.push(sql);
    });
    try {
      const response = await get('/v1/exports/territories/03602402/organisations.csv');
      const reader = response.body!.getReader();
      const first = await reader.read(); // the header
      expect(new TextDecoder().decode(first.value)).toContain('external_id');
      await new Promise((resolve) => setTimeout(resolve, 100));
      // At most the batch being read and the one the stream's buffer asks ahead: not the 10 batches of the list.
      expect(statements.length).toBeLessThanOrEqual(2);
      await reader.cancel();
      const after = statements.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(statements.length).toBe(after);
      statements.length = 0;
      const whole = parse(Buffer.from(await (await get('/v1/exports/territories/03602402/organisations.csv')).arrayBuffer()), { bom: true, columns: true }) as {
        external_id: string;
      }[];
      expect(whole.filter((row) => row.external_id.startsWith('bulk-'))).toHaveLength(950);
      expect(statements.length).toBe(Math.ceil(whole.length / 100) + (whole.length % 100 === 0 ? 1 : 0));
    } finally {
      stop();
    }
  });
});

describe('OpenAPI', () => {
  it('describes every export route with its parameters and error responses', async () => {
    const { exportPaths } = await import('../../../src/modules/exports/openapi.js');
    expect(Object.keys(exportPaths).sort()).toEqual([
      '/v1/exports/territories/{code}/children.csv',
      '/v1/exports/territories/{code}/children.xlsx',
      '/v1/exports/territories/{code}/organisations.csv',
      '/v1/exports/territories/{code}/organisations.xlsx',
    ]);
    const children = exportPaths['/v1/exports/territories/{code}/children.csv'].get;
    expect(children.parameters.map((p) => p.name)).toEqual(['code', 'platforms', 'sectors', 'required', 'from', 'to']);
    expect(Object.keys(children.responses).sort()).toEqual(['200', '400', '404', '405', '429', '503']);
    expect(JSON.parse(JSON.stringify(exportPaths))).toEqual(exportPaths);
  });
});
