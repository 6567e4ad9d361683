import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { loadTwoRegions } from '../../fixtures/twoRegions.js';
import { useTestDatabase } from '../../helpers/database.js';
import { csv, writeLoad } from '../../helpers/loads.js';
import { type ServerProcess, serverDataDir, startServer } from '../../helpers/server.js';

/**
 * An anonymous export past the rate budget, through a real server process. The budget is charged
 * per batch of 100 rows as the client reads; the refusal of a later batch used to error the
 * response's body stream, which the Node adapter left as an unhandled rejection: the process
 * ended (review, 2026-12-04: `curl /v1/exports/territories/RU/organisations.csv` on the demo
 * stopped the server after about 2,800 rows).
 */
const { url, pool } = await useTestDatabase();
let server: ServerProcess;

beforeAll(async () => {
  await loadTwoRegions(pool);
  const rows = Array.from({ length: 450 }, (_, i) => [`many-${i}`, `Школа № ${i}`, 'INSTITUTION', '17701000', 'education', null, null]);
  const load = await importFolder(pool, await writeLoad({ 'organisations.csv': csv('external_id,name,kind,territory_code,sector_code,inn,ogrn', rows) }));
  expect(load.errors).toEqual([]);
  // Room for the first batch or two of organisation rows, not for the whole file.
  server = await startServer(url, await serverDataDir(), { RATE_LIMIT_POINTS: '1500', TRUST_PROXY: '127.0.0.1' });
}, 60_000);

afterAll(async () => {
  await server?.kill();
});

describe('an export that spends its budget midway', () => {
  it('is cut (a broken transfer, not a complete-looking file) and the server serves on, nothing written', async () => {
    const versionBefore = (await pool.query('SELECT max(version) AS v FROM data_version')).rows[0].v;
    // One client address per format (through the trusted proxy), each with a budget of its own.
    for (const [format, client] of [
      ['csv', '203.0.113.1'],
      ['xlsx', '203.0.113.2'],
    ]) {
      const response = await fetch(`${server.url}/v1/exports/territories/RU/organisations.${format}`, { headers: { 'x-forwarded-for': client } });
      expect(response.status, format).toBe(200);
      await expect(response.arrayBuffer(), format).rejects.toThrow();
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status, format).toBe(200);
      expect(server.child.exitCode, format).toBeNull();
    }
    // The budget is spent: the next export is refused before its first byte.
    const refused = await fetch(`${server.url}/v1/exports/territories/RU/organisations.csv`, { headers: { 'x-forwarded-for': '203.0.113.1' } });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    expect(server.log()).not.toMatch(/Unexpected error while handling request/);
    expect((await pool.query('SELECT max(version) AS v FROM data_version')).rows[0].v).toEqual(versionBefore);
  });
});
