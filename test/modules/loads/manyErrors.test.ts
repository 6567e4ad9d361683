import { beforeAll, describe, expect, it } from 'vitest';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { keyFor, loadTwoRegions } from '../../fixtures/twoRegions.js';
import { useTestDatabase } from '../../helpers/database.js';
import { createTestApi, loadQueue } from '../../helpers/executor.js';
import { csv, writeLoad } from '../../helpers/loads.js';
import { snapshot } from '../../helpers/snapshot.js';

const { pool } = await useTestDatabase();
let key: string;
/** The API with room for the bodies these tests send. */
const big = () => createTestApi({ loads: { queue: loadQueue(), maxBytes: 64 * 1024 * 1024 } });
let api: ReturnType<typeof big>;

beforeAll(async () => {
  await loadTwoRegions(pool);
  await loadQueue().start();
  ({ secret: key } = await keyFor(pool, { name: 'operator' }));
  api = big();
});

/** One sector key repeated on every line: every line but the first is a DUPLICATE. */
const REPEATS = 200_000;
const repeated = () =>
  csv(
    'code,name',
    Array.from({ length: REPEATS }, () => ['education', 'Образование']),
  );

describe('a load with very many bad rows', () => {
  it('reports every one of them (counted, in file order) and writes nothing', async () => {
    const before = await snapshot(pool);
    const result = await importFolder(pool, await writeLoad({ 'sectors.csv': repeated() }));
    expect(result.ok).toBe(false);
    expect(result.errors).toHaveLength(REPEATS - 1);
    expect(result.errors[0]).toEqual({
      file: 'sectors.csv',
      line: 3,
      column: 'code',
      reason: 'duplicate key "education" (first given on line 2)',
      code: 'DUPLICATE',
    });
    expect(result.errors.every((error) => error.code === 'DUPLICATE')).toBe(true);
    expect(result.files).toEqual([{ file: 'sectors.csv', rows: REPEATS, inserted: 0, updated: 0, unchanged: 0, rejected: REPEATS - 1 }]);
    expect(await snapshot(pool)).toEqual(before);
  }, 120_000);

  it('over HTTP ends FAILED with the row report (the count whole, the first errors stored), not an internal error', async () => {
    const before = await snapshot(pool);
    const body = new FormData();
    body.append('sectors.csv', new Blob([repeated()]), 'sectors.csv');
    const sent = await api.fetch('http://test/v1/loads', { method: 'POST', headers: { authorization: `Bearer ${key}` }, body });
    expect(sent.status).toBe(202);
    const { id } = (await sent.json()) as { id: string };
    let load: { status: string; errorCount: number; errors: unknown[]; reason: string } | undefined;
    for (let i = 0; i < 1200 && !(load && (load.status === 'FAILED' || load.status === 'SUCCEEDED')); i++) {
      if (load) await new Promise((resolve) => setTimeout(resolve, 50));
      load = (await (await api.fetch(`http://test/v1/loads/${id}`, { headers: { authorization: `Bearer ${key}` } })).json()) as typeof load;
    }
    expect(load?.status).toBe('FAILED');
    expect(load?.reason).toBe('rejected rows: nothing was applied (see errors)');
    expect(load?.errorCount).toBe(REPEATS - 1);
    expect(load?.errors).toHaveLength(100);
    expect(await snapshot(pool)).toEqual(before);
  }, 120_000);
});

describe('errors that quote input', () => {
  const HUGE = 'x'.repeat(6_000_000);

  it('quote at most a short excerpt of a 6 MB header row (loaded from a folder)', async () => {
    const before = await snapshot(pool);
    const result = await importFolder(pool, await writeLoad({ 'sectors.csv': `code,name,${HUGE}\neducation,Образование,1\n` }));
    expect(result.ok).toBe(false);
    expect(result.errors).toHaveLength(1);
    expect(JSON.stringify(result.errors).length).toBeLessThan(500);
    expect(await snapshot(pool)).toEqual(before);
  });

  it('quote at most a short excerpt of a long unknown column', async () => {
    const result = await importFolder(pool, await writeLoad({ 'sectors.csv': `code,name,${'y'.repeat(100_000)}\neducation,Образование,1\n` }));
    expect(result.errors.map((error) => [error.column, error.code])).toEqual([[`${'y'.repeat(60)}… (100000 characters)`, 'INVALID']]);
  });

  it('quote at most a short excerpt of a 6 MB header cell (sent over HTTP)', async () => {
    const body = new FormData();
    body.append('sectors.csv', new Blob([`code,name,${HUGE}\neducation,Образование,1\n`]), 'sectors.csv');
    const response = await api.fetch('http://test/v1/loads', { method: 'POST', headers: { authorization: `Bearer ${key}` }, body });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text.length).toBeLessThan(1000);
    expect(JSON.parse(text).error.code).toBe('BAD_REQUEST');
  });

  it('quote at most a short excerpt of a very long key in a duplicate or an unknown reference', async () => {
    const long = 'k'.repeat(100_000);
    const result = await importFolder(
      pool,
      await writeLoad({ 'organisations.csv': csv('external_id,name,kind,territory_code,sector_code', [['a', 'A', 'OTHER', long, 'education']]) }),
    );
    expect(result.errors.map((error) => [error.code, error.reason.length < 200])).toEqual([['NOT_FOUND', true]]);
  });
});
