import type pg from 'pg';
import { expect } from 'vitest';
import { addDays, today } from '../../../src/modules/figures/dates.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { ORGANISATIONS, PAGES, TREE } from '../../fixtures/readApi.js';
import { SECTORS } from '../../fixtures/smallTree.js';
import { csv, writeLoad } from '../../helpers/loads.js';

/** A settlement whose name holds markup, to check every embed escapes it. */
export const MARKUP_CODE = '17646408';
export const MARKUP_NAME = 'Тест <script>alert(1)</script> & "кавычки"';

/**
 * The read API's tree and pages with observations over the last 100 days (relative to today), so
 * that the embeds' growth and weekly history have something to show.
 */
export async function loadEmbedFixture(pool: pg.Pool): Promise<void> {
  const day = (back: number) => addDays(today(), -back);
  const observations = csv('platform,external_id,subscribers,observed_on', [
    ['VK', 'adm33', 1_290_000, day(100)],
    ['VK', 'adm33', 1_301_000, day(75)],
    ['VK', 'adm33', 1_318_000, day(60)],
    ['VK', 'adm33', 1_324_000, day(40)],
    ['VK', 'adm33', 1_341_000, day(20)],
    ['VK', 'adm33', 1_352_000, day(2)],
    ['TELEGRAM', 'adm33tg', 9_000, day(50)],
    ['TELEGRAM', 'adm33tg', 11_500, day(3)],
    ['VK', 'petushki_rn', 6_000, day(80)],
    ['VK', 'petushki_rn', 7_000, day(10)],
    ['VK', 'school1_petushki', 1_200, day(30)],
    ['OK', 'school1ok', 300, day(30)],
    ['VK', 'elkino_dk', 150, day(5)],
    ['VK', 'kaluga_museum', 800, day(40)],
  ]);
  const markup = csv('code,parent_code,level,name', [[MARKUP_CODE, '17646000', 'RURAL_SETTLEMENT', MARKUP_NAME]]);
  const result = await importFolder(
    pool,
    await writeLoad({
      'territories.csv': TREE + markup.split('\n').slice(1).join('\n'),
      'sectors.csv': SECTORS,
      'organisations.csv': ORGANISATIONS,
      'pages.csv': PAGES,
      'observations.csv': observations,
    }),
  );
  expect(result.errors).toEqual([]);
}
