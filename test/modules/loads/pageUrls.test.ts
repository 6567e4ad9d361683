import { beforeAll, describe, expect, it } from 'vitest';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { loadTwoRegions } from '../../fixtures/twoRegions.js';
import { useTestDatabase } from '../../helpers/database.js';
import { csv, writeLoad } from '../../helpers/loads.js';
import { snapshot } from '../../helpers/snapshot.js';

const { pool } = await useTestDatabase();

beforeAll(async () => {
  await loadTwoRegions(pool);
});

const PAGES = 'platform,external_id,organisation_external_id,url,name';
const pages = (rows: string[][]) => writeLoad({ 'pages.csv': csv(PAGES, rows) });

describe('one URL, one page', () => {
  it('refuses a scoped key registering another region’s page under a new external id (nothing changes)', async () => {
    const { rows } = await pool.query<{ id: number }>("SELECT id FROM territory WHERE code = '17000000'");
    const before = await snapshot(pool);
    const result = await importFolder(pool, await pages([['VK', 'copy_of_b', 'school-a', 'https://vk.com/school_b', 'Школа Б, ещё раз']]), {
      scope: { within: ['17000000'], withinIds: [rows[0].id] },
    });
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([
      { file: 'pages.csv', line: 2, column: 'url', reason: 'another page has this URL: VK school_b (stored); one URL is one page', code: 'DUPLICATE' },
    ]);
    expect(await snapshot(pool)).toEqual(before);
  });

  it('refuses two pages of one load with one URL, naming the first line', async () => {
    const before = await snapshot(pool);
    const result = await importFolder(
      pool,
      await pages([
        ['VK', 'one', 'school-a', 'https://vk.com/same', 'Один'],
        ['VK', 'two', 'school-a', 'https://vk.com/same', 'Два'],
      ]),
    );
    expect(result.errors).toEqual([
      { file: 'pages.csv', line: 3, column: 'url', reason: 'another page has this URL: VK one (line 2); one URL is one page', code: 'DUPLICATE' },
    ]);
    expect(await snapshot(pool)).toEqual(before);
  });

  it('lets a page keep or change its own URL, and the database refuses a shared URL written any other way', async () => {
    const kept = await importFolder(pool, await pages([['VK', 'school_a', 'school-a', 'https://vk.com/school_a', 'Школа А']]));
    expect(kept.errors).toEqual([]);
    await expect(
      pool.query(
        "INSERT INTO page (platform_id, external_id, organisation_id, url, name) SELECT platform_id, 'other', organisation_id, url, name FROM page WHERE external_id = 'school_a'",
      ),
    ).rejects.toThrow(/page_platform_id_url_key/);
  });
});
