import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_REFERENCE } from '../../../src/modules/demo/demo.js';
import { generateLoad } from '../../../src/modules/generate/index.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { BULK_FILES, columnNames } from '../../../src/modules/loads/rows/files.js';
import { keyFor } from '../../fixtures/twoRegions.js';
import { useSecondDatabase, useTestDatabase } from '../../helpers/database.js';
import { type ServerProcess, serverDataDir, startServer } from '../../helpers/server.js';
import { snapshot } from '../../helpers/snapshot.js';

/**
 * The whole demo folder (all five bulk files) in one `POST /v1/loads` to a real server ends in the
 * same database as the same folder through the import path (`npm run import`).
 */

const { url, pool } = await useTestDatabase();
const second = await useSecondDatabase();
const folder = path.join(inject('scratchFolder'), 'whole-demo-folder');
let server: ServerProcess;
let key: string;

beforeAll(async () => {
  await generateLoad({
    scale: 'demo',
    outDir: folder,
    territoriesPath: path.join(DEMO_REFERENCE, 'territories.csv'),
    sectorsPath: path.join(DEMO_REFERENCE, 'sectors.csv'),
  });
  server = await startServer(url, await serverDataDir());
  ({ secret: key } = await keyFor(pool, { name: 'АНО Диалог Регионы' }));
});

async function send(files: readonly string[]) {
  const body = new FormData();
  for (const name of files) body.append(name, await fs.openAsBlob(path.join(folder, name)), name);
  return fetch(`${server.url}/v1/loads`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body });
}

async function ended(id: string): Promise<any> {
  for (let i = 0; i < 1200; i++) {
    const load = (await (await fetch(`${server.url}/v1/loads/${id}`, { headers: { authorization: `Bearer ${key}` } })).json()) as any;
    if (load.status === 'SUCCEEDED' || load.status === 'FAILED') return load;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`load ${id} did not end`);
}

describe('the whole folder in one request', () => {
  it('takes all five files in one POST /v1/loads and ends in the database the import path makes', { timeout: 240_000 }, async () => {
    const names = BULK_FILES.map((file) => file.file);
    expect(names).toHaveLength(5);
    expect(fs.readdirSync(folder).sort()).toEqual([...names].sort());
    const response = await send(names);
    const sent = (await response.json()) as any;
    expect(response.status, JSON.stringify(sent)).toBe(202);
    const load = await ended(sent.id);
    expect(load.status, JSON.stringify(load.errors)).toBe('SUCCEEDED');
    expect(load.files.map((file: { file: string }) => file.file)).toEqual(names);
    for (const file of load.files) expect(file.rows).toBeGreaterThan(0);

    const imported = await importFolder(second.pool, folder);
    expect(imported.ok).toBe(true);
    expect(load.files).toEqual(imported.files);
    const [overHttp, throughImport] = [await snapshot(pool, { withIds: false }), await snapshot(second.pool, { withIds: false })];
    expect(Number(overHttp.observation.split(':')[0])).toBeGreaterThan(100_000);
    expect(overHttp).toEqual(throughImport);
  });

  it('still refuses a sixth part, and nothing is queued', async () => {
    const { rows: before } = await pool.query('SELECT count(*)::int AS n FROM load');
    const body = new FormData();
    for (const name of BULK_FILES.map((file) => file.file))
      body.append(name, new Blob([`${columnNames(BULK_FILES.find((f) => f.file === name)!).join(',')}\n`]), name);
    body.append('sectors.csv', new Blob(['code,name\n']), 'sectors.csv');
    const response = await fetch(`${server.url}/v1/loads`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.message).toBe('at most 5 files, one per bulk file');
    const { rows: after } = await pool.query('SELECT count(*)::int AS n FROM load');
    expect(after[0].n).toBe(before[0].n);
  });
});
