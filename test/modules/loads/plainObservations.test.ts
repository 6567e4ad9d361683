import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addDays, today } from '../../../src/modules/figures/dates.js';
import { stagePlainObservations } from '../../../src/modules/loads/pipeline/plainObservations.js';
import { type ImportResult, importFolder, runLoad } from '../../../src/modules/loads/pipeline/runLoad.js';
import { STAGED, TEMP_TABLES } from '../../../src/modules/loads/pipeline/tables.js';
import { fastRowChecks } from '../../../src/modules/loads/rows/rules.js';
import { folderSource } from '../../../src/modules/loads/rows/source.js';
import { SECTORS, SMALL_TREE } from '../../fixtures/smallTree.js';
import { useSecondDatabase, useTestDatabase } from '../../helpers/database.js';
import { csv, writeLoad } from '../../helpers/loads.js';
import { snapshot } from '../../helpers/snapshot.js';

// One database loads observations.csv as folders do (plain files staged by PostgreSQL), the other
// through the same folder without its path (every row read and checked in Node).
const { pool: plainDb } = await useTestDatabase();
const { pool: nodeDb } = await useSecondDatabase();

const d = (n: number) => addDays(today(), -n);
const HEADER = 'platform,external_id,subscribers,observed_on\n';

const BASE = {
  'territories.csv': SMALL_TREE,
  'sectors.csv': SECTORS,
  'organisations.csv': csv('external_id,name,kind,territory_code,sector_code,inn,ogrn', [
    ['A', 'Школа № 1 г. Петушки', 'INSTITUTION', '17646101', 'education', null, null],
  ]),
  'pages.csv': csv('platform,external_id,organisation_external_id,url,name,verified,status', [
    ['VK', 'club1', 'A', 'https://vk.com/club1', 'Школа 1', 'true', 'ACTIVE'],
    ['OK', '5523', 'A', 'https://ok.ru/group/5523', 'Школа 1', 'false', 'ACTIVE'],
    ['TELEGRAM', 'school_1', 'A', 'https://t.me/school_1', 'Школа 1', 'false', 'ACTIVE'],
  ]),
};

/** The same folder without its path: the source every non-folder load uses (rows read in Node). */
async function nodeOnly(folder: string) {
  const { path: _path, ...source } = await folderSource(folder);
  return source;
}

/** What a load reports, without its timing. */
function outcome(result: ImportResult) {
  const { elapsedMs: _elapsed, dataVersion: _version, ...rest } = result;
  return rest;
}

/** Whether stagePlainObservations takes the file (the rows it staged) or leaves it to Node (undefined). */
async function plainRows(text: string): Promise<number | undefined> {
  const folder = await writeLoad({ 'observations.csv': text });
  const client = await plainDb.connect();
  try {
    await client.query('BEGIN');
    await client.query(TEMP_TABLES[STAGED.observations]);
    const hosts = new Map((await client.query<{ code: string; hosts: string[] }>('SELECT code, hosts FROM platform')).rows.map((r) => [r.code, r.hosts]));
    const fast = fastRowChecks({ platformHosts: hosts, latestDate: today() }).observations!;
    const rows = await stagePlainObservations(client, path.join(folder, 'observations.csv'), fast, () => undefined);
    // Nothing of a refused attempt is left: the staging table is empty, the transaction usable.
    const { rows: staged } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM stage_observation');
    expect(staged[0].n).toBe(rows ?? 0);
    return rows;
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

describe('observations.csv of plain lines', () => {
  it('is staged by PostgreSQL with the same rows and lines as when Node reads it, and loads to the same data', async () => {
    const base = await writeLoad(BASE);
    expect((await importFolder(plainDb, base)).errors).toEqual([]);
    expect((await runLoad(nodeDb, await nodeOnly(base))).errors).toEqual([]);

    const text = `${HEADER}VK,club1,120,${d(3)}\nOK,5523,7,${d(3)}\nTELEGRAM,school_1,2147483647,${d(2)}\nVK,club1,0000000125,${d(1)}\n`;
    expect(await plainRows(text)).toBe(4);
    const folder = await writeLoad({ 'observations.csv': text });
    const plain = await importFolder(plainDb, folder);
    const node = await runLoad(nodeDb, await nodeOnly(folder));
    expect(plain.errors).toEqual([]);
    expect(outcome(plain)).toEqual(outcome(node));
    expect(await snapshot(plainDb, { withIds: false })).toEqual(await snapshot(nodeDb, { withIds: false }));

    // Errors found after staging carry the staged line numbers: a page that does not exist, a row repeated.
    const later = `${HEADER}VK,club1,130,${d(0)}\nVK,nosuchpage,1,${d(0)}\nOK,5523,8,${d(0)}\nOK,5523,9,${d(0)}\n`;
    expect(await plainRows(later)).toBe(4);
    const laterFolder = await writeLoad({ 'observations.csv': later });
    const refused = await importFolder(plainDb, laterFolder);
    expect(refused.errors.map((e) => e.line)).toEqual([3, 5]);
    expect(outcome(refused)).toEqual(outcome(await runLoad(nodeDb, await nodeOnly(laterFolder))));
  });

  it('without a trailing newline, or with no data row, is still plain', async () => {
    expect(await plainRows(`${HEADER}VK,club1,1,${d(1)}`)).toBe(1);
    expect(await plainRows(HEADER)).toBe(0);
  });

  // Each file that is not plain goes to Node, which reads and reports it as before: the same
  // outcome whichever source loads it.
  const notPlain: [string, string][] = [
    ['a quoted field', `${HEADER}"VK",club1,1,${d(1)}\n`],
    ['a quote inside a field', `${HEADER}VK,"club""1",1,${d(1)}\n`],
    ['a space around a value', `${HEADER}VK, club1,1,${d(1)}\n`],
    ['a space after the platform', `${HEADER}VK ,club1,1,${d(1)}\n`],
    ['a space around the day', `${HEADER}VK,club1,1, ${d(1)}\n`],
    ['CRLF line ends', `${HEADER.replace('\n', '\r\n')}VK,club1,1,${d(1)}\r\n`],
    ['a byte-order mark', `\uFEFF${HEADER}VK,club1,1,${d(1)}\n`],
    ['an empty line', `${HEADER}VK,club1,1,${d(2)}\n\nVK,club1,2,${d(1)}\n`],
    ['a trailing empty line', `${HEADER}VK,club1,1,${d(1)}\n\n`],
    ['a line of \\.', `${HEADER}VK,club1,1,${d(2)}\n\\.\nVK,club1,2,${d(1)}\n`],
    ['an unknown platform', `${HEADER}FB,club1,1,${d(1)}\n`],
    ['a lower-case platform', `${HEADER}vk,club1,1,${d(1)}\n`],
    ['a day in the future', `${HEADER}VK,club1,1,${addDays(today(), 3)}\n`],
    ['a day that does not exist', `${HEADER}VK,club1,1,2026-02-30\n`],
    ['a day in another format', `${HEADER}VK,club1,1,02.12.2026\n`],
    ['a count too large', `${HEADER}VK,club1,2147483648,${d(1)}\n`],
    ['a count of 11 digits', `${HEADER}VK,club1,00000000001,${d(1)}\n`],
    ['a negative count', `${HEADER}VK,club1,-1,${d(1)}\n`],
    ['a count with a sign', `${HEADER}VK,club1,+1,${d(1)}\n`],
    ['a non-ASCII external id', `${HEADER}VK,клуб1,1,${d(1)}\n`],
    ['an empty field', `${HEADER}VK,,1,${d(1)}\n`],
    ['a missing field', `${HEADER}VK,club1,1\n`],
    ['an extra field', `${HEADER}VK,club1,1,${d(1)},x\n`],
    ['the header in another order', `external_id,platform,subscribers,observed_on\nclub1,VK,1,${d(1)}\n`],
    ['a NUL character', `${HEADER}VK,club\u00001,1,${d(1)}\n`],
  ];
  for (const [name, text] of notPlain) {
    it(`with ${name} is read in Node, with the same outcome`, async () => {
      expect(await plainRows(text)).toBeUndefined();
      const folder = await writeLoad({ 'observations.csv': text });
      const plain = await importFolder(plainDb, folder, { dryRun: true });
      const node = await runLoad(nodeDb, await nodeOnly(folder), { dryRun: true });
      expect(outcome(plain)).toEqual(outcome(node));
    });
  }

  it('leaves the file as it is on disk', async () => {
    const text = `${HEADER}VK,club1,1,${d(1)}\n`;
    const folder = await writeLoad({ 'observations.csv': text });
    await importFolder(plainDb, folder, { dryRun: true });
    expect(await fs.readFile(path.join(folder, 'observations.csv'), 'utf8')).toBe(text);
  });
});
