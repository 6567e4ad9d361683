import { beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../../fixtures/readApi.js';
import { useTestDatabase } from '../../helpers/database.js';
import { data, inputError } from '../../helpers/executor.js';

const { pool } = await useTestDatabase();

beforeAll(async () => {
  await loadFixture(pool);
});

describe('page(platform:, externalId:)', () => {
  it('finds a page by its natural key; null subscribers before the first observation', async () => {
    const { page } = await data(
      '{ page(platform: "max", externalId: "library_max") { platform { code name } url subscribers observedAt status verified organisation { externalId } } }',
    );
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
    const bad = [
      '',
      'abc',
      '!!!',
      b64('Territory:'),
      b64('Territory:abc'),
      b64('Territory:-1'),
      b64('Territory:99999999'),
      b64('Territory:99999999999'),
      b64('Sector:1'),
      b64('Nope:1'),
    ];
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
