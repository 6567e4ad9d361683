import { beforeAll, describe, expect, it } from 'vitest';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { useTestDatabase } from '../../helpers/database.js';
import { countStatements, data } from '../../helpers/executor.js';
import { csv, writeLoad } from '../../helpers/loads.js';

const { pool } = await useTestDatabase();

/**
 * `territory(code:)` reads its stats, one slice of its children and their stats in the same
 * statement when the selection asks them without filters (src/modules/territory/readAhead.ts).
 * Every answer must equal the one the same figures get without reading ahead: `territories`
 * (a list that does not read ahead, its stats through the stats loader) over the same children,
 * in the same order and slice.
 *
 * A region with 12 districts: district i holds i % 4 organisations (0 to 3: some hold nothing),
 * in two sectors, each with pages on up to three platforms, some of them in a settlement below.
 */
const REGION = '17000000';
const DISTRICTS = 12;
const district = (i: number) => `17${String(600 + i)}000`;

beforeAll(async () => {
  const territories: (string | null)[][] = [
    ['RU', null, 'FEDERATION', 'Российская Федерация'],
    ['FD-CENTRAL', 'RU', 'FEDERAL_DISTRICT', 'Центральный федеральный округ'],
    [REGION, 'FD-CENTRAL', 'REGION', 'Владимирская область'],
  ];
  const organisations: (string | null)[][] = [];
  const pages: (string | null)[][] = [];
  const observations: (string | number)[][] = [];
  const platforms = [
    ['VK', 'vk.com'],
    ['OK', 'ok.ru'],
    ['TELEGRAM', 't.me'],
  ];
  for (let i = 0; i < DISTRICTS; i++) {
    const code = district(i);
    const settlement = `${code.slice(0, 5)}101`;
    // Names not in code order, so NAME, CODE and SUBSCRIBERS orders differ.
    territories.push([code, REGION, 'MUNICIPAL_DISTRICT', `Район ${String.fromCharCode(1040 + ((i * 7) % DISTRICTS))}`]);
    territories.push([settlement, code, 'URBAN_SETTLEMENT', `Поселение ${i}`]);
    for (let o = 0; o < i % 4; o++) {
      const id = `org-${i}-${o}`;
      organisations.push([id, `Организация ${i}-${o}`, 'INSTITUTION', o === 0 ? code : settlement, o % 2 ? 'culture' : 'education', null, null]);
      platforms.slice(0, 1 + ((i + o) % 3)).forEach(([platform, host], p) => {
        const external = `p${i}_${o}_${p}`;
        pages.push([platform!, external, id, `https://${host}/${external}`, `Страница ${external}`, 'true', 'ACTIVE']);
        observations.push([platform!, external, 1000 * i + 100 * o + 7 * p, '2026-01-10']);
      });
    }
  }
  const result = await importFolder(
    pool,
    await writeLoad({
      'territories.csv': csv('code,parent_code,level,name', territories),
      'sectors.csv': csv('code,name', [
        ['education', 'Образование'],
        ['culture', 'Культура'],
      ]),
      'organisations.csv': csv('external_id,name,kind,territory_code,sector_code,inn,ogrn', organisations),
      'pages.csv': csv('platform,external_id,organisation_external_id,url,name,verified,status', pages),
      'observations.csv': csv('platform,external_id,subscribers,observed_on', observations),
    }),
  );
  expect(result.errors).toEqual([]);
  // Warm the process's catalogue, so that statement counts are the request's own.
  await data('{ platforms { code } }');
});

const STATS = {
  platforms: 'subscribers pages byPlatform { platform { code } subscribers pages }',
  organisations: 'subscribers organisations organisationsWithPages byPlatform { platform { code } organisations }',
  full: `subscribers pages organisations organisationsWithPages
         byPlatform { platform { code name } subscribers pages organisations }
         bySector { sector { code name } subscribers pages organisations organisationsWithPages }`,
};

const ORDERS = ['{ field: CODE, direction: ASC }', '{ field: SUBSCRIBERS, direction: DESC }', '{ field: NAME, direction: DESC }'];

/** The same slice of the region's children with their stats, read ahead and through `territories`. */
async function bothWays(order: string, slice: string, stats: string) {
  const items = `totalCount pageInfo { hasNextPage hasPreviousPage } nodes { code name level stats { ${stats} } }`;
  const ahead = await countStatements(() => data(`{ territory(code: "${REGION}") { code children(${slice} orderBy: ${order}) { ${items} } } }`));
  const reference = await data(`{ territories(filter: { parentCode: "${REGION}" }, ${slice} orderBy: ${order}) { ${items} } }`);
  return { ahead: ahead.result.territory.children, statements: ahead.statements, reference: reference.territories };
}

describe('territory(code:) reading its children and their stats ahead', () => {
  it('answers as the figures read without reading ahead, in one statement, for every order, slice and detail', async () => {
    for (const order of ORDERS) {
      for (const slice of ['first: 100,', 'first: 5,', 'last: 3,']) {
        for (const stats of Object.values(STATS)) {
          const { ahead, statements, reference } = await bothWays(order, slice, stats);
          expect(ahead).toEqual(reference);
          expect(statements).toBe(1);
        }
      }
    }
  });

  it('pages on with a cursor', async () => {
    const first = await data(
      `{ territory(code: "${REGION}") { children(first: 4, orderBy: { field: SUBSCRIBERS, direction: DESC }) { pageInfo { endCursor } } } }`,
    );
    const after = first.territory.children.pageInfo.endCursor;
    const { result, statements } = await countStatements(() =>
      data(
        `query($after: String) { territory(code: "${REGION}") { children(first: 4, after: $after, orderBy: { field: SUBSCRIBERS, direction: DESC }) {
          edges { cursor node { code stats { subscribers } } } } } }`,
        { after },
      ),
    );
    const reference = await data(
      `{ territories(filter: { parentCode: "${REGION}" }, first: 8, orderBy: { field: SUBSCRIBERS, direction: DESC }) { nodes { code stats { subscribers } } } }`,
    );
    expect(result.territory.children.edges.map((edge: { node: unknown }) => edge.node)).toEqual(reference.territories.nodes.slice(4, 8));
    expect(statements).toBe(1);
  });

  it('reads the root’s own stats along with it', async () => {
    const { result, statements } = await countStatements(() => data(`{ territory(code: "RU") { code stats { ${STATS.full} } } }`));
    const reference = await data(`{ territories(filter: { levels: [FEDERATION] }) { nodes { code stats { ${STATS.full} } } } }`);
    expect(result.territory).toEqual(reference.territories.nodes[0]);
    expect(result.territory.stats.subscribers).toBeGreaterThan(0);
    expect(statements).toBe(1);
  });

  it('follows fragments, inline fragments, edges and variables', async () => {
    const { result, statements } = await countStatements(() =>
      data(
        `query($code: String!, $n: Int) { territory(code: $code) { ...Region } }
         fragment Region on Territory { stats { subscribers } ... on Territory { children(first: $n, orderBy: { field: CODE }) { edges { node { ...Item } } } } }
         fragment Item on Territory { code stats { byPlatform { platform { code } subscribers } } }`,
        { code: REGION, n: 6 },
      ),
    );
    const reference = await data(
      `{ territories(filter: { parentCode: "${REGION}" }, first: 6, orderBy: { field: CODE }) { nodes { code stats { byPlatform { platform { code } subscribers } } } } }`,
    );
    expect(result.territory.children.edges.map((edge: { node: unknown }) => edge.node)).toEqual(reference.territories.nodes);
    expect(statements).toBe(1);
  });

  it('reads ahead what each request’s variables ask, for the same document', async () => {
    const query = `query($n: Int, $order: TerritoryOrder) { territory(code: "${REGION}") { children(first: $n, orderBy: $order) { nodes { code stats { subscribers } } } } }`;
    for (const [n, order] of [
      [2, { field: 'CODE' }],
      [5, { field: 'CODE' }],
      [2, { field: 'SUBSCRIBERS', direction: 'DESC' }],
      [2, { field: 'CODE' }],
    ] as const) {
      const { result, statements } = await countStatements(() => data(query, { n, order }));
      const reference = await data(
        `query($n: Int, $order: TerritoryOrder) { territories(filter: { parentCode: "${REGION}" }, first: $n, orderBy: $order) { nodes { code stats { subscribers } } } }`,
        { n, order },
      );
      expect(result.territory.children.nodes).toEqual(reference.territories.nodes);
      expect(result.territory.children.nodes).toHaveLength(n);
      expect(statements).toBe(1);
    }
  });

  it('leaves filtered stats, other aliases and relations to their own fields, with the same answers', async () => {
    const items = `code vk: stats(platforms: ["VK"]) { subscribers } old: stats(at: "2026-01-09") { subscribers } stats { subscribers } parent { code }`;
    const { result } = await countStatements(() =>
      data(
        `{ territory(code: "${REGION}") { a: children(first: 3, orderBy: { field: CODE }) { nodes { ${items} } } b: children(first: 5, orderBy: { field: CODE }) { nodes { code stats { subscribers } } } } }`,
      ),
    );
    const reference = await data(`{ territories(filter: { parentCode: "${REGION}" }, first: 5, orderBy: { field: CODE }) { nodes { ${items} } } }`);
    expect(result.territory.a.nodes).toEqual(reference.territories.nodes.slice(0, 3));
    expect(result.territory.b.nodes).toEqual(reference.territories.nodes.map(({ code, stats }: { code: string; stats: unknown }) => ({ code, stats })));
    for (const node of result.territory.a.nodes) expect(node.old.subscribers).toBe(0);
  });

  it('reads a slice of children and their stats in one statement below other lists too', async () => {
    const query = `{ territories(filter: { parentCode: "FD-CENTRAL" }) { nodes { code children(first: 100, orderBy: { field: CODE }) { totalCount nodes { code stats { ${STATS.platforms} } } } } } }`;
    const { result, statements } = await countStatements(() => data(query));
    const reference = await data(
      `{ territories(filter: { parentCode: "${REGION}" }, first: 100, orderBy: { field: CODE }) { totalCount nodes { code stats { ${STATS.platforms} } } } }`,
    );
    expect(result.territories.nodes[0].children).toEqual(reference.territories);
    // The list's slice, its rows, its count; then the children with their stats.
    expect(statements).toBeLessThanOrEqual(4);
  });

  it('answers null for an unknown code and an empty list for a territory without children', async () => {
    expect(await data(`{ territory(code: "99000000") { stats { subscribers } children(first: 5) { nodes { code } } } }`)).toEqual({ territory: null });
    const settlement = await data(
      `{ territory(code: "17600101") { code stats { subscribers } children(first: 5) { totalCount nodes { code stats { subscribers } } } } }`,
    );
    expect(settlement.territory).toEqual({ code: '17600101', stats: { subscribers: 0 }, children: { totalCount: 0, nodes: [] } });
  });
});
