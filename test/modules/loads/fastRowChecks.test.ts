import { describe, expect, it } from 'vitest';
import { fastRowChecks, rowSchemas } from '../../../src/modules/loads/rows/rules.js';

const context = {
  platformHosts: new Map([
    ['VK', ['vk.com']],
    ['OK', ['ok.ru']],
  ]),
  latestDate: '2026-06-30',
};
const schemas = rowSchemas(context);
const fast = fastRowChecks(context);

/** Values as the sources hand them: empty fields left out. */
function values(row: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== undefined && value !== '')) as Record<string, string>;
}

function cases<T>(choices: Record<string, T[]>): Record<string, T>[] {
  let rows: Record<string, T>[] = [{}];
  for (const [key, options] of Object.entries(choices)) rows = rows.flatMap((row) => options.map((option) => ({ ...row, [key]: option })));
  return rows;
}

describe('the fast row checks', () => {
  it('accept only what zod accepts, with the same result (observations)', () => {
    let accepted = 0;
    for (const row of cases({
      platform: ['VK', ' OK ', 'vk', 'FB', undefined],
      external_id: ['club1', '  x ', ' ', undefined],
      subscribers: ['0', '120', ' 42 ', '2147483647', '2147483648', '-1', '1.5', '1e3', 'abc', undefined],
      observed_on: ['2026-01-31', ' 2026-06-30 ', '2026-07-01', '2026-02-30', '2026-1-01', 'x', undefined],
    })) {
      const input = values(row);
      const quick = fast.observations!(input);
      const parsed = schemas.observations.safeParse(input);
      if (quick !== undefined) {
        accepted++;
        expect(parsed.success, JSON.stringify(input)).toBe(true);
        expect(quick).toEqual(parsed.data);
      }
    }
    expect(accepted).toBe(32);
  });

  it('accept only what zod accepts, with the same result (organisations)', () => {
    let accepted = 0;
    for (const row of cases({
      external_id: ['org-1', ' org-2 ', 'x'.repeat(200), 'x'.repeat(201), undefined],
      name: ['Школа №1 ', 'Ёлкинский ДК', 'n'.repeat(1001), undefined],
      kind: ['INSTITUTION', 'AUTHORITY', 'OTHER', ' OTHER', 'school', undefined],
      territory_code: ['17701000', ' 17701000 ', undefined],
      sector_code: ['education', undefined],
      inn: [undefined, '3301010103', '1234567890', ' '],
      ogrn: [undefined, '1', ' '],
    })) {
      const input = values(row);
      const quick = fast.organisations!(input);
      const parsed = schemas.organisations.safeParse(input);
      if (quick !== undefined) {
        accepted++;
        expect(parsed.success, JSON.stringify(input)).toBe(true);
        expect(quick).toEqual(parsed.data);
      }
    }
    expect(accepted).toBeGreaterThan(20);
    // Identifiers with valid check digits are taken by the fast check too.
    expect(fast.organisations!(values({ external_id: 'o', name: 'n', kind: 'OTHER', territory_code: 't', sector_code: 's', inn: '3301010103' }))).toMatchObject(
      {
        inn: '3301010103',
      },
    );
  });

  it('accept only what zod accepts, with the same result (pages)', () => {
    let accepted = 0;
    for (const row of cases({
      platform: ['VK', ' OK ', 'FB', undefined],
      external_id: ['club1', ' x ', 'x'.repeat(201), undefined],
      organisation_external_id: ['org-1', ' ', undefined],
      url: [
        'https://vk.com/club1',
        ' https://ok.ru/group/1 ',
        'http://vk.com/club_1.x~y',
        'https://VK.com/club1',
        'https://evil.com/vk.com',
        'https://vk.com.evil.com/x',
        'https://vk.com/club1?x=1',
        'ftp://vk.com/x',
        'https://vk.com',
        'vk.com/club1',
        'https://vk.com/клуб',
        undefined,
      ],
      name: ['Школа №1 ', undefined],
      verified: ['true', ' false ', 'yes', undefined],
      status: ['ACTIVE', ' ARCHIVED', 'DELETED', undefined],
    })) {
      const input = values(row);
      const quick = fast.pages!(input);
      const parsed = schemas.pages.safeParse(input);
      if (quick !== undefined) {
        accepted++;
        expect(parsed.success, JSON.stringify(input)).toBe(true);
        expect(quick).toEqual(parsed.data);
      }
    }
    expect(accepted).toBeGreaterThan(50);
  });

  it('leave to zod the URLs of a platform host the URL parser rewrites or refuses', () => {
    const odd = { platformHosts: new Map([['X', ['01.2.3.4', 'xn--zz.com', 'vk.0x10']]]), latestDate: '2026-06-30' };
    const check = fastRowChecks(odd).pages!;
    const schema = rowSchemas(odd).pages;
    for (const url of ['https://01.2.3.4/x', 'https://xn--zz.com/x', 'https://vk.0x10/x']) {
      const row = { platform: 'X', external_id: 'a', organisation_external_id: 'o', url, name: 'n' };
      expect(check(row), url).toBeUndefined();
      expect(schema.safeParse(row).success, url).toBe(false);
    }
  });
});
