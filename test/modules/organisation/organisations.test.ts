import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_INN, loadFixture } from '../../fixtures/readApi.js';
import { useTestDatabase } from '../../helpers/database.js';
import { data, inputError } from '../../helpers/executor.js';

const { pool } = await useTestDatabase();

beforeAll(async () => {
  await loadFixture(pool);
});

describe('organisations', () => {
  const LIST =
    'query ($filter: OrganisationFilter, $orderBy: OrganisationOrder) { organisations(filter: $filter, orderBy: $orderBy) { totalCount nodes { externalId } } }';
  const list = async (filter: Record<string, unknown> = {}, orderBy?: Record<string, unknown>) => {
    const { organisations } = await data(LIST, { filter, orderBy });
    expect(organisations.totalCount).toBe(organisations.nodes.length);
    return organisations.nodes.map((node: { externalId: string }) => node.externalId);
  };

  it('lists every organisation by name', async () => {
    expect(await list()).toEqual(['admin-17', 'admin-17646', 'club-elkino', 'museum-kaluga', 'school-petushki-1', 'library-petushki', 'school-vladimir-1']);
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
    expect(await inputError('{ organisations(filter: { within: "Владимирская область" }) { totalCount } }')).toMatch(/not a territory code/);
    expect(await inputError('{ organisations(first: 500) { totalCount } }')).toMatch(/first must be between 0 and 100 \(got 500\)/);
  });

  it('pages forwards and backwards', async () => {
    const first = await data('{ organisations(first: 3) { nodes { externalId } pageInfo { hasNextPage hasPreviousPage endCursor } } }');
    expect(first.organisations.nodes.map((n: { externalId: string }) => n.externalId)).toEqual(['admin-17', 'admin-17646', 'club-elkino']);
    expect(first.organisations.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const rest = await data(
      'query ($after: String) { organisations(first: 10, after: $after) { nodes { externalId } pageInfo { hasNextPage hasPreviousPage startCursor } } }',
      {
        after: first.organisations.pageInfo.endCursor,
      },
    );
    expect(rest.organisations.nodes).toHaveLength(4);
    expect(rest.organisations.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const back = await data(
      'query ($before: String) { organisations(last: 2, before: $before) { nodes { externalId } pageInfo { hasNextPage hasPreviousPage } } }',
      {
        before: rest.organisations.pageInfo.startCursor,
      },
    );
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
    const next = await data(
      'query ($after: String) { territory(code: "17646000") { organisations(first: 2, after: $after) { nodes { externalId } pageInfo { hasNextPage hasPreviousPage } } } }',
      {
        after: territory.firstTwo.pageInfo.endCursor,
      },
    );
    expect(ids(next.territory.organisations)).toEqual(['school-petushki-1', 'library-petushki']);
    expect(next.territory.organisations.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
  });

  it('is empty for a territory with no organisations', async () => {
    const { territory } = await data('{ territory(code: "17646101001") { organisations { totalCount nodes { name } pageInfo { hasNextPage } } } }');
    expect(territory.organisations).toEqual({ totalCount: 0, nodes: [], pageInfo: { hasNextPage: false } });
  });
});
