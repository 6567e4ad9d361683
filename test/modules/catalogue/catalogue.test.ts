import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE_CHANNEL } from '../../../src/modules/catalogue/loaders.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { SECTORS } from '../../fixtures/smallTree.js';
import { useTestDatabase } from '../../helpers/database.js';
import { countStatements, data } from '../../helpers/executor.js';
import { csv, writeLoad } from '../../helpers/loads.js';

const { pool } = await useTestDatabase();

beforeAll(async () => {
  const result = await importFolder(pool, await writeLoad({ 'sectors.csv': SECTORS }));
  expect(result.errors).toEqual([]);
});

const SECTOR_CODES = '{ sectors { code name } }';

describe('the catalogue (platforms and sectors), kept by the process', () => {
  it('is read once, not once per request', async () => {
    await data(SECTOR_CODES);
    const again = await countStatements(() => data(SECTOR_CODES));
    expect(again.statements).toBe(0);
    expect(again.result.sectors.map((s: { code: string }) => s.code)).toEqual(['administration', 'culture', 'education']);
  });

  it('is read again after a load that changes the sectors, and other processes are notified at its commit', async () => {
    const listener = new pg.Client({ connectionString: (pool.options as { connectionString: string }).connectionString });
    await listener.connect();
    const notified: string[] = [];
    listener.on('notification', (message) => notified.push(message.channel));
    await listener.query(`LISTEN ${CATALOGUE_CHANNEL}`);
    try {
      await data(SECTOR_CODES);
      // A dry run changes nothing and tells nobody.
      const dry = await importFolder(pool, await writeLoad({ 'sectors.csv': csv('code,name', [['sport', 'Спорт']]) }), { dryRun: true });
      expect(dry.errors).toEqual([]);
      expect((await data(SECTOR_CODES)).sectors.map((s: { code: string }) => s.code)).not.toContain('sport');

      const result = await importFolder(
        pool,
        await writeLoad({
          'sectors.csv': csv('code,name', [
            ['sport', 'Спорт'],
            ['culture', 'Культура и искусство'],
          ]),
        }),
      );
      expect(result.errors).toEqual([]);
      const after = await data(SECTOR_CODES);
      expect(after.sectors).toContainEqual({ code: 'sport', name: 'Спорт' });
      expect(after.sectors).toContainEqual({ code: 'culture', name: 'Культура и искусство' });
      // A filter naming the new sector resolves at once.
      expect((await data('{ territories(filter: { search: "x" }) { totalCount } sectors { code } }')).sectors).toHaveLength(4);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(notified).toEqual([CATALOGUE_CHANNEL]);
    } finally {
      await listener.end();
    }
  });
});
