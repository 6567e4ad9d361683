import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { DEMO_REFERENCE } from '../../../src/modules/demo/demo.js';
import { generateLoad } from '../../../src/modules/generate/index.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { findRollupMismatches } from '../../../src/modules/loads/pipeline/sql/verify.js';
import { SECTORS, SMALL_TREE } from '../../fixtures/smallTree.js';
import { useSecondDatabase, useTestDatabase } from '../../helpers/database.js';
import { csv, writeLoad } from '../../helpers/loads.js';
import { snapshot } from '../../helpers/snapshot.js';

// Both databases start empty (migrated only): the first gets the first-load path, the second
// the incremental path, and their contents must come out the same.
const { pool: fast, url: fastUrl } = await useTestDatabase();
const { pool: incremental } = await useSecondDatabase();

/** Every index and constraint of the tables a first load fills, by definition. */
async function indexes(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ definition: string }>(
    `SELECT indexdef AS definition FROM pg_indexes WHERE tablename IN ('organisation', 'page', 'observation')
     UNION ALL
     SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated FROM pg_constraint
      WHERE conrelid::regclass::text IN ('organisation', 'page', 'observation')
     ORDER BY 1`,
  );
  return rows.map((row) => row.definition);
}

/** Empties the data tables (the rollups too) for the next case. */
async function empty(pool: pg.Pool): Promise<void> {
  await pool.query(
    'TRUNCATE observation, page, organisation, territory_page_rollup, territory_platform_rollup, territory_organisation_rollup, territory_subscriber_change, territory_subscriber_checkpoint, subscriber_checkpoint_month, territory_freshness_rollup, territory_anomaly, territory, sector CASCADE',
  );
}

describe('the first load into an empty database', () => {
  it('ends in exactly the state the incremental path gives, with the rollups and per-row figures verified', async () => {
    const folder = path.join(inject('scratchFolder'), 'first-load-tiny');
    await generateLoad({
      scale: 'tiny',
      outDir: folder,
      seed: 7,
      endDate: '2026-11-30',
      territoriesPath: path.join(DEMO_REFERENCE, 'territories.csv'),
      sectorsPath: path.join(DEMO_REFERENCE, 'sectors.csv'),
    });
    const before = await indexes(fast);
    expect(before.some((definition) => definition.includes('observation_page_id_fkey FOREIGN KEY'))).toBe(true);
    const one = await importFolder(fast, folder);
    const other = await importFolder(incremental, folder, { firstLoadPath: false });
    expect(one.errors).toEqual([]);
    expect(other.errors).toEqual([]);
    expect(one.files).toEqual(other.files);
    expect(one.files.find((f) => f.file === 'observations.csv')!.inserted).toBeGreaterThan(1000);
    expect(await snapshot(fast, { withIds: false })).toEqual(await snapshot(incremental, { withIds: false }));
    expect(await findRollupMismatches(fast)).toEqual([]);
    // The secondary indexes and foreign keys it dropped to write faster are all back, as the migrations define them.
    expect(await indexes(fast)).toEqual(before);
    await fs.rm(folder, { recursive: true, force: true });
  });

  it('gives the same figures for pages without observations, archived pages, organisations without pages and late observations', async () => {
    await Promise.all([empty(fast), empty(incremental)]);
    const folder = await writeLoad({
      'territories.csv': SMALL_TREE,
      'sectors.csv': SECTORS,
      'organisations.csv': csv('external_id,name,kind,territory_code,sector_code,inn,ogrn', [
        ['school-1', 'Школа №1', 'INSTITUTION', '17646101', 'education', null, null],
        ['school-2', 'Школа №2', 'INSTITUTION', '17701000', 'education', null, null],
        ['admin', 'Администрация', 'AUTHORITY', '17701000', 'administration', null, null],
      ]),
      'pages.csv': csv('platform,external_id,organisation_external_id,url,name,verified,status', [
        ['VK', 'club1', 'school-1', 'https://vk.com/club1', 'Школа 1', 'true', 'ACTIVE'],
        ['TELEGRAM', 'school1', 'school-1', 'https://t.me/school1', 'Школа 1', null, null],
        ['OK', 'group2', 'school-2', 'https://ok.ru/group2', 'Школа 2', 'false', 'ARCHIVED'],
        ['VK', 'club2', 'school-2', 'https://vk.com/club2', 'Школа 2', null, 'ACTIVE'],
      ]),
      // Out of date order, one before 2000 with a large count; club2 has none.
      'observations.csv': csv('platform,external_id,subscribers,observed_on', [
        ['VK', 'club1', 150, '2026-10-15'],
        ['VK', 'club1', 100, '2026-10-01'],
        ['TELEGRAM', 'school1', 40, '2026-10-20'],
        ['TELEGRAM', 'school1', 2_000_000_000, '1999-06-01'],
        ['OK', 'group2', 70, '2026-10-02'],
        ['OK', 'group2', 90, '2026-10-09'],
      ]),
    });
    const one = await importFolder(fast, folder);
    const other = await importFolder(incremental, folder, { firstLoadPath: false });
    expect(one.errors).toEqual([]);
    expect(one.files).toEqual(other.files);
    expect(await snapshot(fast, { withIds: false })).toEqual(await snapshot(incremental, { withIds: false }));
    expect(await findRollupMismatches(fast)).toEqual([]);
    const { rows } = await fast.query('SELECT external_id, platform_mask, subscribers::int FROM organisation ORDER BY external_id');
    expect(rows).toEqual([
      { external_id: 'admin', platform_mask: 0, subscribers: 0 },
      { external_id: 'school-1', platform_mask: 0b101, subscribers: 190 },
      { external_id: 'school-2', platform_mask: 0b1, subscribers: 0 },
    ]);
  });

  it('into a database that has its territories already, writes the same and does not hold the tables from readers', async () => {
    await Promise.all([empty(fast), empty(incremental)]);
    const tree = await writeLoad({ 'territories.csv': SMALL_TREE, 'sectors.csv': SECTORS });
    expect((await importFolder(fast, tree)).ok).toBe(true);
    expect((await importFolder(incremental, tree)).ok).toBe(true);
    const rest = await writeLoad({
      'organisations.csv': csv('external_id,name,kind,territory_code,sector_code,inn,ogrn', [
        ['school-1', 'Школа №1', 'INSTITUTION', '17646101', 'education', null, null],
        ['school-2', 'Школа №2', 'INSTITUTION', '17701000', 'education', null, null],
      ]),
      'pages.csv': csv('platform,external_id,organisation_external_id,url,name,verified,status', [
        ['VK', 'club1', 'school-1', 'https://vk.com/club1', 'Школа 1', 'true', 'ACTIVE'],
        ['OK', 'group2', 'school-2', 'https://ok.ru/group2', 'Школа 2', null, null],
      ]),
      'observations.csv': csv('platform,external_id,subscribers,observed_on', [
        ['VK', 'club1', 150, '2026-10-15'],
        ['OK', 'group2', 90, '2026-10-09'],
      ]),
    });
    const before = await indexes(fast);
    // While the load is written but not committed, another connection reads the organisations:
    // it must not wait for the load (a wait over 2 s fails it).
    let seen: number | undefined;
    const one = await importFolder(fast, rest, {
      beforeCommit: async () => {
        const reader = new pg.Client({ connectionString: fastUrl });
        await reader.connect();
        try {
          await reader.query("SET lock_timeout = '2s'");
          seen = (await reader.query<{ n: number }>('SELECT count(*)::int AS n FROM organisation')).rows[0].n;
        } finally {
          await reader.end();
        }
      },
    });
    expect(seen).toBe(0);
    const other = await importFolder(incremental, rest, { firstLoadPath: false });
    expect(one.errors).toEqual([]);
    expect(one.files).toEqual(other.files);
    expect(await snapshot(fast, { withIds: false })).toEqual(await snapshot(incremental, { withIds: false }));
    expect(await findRollupMismatches(fast)).toEqual([]);
    expect(await indexes(fast)).toEqual(before);
  });

  it('leaves nothing behind when it is refused after writing, the dropped indexes included', async () => {
    await empty(fast);
    const folder = await writeLoad({
      'territories.csv': SMALL_TREE,
      'sectors.csv': SECTORS,
      'organisations.csv': csv('external_id,name,kind,territory_code,sector_code,inn,ogrn', [
        ['school-1', 'Школа №1', 'INSTITUTION', '17646101', 'education', null, null],
      ]),
    });
    const before = await indexes(fast);
    const result = await importFolder(fast, folder, { dryRun: true });
    expect(result.ok).toBe(true);
    const { rows } = await fast.query('SELECT (SELECT count(*) FROM organisation)::int AS organisations, (SELECT count(*) FROM territory)::int AS territories');
    expect(rows[0]).toEqual({ organisations: 0, territories: 0 });
    expect(await indexes(fast)).toEqual(before);
  });

  it('is followed by ordinary loads that keep every rollup exact', async () => {
    const folder = await writeLoad({
      'territories.csv': SMALL_TREE,
      'sectors.csv': SECTORS,
      'organisations.csv': csv('external_id,name,kind,territory_code,sector_code,inn,ogrn', [
        ['school-1', 'Школа №1', 'INSTITUTION', '17646101', 'education', null, null],
      ]),
      'pages.csv': csv('platform,external_id,organisation_external_id,url,name,verified,status', [
        ['VK', 'club1', 'school-1', 'https://vk.com/club1', 'Школа 1', 'true', 'ACTIVE'],
      ]),
      'observations.csv': csv('platform,external_id,subscribers,observed_on', [['VK', 'club1', 100, '2026-10-01']]),
    });
    expect((await importFolder(fast, folder)).ok).toBe(true);
    const next = await writeLoad({
      'observations.csv': csv('platform,external_id,subscribers,observed_on', [
        ['VK', 'club1', 120, '2026-10-08'],
        ['VK', 'club1', 90, '2026-09-20'],
      ]),
    });
    expect((await importFolder(fast, next)).ok).toBe(true);
    expect(await findRollupMismatches(fast)).toEqual([]);
    const { rows } = await fast.query("SELECT subscribers, observed_on FROM page WHERE external_id = 'club1'");
    expect(rows[0]).toEqual({ subscribers: 120, observed_on: '2026-10-08' });
  });
});
