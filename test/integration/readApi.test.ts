import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/database.js';
import { execute, type GraphQLResponse } from '../helpers/executor.js';
import { ADMIN_INN, loadFixture } from './readApi.fixture.js';

const { pool } = await useTestDatabase();

beforeAll(async () => {
  await loadFixture(pool);
});

/** The data of a response that must have no errors. */
async function data<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await execute<T>(query, variables);
  expect(response.errors).toBeUndefined();
  return response.data as T;
}

/** The one error of a response that must fail, checked to be an expected input error. */
async function inputError(query: string, variables: Record<string, unknown> = {}): Promise<string> {
  const response: GraphQLResponse = await execute(query, variables);
  expect(response.errors).toHaveLength(1);
  const [error] = response.errors!;
  expect(error.extensions?.code).toBe('BAD_USER_INPUT');
  expect(JSON.stringify(error)).not.toMatch(/SELECT|prisma|\bat .*\.ts:\d+|stack/i);
  return error.message;
}

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
    const message = await inputError('{ territory(code: "Vladimir") { code } }');
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
    const order = async (field: string, direction: string) =>
      codes((await data(query, { field, direction })).territory.children.nodes);
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
    const { territory } = await data('{ territory(code: "17000000") { children(first: 0) { totalCount edges { cursor } pageInfo { hasNextPage hasPreviousPage } } } }');
    expect(territory.children).toEqual({ totalCount: 2, edges: [], pageInfo: { hasNextPage: true, hasPreviousPage: false } });
  });

  it('gives a settlement with no children an empty connection', async () => {
    const { territory } = await data('{ territory(code: "17646404") { children { totalCount nodes { code } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }');
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
    const next = await data('query ($after: String) { territories(filter: { search: "петуш" }, first: 2, after: $after) { nodes { name } pageInfo { hasNextPage hasPreviousPage } } }', {
      after: first.territories.pageInfo.endCursor,
    });
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
    const { territories } = await data('{ territories(filter: { search: "нетакого" }) { totalCount edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }');
    expect(territories).toEqual({
      totalCount: 0,
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });
});

describe('organisations', () => {
  const LIST = 'query ($filter: OrganisationFilter, $orderBy: OrganisationOrder) { organisations(filter: $filter, orderBy: $orderBy) { totalCount nodes { externalId } } }';
  const list = async (filter: Record<string, unknown> = {}, orderBy?: Record<string, unknown>) => {
    const { organisations } = await data(LIST, { filter, orderBy });
    expect(organisations.totalCount).toBe(organisations.nodes.length);
    return organisations.nodes.map((node: { externalId: string }) => node.externalId);
  };

  it('lists every organisation by name', async () => {
    expect(await list()).toEqual([
      'admin-17',
      'admin-17646',
      'club-elkino',
      'museum-kaluga',
      'school-petushki-1',
      'library-petushki',
      'school-vladimir-1',
    ]);
  });

  it('filters by subtree, sectors, kinds, platforms, page coverage and INN', async () => {
    expect(await list({ within: '17646000' })).toEqual(['admin-17646', 'club-elkino', 'school-petushki-1', 'library-petushki']);
    expect(await list({ within: '17646101' })).toEqual(['school-petushki-1', 'library-petushki']);
    expect(await list({ within: '45000000' })).toEqual([]);
    expect(await list({ sectors: ['culture'] })).toEqual(['club-elkino', 'museum-kaluga', 'library-petushki']);
    expect(await list({ sectors: ['culture', 'Education'], within: '17646000' })).toEqual(['club-elkino', 'school-petushki-1', 'library-petushki']);
    expect(await list({ kinds: ['AUTHORITY'] })).toEqual(['admin-17', 'admin-17646']);
    expect(await list({ kinds: ['OTHER', 'AUTHORITY'], within: '29000000' })).toEqual(['museum-kaluga']);
    expect(await list({ hasPageOn: ['TELEGRAM', 'max'] })).toEqual(['admin-17', 'library-petushki']);
    // The school's OK page is archived: it does not count.
    expect(await list({ hasPageOn: ['OK'] })).toEqual([]);
    expect(await list({ withoutPages: true })).toEqual(['school-vladimir-1']);
    expect(await list({ withoutPages: false, within: '17701000' })).toEqual([]);
    expect(await list({ inn: ADMIN_INN })).toEqual(['admin-17']);
    // "Петушинская…" starts with the text; "…Петушинского района" only has a word starting with it.
    expect(await list({ search: 'петушин' })).toEqual(['library-petushki', 'admin-17646']);
    expect(await list({ search: 'елкинский дом' })).toEqual(['club-elkino']);
  });

  it('ranks by subscribers', async () => {
    expect(await list({ within: '17000000' }, { field: 'SUBSCRIBERS', direction: 'DESC' })).toEqual([
      'admin-17',
      'admin-17646',
      'school-petushki-1',
      'club-elkino',
      'library-petushki',
      'school-vladimir-1',
    ]);
    expect((await list({}, { field: 'SUBSCRIBERS' }))[0]).toBe('library-petushki');
  });

  it('rejects unknown sector and platform codes, listing the known ones, and malformed INNs and codes', async () => {
    const sector = await inputError('{ organisations(filter: { sectors: ["education", "sport"] }) { totalCount } }');
    expect(sector).toBe('filter.sectors: unknown sector "sport". Known sectors: administration, culture, education.');
    const platform = await inputError('{ organisations(filter: { hasPageOn: ["VK", "FB", "IG"] }) { totalCount } }');
    expect(platform).toBe('filter.hasPageOn: unknown platforms "FB", "IG". Known platforms: MAX, OK, TELEGRAM, VK.');
    expect(await inputError('{ organisations(filter: { inn: "12345" }) { totalCount } }')).toMatch(/10 digits/);
    expect(await inputError('{ organisations(filter: { inn: "3301010104" }) { totalCount } }')).toMatch(/check digits/);
    expect(await inputError('{ organisations(filter: { within: "Владимир" }) { totalCount } }')).toMatch(/not a territory code/);
    expect(await inputError('{ organisations(first: 500) { totalCount } }')).toMatch(/first must be between 0 and 100 \(got 500\)/);
  });

  it('pages forwards and backwards', async () => {
    const first = await data('{ organisations(first: 3) { nodes { externalId } pageInfo { hasNextPage hasPreviousPage endCursor } } }');
    expect(first.organisations.nodes.map((n: { externalId: string }) => n.externalId)).toEqual(['admin-17', 'admin-17646', 'club-elkino']);
    expect(first.organisations.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const rest = await data('query ($after: String) { organisations(first: 10, after: $after) { nodes { externalId } pageInfo { hasNextPage hasPreviousPage startCursor } } }', {
      after: first.organisations.pageInfo.endCursor,
    });
    expect(rest.organisations.nodes).toHaveLength(4);
    expect(rest.organisations.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const back = await data('query ($before: String) { organisations(last: 2, before: $before) { nodes { externalId } pageInfo { hasNextPage hasPreviousPage } } }', {
      before: rest.organisations.pageInfo.startCursor,
    });
    expect(back.organisations.nodes.map((n: { externalId: string }) => n.externalId)).toEqual(['admin-17646', 'club-elkino']);
    expect(back.organisations.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: true });
    const zero = await data('{ organisations(first: 0) { totalCount edges { cursor } pageInfo { hasNextPage } } }');
    expect(zero.organisations).toEqual({ totalCount: 7, edges: [], pageInfo: { hasNextPage: true } });
  });

  it('shows an organisation card: kind, identifiers, territory, sector and pages', async () => {
    const { organisation } = await data(`{
      organisation(externalId: "school-petushki-1") {
        externalId name kind inn ogrn
        territory { code } sector { code name }
        pages { platform { code } externalId url name verified status subscribers observedAt organisation { externalId } }
        active: pages(status: ACTIVE) { externalId }
        ok: pages(platforms: ["ok"]) { externalId }
      }
    }`);
    expect(organisation).toEqual({
      externalId: 'school-petushki-1',
      name: 'МБОУ СОШ №1 г. Петушки',
      kind: 'INSTITUTION',
      inn: null,
      ogrn: null,
      territory: { code: '17646101' },
      sector: { code: 'education', name: 'Образование' },
      pages: [
        {
          platform: { code: 'VK' },
          externalId: 'school1_petushki',
          url: 'https://vk.com/school1_petushki',
          name: 'Школа №1 Петушки',
          verified: false,
          status: 'ACTIVE',
          subscribers: 1200,
          observedAt: '2025-04-01',
          organisation: { externalId: 'school-petushki-1' },
        },
        {
          platform: { code: 'OK' },
          externalId: 'school1ok',
          url: 'https://ok.ru/school1ok',
          name: 'Школа №1 Петушки',
          verified: false,
          status: 'ARCHIVED',
          subscribers: 300,
          observedAt: '2025-04-01',
          organisation: { externalId: 'school-petushki-1' },
        },
      ],
      active: [{ externalId: 'school1_petushki' }],
      ok: [{ externalId: 'school1ok' }],
    });
    expect((await data('{ organisation(externalId: "nope") { name } }')).organisation).toBeNull();
    expect(await inputError('{ organisation(externalId: "admin-17") { pages(platforms: ["VKontakte"]) { url } } }')).toMatch(/unknown platform "VKontakte"/);
    const admin = await data('{ organisation(externalId: "admin-17") { inn kind } }');
    expect(admin.organisation).toEqual({ inn: ADMIN_INN, kind: 'AUTHORITY' });
  });
});

describe('territory organisations', () => {
  it('covers the subtree by default, or the territory alone', async () => {
    const { territory } = await data(`{
      territory(code: "17646000") {
        all: organisations { totalCount nodes { externalId } }
        own: organisations(includeDescendants: false) { totalCount nodes { externalId } }
        culture: organisations(filter: { sectors: ["culture"] }, orderBy: { field: SUBSCRIBERS, direction: DESC }) { nodes { externalId } }
        firstTwo: organisations(first: 2) { nodes { externalId } pageInfo { hasNextPage endCursor } }
      }
    }`);
    const ids = (connection: { nodes: { externalId: string }[] }) => connection.nodes.map((node) => node.externalId);
    expect(ids(territory.all)).toEqual(['admin-17646', 'club-elkino', 'school-petushki-1', 'library-petushki']);
    expect(territory.all.totalCount).toBe(4);
    expect(ids(territory.own)).toEqual(['admin-17646']);
    expect(territory.own.totalCount).toBe(1);
    expect(ids(territory.culture)).toEqual(['club-elkino', 'library-petushki']);
    expect(ids(territory.firstTwo)).toEqual(['admin-17646', 'club-elkino']);
    expect(territory.firstTwo.pageInfo.hasNextPage).toBe(true);
    const next = await data('query ($after: String) { territory(code: "17646000") { organisations(first: 2, after: $after) { nodes { externalId } pageInfo { hasNextPage hasPreviousPage } } } }', {
      after: territory.firstTwo.pageInfo.endCursor,
    });
    expect(ids(next.territory.organisations)).toEqual(['school-petushki-1', 'library-petushki']);
    expect(next.territory.organisations.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
  });

  it('is empty for a territory with no organisations', async () => {
    const { territory } = await data('{ territory(code: "17646101001") { organisations { totalCount nodes { name } pageInfo { hasNextPage } } } }');
    expect(territory.organisations).toEqual({ totalCount: 0, nodes: [], pageInfo: { hasNextPage: false } });
  });
});

describe('page(platform:, externalId:)', () => {
  it('finds a page by its natural key; null subscribers before the first observation', async () => {
    const { page } = await data('{ page(platform: "max", externalId: "library_max") { platform { code name } url subscribers observedAt status verified organisation { externalId } } }');
    expect(page).toEqual({
      platform: { code: 'MAX', name: 'MAX' },
      url: 'https://max.ru/library_max',
      subscribers: null,
      observedAt: null,
      status: 'ACTIVE',
      verified: false,
      organisation: { externalId: 'library-petushki' },
    });
    expect((await data('{ page(platform: "VK", externalId: "nope") { url } }')).page).toBeNull();
    expect(await inputError('{ page(platform: "FACEBOOK", externalId: "x") { url } }')).toBe(
      'platform: unknown platform "FACEBOOK". Known platforms: MAX, OK, TELEGRAM, VK.',
    );
  });
});

describe('node(id:) and nodes(ids:)', () => {
  it('fetches territories, organisations and pages by global id', async () => {
    const ids = await data(`{
      territory(code: "17000000") { id }
      organisation(externalId: "admin-17") { id }
      page(platform: "VK", externalId: "adm33") { id }
    }`);
    const { node } = await data('query ($id: ID!) { node(id: $id) { __typename id ... on Territory { code } } }', { id: ids.territory.id });
    expect(node).toEqual({ __typename: 'Territory', id: ids.territory.id, code: '17000000' });
    const { nodes } = await data(
      `query ($ids: [ID!]!) { nodes(ids: $ids) {
        __typename
        ... on Territory { code parent { code } }
        ... on Organisation { externalId territory { code } }
        ... on Page { externalId organisation { externalId } }
      } }`,
      { ids: [ids.page.id, ids.organisation.id, ids.territory.id] },
    );
    expect(nodes).toEqual([
      { __typename: 'Page', externalId: 'adm33', organisation: { externalId: 'admin-17' } },
      { __typename: 'Organisation', externalId: 'admin-17', territory: { code: '17000000' } },
      { __typename: 'Territory', code: '17000000', parent: { code: 'FD-CENTRAL' } },
    ]);
  });

  it('puts null in place of malformed or unknown ids', async () => {
    const { territory } = await data('{ territory(code: "RU") { id } }');
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const bad = ['', 'abc', '!!!', b64('Territory:'), b64('Territory:abc'), b64('Territory:-1'), b64('Territory:99999999'), b64('Territory:99999999999'), b64('Sector:1'), b64('Nope:1')];
    for (const id of bad) {
      expect((await data('query ($id: ID!) { node(id: $id) { id } }', { id })).node).toBeNull();
    }
    const { nodes } = await data('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [...bad, territory.id] });
    expect(nodes).toEqual([...bad.map(() => null), { id: territory.id }]);
    expect(await inputError('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: Array(101).fill(territory.id) })).toMatch(/at most 100 ids/);
  });
});

describe('catalogue', () => {
  it('lists sectors by code', async () => {
    const { sectors } = await data('{ sectors { code name } }');
    expect(sectors.map((sector: { code: string }) => sector.code)).toEqual(['administration', 'culture', 'education']);
  });
});
