import { beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../../fixtures/readApi.js';
import { useTestDatabase } from '../../helpers/database.js';
import { data, inputError } from '../../helpers/executor.js';

const { pool } = await useTestDatabase();

beforeAll(async () => {
  await loadFixture(pool);
});

const codes = (nodes: { code: string }[]) => nodes.map((node) => node.code);

describe('territory(code:)', () => {
  it('returns a territory with its parent, breadcrumb and level', async () => {
    const { territory } = await data(`{
      territory(code: "17646101") { code name level depth parent { code } ancestors { code level } }
    }`);
    expect(territory).toEqual({
      code: '17646101',
      name: 'Город Петушки',
      level: 'URBAN_SETTLEMENT',
      depth: 4,
      parent: { code: '17646000' },
      ancestors: [
        { code: 'RU', level: 'FEDERATION' },
        { code: 'FD-CENTRAL', level: 'FEDERAL_DISTRICT' },
        { code: '17000000', level: 'REGION' },
        { code: '17646000', level: 'MUNICIPAL_DISTRICT' },
      ],
    });
  });

  it('gives the federation no parent and no ancestors, and accepts a lower-case code', async () => {
    const { territory } = await data('{ territory(code: " ru ") { code parent { code } ancestors { code } } }');
    expect(territory).toEqual({ code: 'RU', parent: null, ancestors: [] });
  });

  it('is null for an unknown code and an input error for a malformed one', async () => {
    expect((await data('{ territory(code: "99999999") { code } }')).territory).toBeNull();
    const message = await inputError('{ territory(code: "Vladimir region") { code } }');
    expect(message).toMatch(/not a territory code/);
    expect(message).toMatch(/8 digits/);
  });
});

describe('territory children', () => {
  it('lists children by name by default, with totalCount', async () => {
    const { territory } = await data(`{
      territory(code: "17000000") { children { totalCount edges { cursor node { code name } } nodes { code } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }
    }`);
    const { children } = territory;
    expect(children.totalCount).toBe(2);
    expect(codes(children.nodes)).toEqual(['17701000', '17646000']); // "город Владимир" before "Петушинский…"
    expect(children.edges.map((edge: { node: { code: string } }) => edge.node.code)).toEqual(codes(children.nodes));
    expect(children.pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: false,
      startCursor: children.edges[0].cursor,
      endCursor: children.edges[1].cursor,
    });
  });

  it('orders by code and by subscribers of the whole subtree, both directions', async () => {
    const query = `query ($field: TerritoryOrderField!, $direction: OrderDirection!) {
      territory(code: "FD-CENTRAL") { children(orderBy: { field: $field, direction: $direction }) { nodes { code } } }
    }`;
    const order = async (field: string, direction: string) => codes((await data(query, { field, direction })).territory.children.nodes);
    expect(await order('SUBSCRIBERS', 'DESC')).toEqual(['17000000', '29000000']);
    expect(await order('SUBSCRIBERS', 'ASC')).toEqual(['29000000', '17000000']);
    expect(await order('CODE', 'DESC')).toEqual(['29000000', '17000000']);
    expect(await order('NAME', 'DESC')).toEqual(['29000000', '17000000']);
    const district = await data(`{ territory(code: "17646000") {
      children(orderBy: { field: SUBSCRIBERS, direction: DESC }) { nodes { code } } } }`);
    expect(codes(district.territory.children.nodes)).toEqual(['17646101', '17646404']);
  });

  it('pages forwards and backwards with cursors', async () => {
    const first = await data('{ territory(code: "FD-CENTRAL") { children(first: 1) { nodes { code } pageInfo { hasNextPage hasPreviousPage endCursor } } } }');
    const page1 = first.territory.children;
    expect(codes(page1.nodes)).toEqual(['17000000']);
    expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await data(
      'query ($after: String) { territory(code: "FD-CENTRAL") { children(first: 1, after: $after) { nodes { code } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }',
      { after: page1.pageInfo.endCursor },
    );
    const page2 = second.territory.children;
    expect(codes(page2.nodes)).toEqual(['29000000']);
    expect(page2.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    // After the last cursor: an empty page that knows what precedes it.
    const past = await data(
      'query ($after: String) { territory(code: "FD-CENTRAL") { children(first: 5, after: $after) { totalCount edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }',
      { after: page2.pageInfo.endCursor },
    );
    expect(past.territory.children).toEqual({
      totalCount: 2,
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null },
    });
    // Backwards from the second item.
    const back = await data(
      'query ($before: String) { territory(code: "FD-CENTRAL") { children(last: 5, before: $before) { nodes { code } pageInfo { hasNextPage hasPreviousPage } } } }',
      { before: page2.pageInfo.startCursor },
    );
    expect(codes(back.territory.children.nodes)).toEqual(['17000000']);
    expect(back.territory.children.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false });
    // The last one alone.
    const last = await data('{ territory(code: "FD-CENTRAL") { children(last: 1) { nodes { code } pageInfo { hasNextPage hasPreviousPage } } } }');
    expect(codes(last.territory.children.nodes)).toEqual(['29000000']);
    expect(last.territory.children.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
  });

  it('gives first: 0 an empty page that still counts', async () => {
    const { territory } = await data(
      '{ territory(code: "17000000") { children(first: 0) { totalCount edges { cursor } pageInfo { hasNextPage hasPreviousPage } } } }',
    );
    expect(territory.children).toEqual({ totalCount: 2, edges: [], pageInfo: { hasNextPage: true, hasPreviousPage: false } });
  });

  it('gives a settlement with no children an empty connection', async () => {
    const { territory } = await data(
      '{ territory(code: "17646404") { children { totalCount nodes { code } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }',
    );
    expect(territory.children).toEqual({
      totalCount: 0,
      nodes: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it('refuses page sizes outside 0..100, both first and last, and foreign or broken cursors', async () => {
    expect(await inputError('{ territory(code: "17000000") { children(first: 101) { totalCount } } }')).toMatch(/first must be between 0 and 100 \(got 101\)/);
    expect(await inputError('{ territory(code: "17000000") { children(first: -1) { totalCount } } }')).toMatch(/first must be between 0 and 100/);
    expect(await inputError('{ territory(code: "17000000") { children(last: 1000) { totalCount } } }')).toMatch(/last must be between 0 and 100/);
    expect(await inputError('{ territory(code: "17000000") { children(first: 1, last: 1) { totalCount } } }')).toMatch(/not both/);
    expect(await inputError('{ territory(code: "17000000") { children(after: "bm9wZQ") { totalCount } } }')).toMatch(/not a cursor of this list/);
    expect(await inputError('{ territory(code: "17000000") { children(before: "!!") { totalCount } } }')).toMatch(/before: .* not a cursor/);
    const { territories } = await data('{ territories(first: 1) { pageInfo { endCursor } } }');
    expect(
      await inputError('query ($after: String) { territory(code: "17000000") { children(after: $after) { totalCount } } }', {
        after: territories.pageInfo.endCursor,
      }),
    ).toMatch(/not a cursor of this list/);
  });
});

describe('territories(filter:)', () => {
  it('lists every territory by name, 20 per page by default', async () => {
    const { territories } = await data('{ territories { totalCount nodes { name } pageInfo { hasNextPage } } }');
    expect(territories.totalCount).toBe(9);
    expect(territories.nodes.map((node: { name: string }) => node.name)).toEqual([
      'Владимирская область',
      'город Владимир',
      'Город Петушки',
      'Ёлкинское сельское поселение',
      'Калужская область',
      'Петушинский муниципальный район',
      'Петушки',
      'Российская Федерация',
      'Центральный федеральный округ',
    ]);
    expect(territories.pageInfo.hasNextPage).toBe(false);
  });

  it('filters by levels, subtree (the node included) and parent', async () => {
    const query = 'query ($filter: TerritoryFilter) { territories(filter: $filter, orderBy: { field: CODE }) { totalCount nodes { code } } }';
    const list = async (filter: Record<string, unknown>) => codes((await data(query, { filter })).territories.nodes);
    expect(await list({ levels: ['REGION'] })).toEqual(['17000000', '29000000']);
    expect(await list({ within: '17646000' })).toEqual(['17646000', '17646101', '17646101001', '17646404']);
    expect(await list({ within: '17000000', levels: ['URBAN_SETTLEMENT', 'RURAL_SETTLEMENT'] })).toEqual(['17646101', '17646404']);
    expect(await list({ parentCode: '17000000' })).toEqual(['17646000', '17701000']);
    expect(await list({ parentCode: '17646404' })).toEqual([]);
    expect(await list({ levels: [] })).toHaveLength(9);
    // A well-formed code of no territory: an empty list, not an error.
    expect(await list({ within: '45000000' })).toEqual([]);
    expect(await inputError('{ territories(filter: { within: "1700" }) { totalCount } }')).toMatch(/filter.within: "1700" is not a territory code/);
    expect(await inputError('{ territories(filter: { parentCode: "FD central" }) { totalCount } }')).toMatch(/filter.parentCode/);
  });

  it('searches names ignoring case and ё, by partial word, ranked exact, prefix, word prefix, substring', async () => {
    const query = 'query ($search: String) { territories(filter: { search: $search }) { totalCount nodes { name } } }';
    const search = async (text: string) => (await data(query, { search: text })).territories.nodes.map((node: { name: string }) => node.name);
    expect(await search('петушин')).toEqual(['Петушинский муниципальный район']);
    expect(await search('ПЕТУШ')).toEqual(['Петушинский муниципальный район', 'Петушки', 'Город Петушки']);
    expect(await search('петушки')).toEqual(['Петушки', 'Город Петушки']);
    expect(await search('елкин')).toEqual(['Ёлкинское сельское поселение']);
    expect(await search('Ёлкинское')).toEqual(['Ёлкинское сельское поселение']);
    expect(await search('шинский')).toEqual(['Петушинский муниципальный район']);
    expect(await search('владимир')).toEqual(['Владимирская область', 'город Владимир']);
    expect(await search('сельское елкинское')).toEqual(['Ёлкинское сельское поселение']);
    expect(await search('петушинскей')).toEqual(['Петушинский муниципальный район']); // a typo
    expect(await search('100%_')).toEqual([]);
    expect(await search('   ')).toHaveLength(9); // a blank search box searches nothing
    expect(await inputError(`{ territories(filter: { search: "${'а'.repeat(101)}" }) { totalCount } }`)).toMatch(/100 characters/);
  });

  it('pages a search with totalCount and cursors', async () => {
    const first = await data('{ territories(filter: { search: "петуш" }, first: 2) { totalCount nodes { name } pageInfo { hasNextPage endCursor } } }');
    expect(first.territories.totalCount).toBe(3);
    expect(first.territories.pageInfo.hasNextPage).toBe(true);
    const next = await data(
      'query ($after: String) { territories(filter: { search: "петуш" }, first: 2, after: $after) { nodes { name } pageInfo { hasNextPage hasPreviousPage } } }',
      {
        after: first.territories.pageInfo.endCursor,
      },
    );
    expect(next.territories.nodes).toEqual([{ name: 'Город Петушки' }]);
    expect(next.territories.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
    const last = await data('{ territories(filter: { search: "петуш" }, last: 2) { nodes { name } pageInfo { hasNextPage hasPreviousPage } } }');
    expect(last.territories.nodes).toEqual([{ name: 'Петушки' }, { name: 'Город Петушки' }]);
    expect(last.territories.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
  });

  it('ranks territories by subscribers when asked', async () => {
    const { territories } = await data('{ territories(filter: { levels: [REGION] }, orderBy: { field: SUBSCRIBERS, direction: DESC }) { nodes { code } } }');
    expect(codes(territories.nodes)).toEqual(['17000000', '29000000']);
  });

  it('answers an empty list with an empty connection', async () => {
    const { territories } = await data(
      '{ territories(filter: { search: "нетакого" }) { totalCount edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }',
    );
    expect(territories).toEqual({
      totalCount: 0,
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });
});
