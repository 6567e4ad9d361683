import pg from 'pg';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { findRollupMismatches } from '../../../src/modules/loads/pipeline/sql/verify.js';
import { keyFor, loadTwoRegions } from '../../fixtures/twoRegions.js';
import { useTestDatabase } from '../../helpers/database.js';
import { executeAs } from '../../helpers/executor.js';

/**
 * A small push costs what it changes (issue 22): the round trips of `recordObservations` with
 * 1,000 items stay few, whatever the machine's speed. Counted as the statement texts sent to
 * PostgreSQL by every client of this process during the call (the push's own and the API's); a
 * text may hold several statements sent together (that is the point). bench/push.ts prints the
 * same count and the statements on a loaded database.
 */

/**
 * Most round trips one push of 1,000 observations may take, counted on a key's first call (its
 * lookup and last use: 2 more, and the scope's territories for a scoped key): 14 for the push
 * itself, 15 with a scope (50 and 51 before issue 22, 20 and 21 after its first round: the apply
 * lock and the first-load question now go with the first checks, a small staging table is not
 * analysed, the data version and its notice are one statement, the observations are written with
 * the snapshot's days, the figures' refresh goes with the after-tables).
 */
const MOST_ROUND_TRIPS = { unscoped: 16, scoped: 18 };

const { pool } = await useTestDatabase();
let items: { platform: string; externalId: string; subscribers: number; observedOn: string }[];

const RECORD = `mutation ($input: RecordObservationsInput!) {
  recordObservations(input: $input) { inserted updated unchanged userErrors { field message code } }
}`;

beforeAll(async () => {
  await loadTwoRegions(pool);
  // 1,000 observations of the Vladimir region's pages, spread over as many past days as needed.
  const { rows } = await pool.query<{ platform: string; external_id: string }>(
    `SELECT f.code AS platform, p.external_id FROM page p JOIN platform f ON f.id = p.platform_id
       JOIN organisation o ON o.id = p.organisation_id JOIN territory t ON t.id = o.territory_id
      WHERE t.path && (SELECT array_agg(id) FROM territory WHERE code = '17000000') ORDER BY p.id`,
  );
  expect(rows.length).toBeGreaterThan(0);
  items = Array.from({ length: 1000 }, (_, i) => {
    const page = rows[i % rows.length];
    const day = new Date(Date.UTC(2020, 0, 1) + Math.floor(i / rows.length) * 86_400_000).toISOString().slice(0, 10);
    return { platform: page.platform, externalId: page.external_id, subscribers: 500 + i, observedOn: day };
  });
});

/** Runs `work` and counts the statement texts every pg client sends meanwhile. */
async function roundTrips<T>(work: () => Promise<T>): Promise<{ result: T; count: number }> {
  const spy = vi.spyOn(pg.Client.prototype, 'query');
  try {
    const result = await work();
    return { result, count: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}

describe('recordObservations with 1,000 items', () => {
  it.each([
    ['unscoped', undefined],
    ['scoped', ['17000000']],
  ] as const)('takes at most the round trips it may (%s key), writes them all and keeps the rollups exact', async (name, within) => {
    const { secret } = await keyFor(pool, { name: `push ${name}`, ...(within ? { within: [...within] } : {}) });
    const shifted = items.map((item) => ({ ...item, subscribers: item.subscribers + (within ? 1 : 2) }));
    const { result, count } = await roundTrips(() => executeAs(secret, RECORD, { input: { observations: shifted } }));
    expect(result.data.recordObservations.userErrors).toEqual([]);
    expect(result.data.recordObservations.inserted + result.data.recordObservations.updated).toBe(1000);
    expect(count).toBeLessThanOrEqual(MOST_ROUND_TRIPS[name]);
    expect(count).toBeGreaterThan(5); // the spy saw the push
    expect(await findRollupMismatches(pool)).toEqual([]);
  });
});
