import { beforeAll, describe, expect, it } from 'vitest';
import { importFolder } from '../../src/modules/loads/pipeline/runLoad.js';
import { SECTORS } from '../fixtures/smallTree.js';
import { useTestDatabase } from '../helpers/database.js';
import { countStatements, execute } from '../helpers/executor.js';
import { csv, writeLoad } from '../helpers/loads.js';

const { pool } = await useTestDatabase();

/**
 * Two regions of the same shape, one twice the size of the other: `children` municipal
 * districts, each with `perChild` organisations (one of them directly in the district, the
 * others in a settlement below it), each organisation with a VK and a Telegram page.
 */
const SMALL = { code: '17000000', children: 32, perChild: 6 };
const LARGE = { code: '29000000', children: 64, perChild: 12 };
const SECTOR_CODES = ['education', 'culture', 'administration'];

function regionLoad(region: { code: string; children: number; perChild: number }) {
  const prefix = region.code.slice(0, 2);
  const territories: (string | null)[][] = [[region.code, 'FD-CENTRAL', 'REGION', `Область ${prefix}`]];
  const organisations: (string | null)[][] = [];
  const pages: (string | null)[][] = [];
  const observations: (string | number)[][] = [];
  for (let c = 1; c <= region.children; c++) {
    const district = `${prefix}6${String(c).padStart(2, '0')}000`;
    const settlement = `${prefix}6${String(c).padStart(2, '0')}101`;
    territories.push([district, region.code, 'MUNICIPAL_DISTRICT', `Район ${prefix}-${c}`]);
    territories.push([settlement, district, 'URBAN_SETTLEMENT', `Поселение ${prefix}-${c}`]);
    for (let o = 1; o <= region.perChild; o++) {
      const id = `org-${prefix}-${c}-${o}`;
      organisations.push([id, `Организация ${prefix}-${c}-${o}`, 'INSTITUTION', o === 1 ? district : settlement, SECTOR_CODES[o % 3]!, null, null]);
      pages.push(['VK', `vk_${prefix}_${c}_${o}`, id, `https://vk.com/vk_${prefix}_${c}_${o}`, `Страница ${id}`, 'true', 'ACTIVE']);
      pages.push(['TELEGRAM', `tg_${prefix}_${c}_${o}`, id, `https://t.me/tg_${prefix}_${c}_${o}`, `Канал ${id}`, 'false', 'ACTIVE']);
      observations.push(['VK', `vk_${prefix}_${c}_${o}`, c * 100 + o, '2025-04-01']);
    }
  }
  return { territories, organisations, pages, observations };
}

beforeAll(async () => {
  const small = regionLoad(SMALL);
  const large = regionLoad(LARGE);
  const result = await importFolder(
    pool,
    await writeLoad({
      'territories.csv': csv('code,parent_code,level,name', [
        ['RU', null, 'FEDERATION', 'Российская Федерация'],
        ['FD-CENTRAL', 'RU', 'FEDERAL_DISTRICT', 'Центральный федеральный округ'],
        ...small.territories,
        ...large.territories,
      ]),
      'sectors.csv': SECTORS,
      'organisations.csv': csv('external_id,name,kind,territory_code,sector_code,inn,ogrn', [...small.organisations, ...large.organisations]),
      'pages.csv': csv('platform,external_id,organisation_external_id,url,name,verified,status', [...small.pages, ...large.pages]),
      'observations.csv': csv('platform,external_id,subscribers,observed_on', [...small.observations, ...large.observations]),
    }),
  );
  expect(result.errors).toEqual([]);
});

/** A region → its children → each with parent, ancestors and 5 organisations → each with pages, sector and territory. */
const REGION_TREE_QUERY = `query RegionTree($code: String!) {
  territory(code: $code) {
    code
    name
    children(first: 100, orderBy: { field: SUBSCRIBERS, direction: DESC }) {
      totalCount
      pageInfo { hasNextPage }
      nodes {
        code
        name
        parent { code }
        ancestors { code }
        organisations(first: 5) {
          totalCount
          nodes {
            name
            pages { url platform { code } subscribers }
            sector { code }
            territory { code }
          }
        }
      }
    }
  }
}`;

async function run(code: string) {
  const { result, statements, sql } = await countStatements(() => execute(REGION_TREE_QUERY, { code }));
  expect(result.errors).toBeUndefined();
  return { data: result.data.territory, statements, sql };
}

describe('a region with its children, their organisations and pages', () => {
  it('resolves every level correctly', async () => {
    const { data } = await run(SMALL.code);
    expect(data.children.totalCount).toBe(SMALL.children);
    expect(data.children.nodes).toHaveLength(SMALL.children);
    // Ranked by subscribers: the district numbered highest has the biggest counts.
    expect(data.children.nodes[0].code).toBe('17632000');
    for (const child of data.children.nodes) {
      expect(child.parent).toEqual({ code: SMALL.code });
      expect(child.ancestors).toEqual([{ code: 'RU' }, { code: 'FD-CENTRAL' }, { code: SMALL.code }]);
      expect(child.organisations.totalCount).toBe(SMALL.perChild);
      expect(child.organisations.nodes).toHaveLength(5);
      for (const organisation of child.organisations.nodes) {
        expect(organisation.pages.map((page: { platform: { code: string } }) => page.platform.code)).toEqual(['VK', 'TELEGRAM']);
        expect(SECTOR_CODES).toContain(organisation.sector.code);
        expect(organisation.territory.code.slice(0, 5)).toBe(child.code.slice(0, 5));
      }
    }
  });

  it('runs the same small number of SQL statements for twice the children and organisations', async () => {
    const small = await run(SMALL.code);
    const large = await run(LARGE.code);
    expect(large.data.children.nodes).toHaveLength(LARGE.children);
    expect(large.data.children.nodes[0].organisations.totalCount).toBe(LARGE.perChild);
    expect(large.statements).toBe(small.statements);
    expect(small.statements).toBeLessThanOrEqual(11);
  });
});
