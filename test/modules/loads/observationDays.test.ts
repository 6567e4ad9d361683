import { describe, expect, it } from 'vitest';
import { addDays, today } from '../../../src/modules/figures/dates.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { findRollupMismatches } from '../../../src/modules/loads/pipeline/sql/verify.js';
import { SECTORS, SMALL_TREE } from '../../fixtures/smallTree.js';
import { useTestDatabase } from '../../helpers/database.js';
import { csv, writeLoad } from '../../helpers/loads.js';

const { pool } = await useTestDatabase();

/** The day `n` days after the first observed day (the latest is 20 days ago). */
const d = (n: number) => addDays(today(), n - 40);

const OBSERVATIONS_HEADER = 'platform,external_id,subscribers,observed_on';

/**
 * Each shape of observation a load can bring to a page with a stored history, in one load and
 * in loads after one another: the rollups (subscribers now, and the history of changes per day)
 * and each page's latest count must equal a recount from the raw rows after every load. A
 * daily push's days (after the page's latest) are counted from the load's own rows; days on or
 * before it from the stored observations.
 */
describe('observations around a page’s latest day', () => {
  it('keep every rollup and per-row figure exact, whatever days one load brings', async () => {
    const initial = await importFolder(
      pool,
      await writeLoad({
        'territories.csv': SMALL_TREE,
        'sectors.csv': SECTORS,
        'organisations.csv': csv('external_id,name,kind,territory_code,sector_code,inn,ogrn', [
          ['A', 'Школа № 1 г. Петушки', 'INSTITUTION', '17646101', 'education', null, null],
          ['B', 'Школа № 2 г. Владимира', 'INSTITUTION', '17701000', 'education', null, null],
        ]),
        'pages.csv': csv('platform,external_id,organisation_external_id,url,name,verified,status', [
          ['VK', 'a_vk', 'A', 'https://vk.com/a_vk', 'Школа 1', 'true', 'ACTIVE'],
          ['OK', 'a_ok', 'A', 'https://ok.ru/a_ok', 'Школа 1', 'false', 'ACTIVE'],
          ['TELEGRAM', 'a_tg', 'A', 'https://t.me/a_tg', 'Школа 1', 'false', 'ACTIVE'], // no observation yet
          ['VK', 'b_vk', 'B', 'https://vk.com/b_vk', 'Школа 2', 'true', 'ACTIVE'],
          ['OK', 'b_ok', 'B', 'https://ok.ru/b_ok', 'Школа 2 (старая)', 'false', 'ARCHIVED'],
        ]),
        'observations.csv': csv(OBSERVATIONS_HEADER, [
          ['VK', 'a_vk', 100, d(0)],
          ['VK', 'a_vk', 130, d(10)],
          ['VK', 'a_vk', 150, d(20)],
          ['OK', 'a_ok', 40, d(5)],
          ['OK', 'a_ok', 60, d(15)],
          ['VK', 'b_vk', 500, d(0)],
          ['VK', 'b_vk', 480, d(20)],
          ['OK', 'b_ok', 70, d(20)],
        ]),
      }),
      { firstLoadPath: false },
    );
    expect(initial.errors).toEqual([]);
    expect(await findRollupMismatches(pool)).toEqual([]);

    const loads: [string, [string, string, number, string][]][] = [
      // A correction of the latest day and two new days after it; a day between stored ones and a
      // new day after the latest; the first days of a page never observed; an archived page's new day.
      [
        'mixed',
        [
          ['VK', 'a_vk', 155, d(20)],
          ['VK', 'a_vk', 160, d(22)],
          ['VK', 'a_vk', 158, d(25)],
          ['OK', 'a_ok', 50, d(10)],
          ['OK', 'a_ok', 65, d(21)],
          ['TELEGRAM', 'a_tg', 10, d(3)],
          ['TELEGRAM', 'a_tg', 12, d(24)],
          ['OK', 'b_ok', 75, d(23)],
        ],
      ],
      // A daily push: one new day for every page.
      [
        'daily',
        [
          ['VK', 'a_vk', 161, d(26)],
          ['OK', 'a_ok', 66, d(26)],
          ['TELEGRAM', 'a_tg', 13, d(26)],
          ['VK', 'b_vk', 470, d(26)],
          ['OK', 'b_ok', 76, d(26)],
        ],
      ],
      // Days older than everything stored, a correction of a middle day, a correction of the
      // latest day alone, and the same latest count again.
      [
        'older',
        [
          ['VK', 'a_vk', 90, d(-5)],
          ['VK', 'b_vk', 490, d(10)],
          ['VK', 'b_vk', 475, d(26)],
          ['OK', 'a_ok', 66, d(26)],
          ['TELEGRAM', 'a_tg', 11, d(1)],
        ],
      ],
      // Several new days at once after a gap, the first of them below the stored latest count.
      [
        'gap',
        [
          ['VK', 'b_vk', 400, d(30)],
          ['VK', 'b_vk', 420, d(31)],
          ['VK', 'b_vk', 410, d(33)],
          ['VK', 'a_vk', 170, d(32)],
        ],
      ],
    ];
    for (const [name, rows] of loads) {
      const result = await importFolder(pool, await writeLoad({ 'observations.csv': csv(OBSERVATIONS_HEADER, rows) }));
      expect(result.errors, name).toEqual([]);
      expect(await findRollupMismatches(pool), name).toEqual([]);
    }

    // The figures a reader sees follow: the region's subscribers now are the active pages' latest counts.
    const { rows } = await pool.query<{ subscribers: string }>(
      `SELECT sum(r.subscribers)::text AS subscribers FROM territory_page_rollup r JOIN territory t ON t.id = r.territory_id WHERE t.code = '17000000'`,
    );
    expect(rows[0].subscribers).toBe(String(170 + 66 + 13 + 410));
    const history = await pool.query<{ delta: string }>(
      `SELECT sum(c.delta)::text AS delta FROM territory_subscriber_change c JOIN territory t ON t.id = c.territory_id
        WHERE t.code = '17000000' AND c.day <= $1`,
      [d(26)],
    );
    expect(history.rows[0].delta).toBe(String(161 + 66 + 13 + 475));
  });
});
