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

/** A key that may write within Vladimir region (17000000). */
const scope = async () => {
  const { rows } = await pool.query<{ id: number }>("SELECT id FROM territory WHERE code = '17000000'");
  return { within: ['17000000'], withinIds: [rows[0].id] };
};
const territories = (rows: (string | null)[][]) => writeLoad({ 'territories.csv': csv('code,parent_code,level,name', rows) });

describe('a scoped key and territory levels', () => {
  it('may not make a territory in its region a region (nothing changes)', async () => {
    const before = await snapshot(pool);
    const result = await importFolder(pool, await territories([['17701000', '17000000', 'REGION', 'город Владимир']]), { scope: await scope() });
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([
      {
        file: 'territories.csv',
        line: 2,
        column: 'level',
        reason: 'a territory of this key may not take the level of the territory the key may write within, or one above it',
        code: 'FORBIDDEN',
      },
    ]);
    expect(await snapshot(pool)).toEqual(before);
  });

  it('may not add a territory at its region’s level or above either', async () => {
    const before = await snapshot(pool);
    const result = await importFolder(pool, await territories([['17999000', '17000000', 'REGION', 'новый регион']]), { scope: await scope() });
    expect(result.errors.map((error) => [error.line, error.column, error.code])).toEqual([[2, 'level', 'FORBIDDEN']]);
    expect(await snapshot(pool)).toEqual(before);
  });

  it('still may change a territory to a level below its region’s', async () => {
    const result = await importFolder(pool, await territories([['17701000', '17000000', 'MUNICIPAL_OKRUG', 'город Владимир']]), { scope: await scope() });
    expect(result.errors).toEqual([]);
    expect(result.ok).toBe(true);
  });
});
