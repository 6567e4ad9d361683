import { describe, expect, it } from 'vitest';
import { addDays, today } from '../../../src/modules/figures/dates.js';
import { importFolder } from '../../../src/modules/loads/pipeline/runLoad.js';
import { findRollupMismatches } from '../../../src/modules/loads/pipeline/sql/verify.js';
import { useTestDatabase } from '../../helpers/database.js';
import { execute } from '../../helpers/executor.js';
import { writeLoad } from '../../helpers/loads.js';
import { LoadModel, Rng } from '../../helpers/randomLoads.js';
import { Recount } from '../../helpers/recount.js';

const { pool } = await useTestDatabase();

/**
 * Monthly checkpoints of the per-day changes (src/modules/loads/pipeline/sql/checkpoints.ts): a
 * month's checkpoints are made by the first load of the month, late and corrected observations
 * rewrite the checkpoints after their day, and `verify --since` checks the history from a day on.
 * (statsRandomised.test.ts proves the figures read through them against a recount.)
 */
const TODAY = today();

async function load(model: LoadModel, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const result = await importFolder(pool, await writeLoad(i === 0 && model.pages.size === 0 ? model.initialLoad() : model.randomLoad()));
    expect(result.errors).toEqual([]);
  }
}

const months = async () => (await pool.query<{ month: string }>('SELECT month::text FROM subscriber_checkpoint_month ORDER BY 1')).rows.map((r) => r.month);

describe('subscriber checkpoints', () => {
  it('cover every month of the history, and a load in a new month adds its checkpoints', { timeout: 120_000 }, async () => {
    const model = new LoadModel(new Rng(7), TODAY, 'cp');
    await load(model, 12);
    const built = await months();
    // From the month after the first change to the current one, without a gap.
    expect(built.at(-1)).toBe(`${TODAY.slice(0, 8)}01`);
    expect(built.length).toBeGreaterThan(12);
    for (let i = 1; i < built.length; i++) expect(addDays(built[i - 1], 27) < built[i] && addDays(built[i - 1], 32) >= built[i]).toBe(true);

    // The database as it was before this month began: its last month's checkpoints absent.
    await pool.query('DELETE FROM territory_subscriber_checkpoint WHERE month = $1', [built.at(-1)]);
    await pool.query('DELETE FROM subscriber_checkpoint_month WHERE month = $1', [built.at(-1)]);
    expect(await findRollupMismatches(pool, 20)).toEqual([]);
    // The first load of the month makes them, this load's changes included.
    await load(model, 1);
    expect(await months()).toEqual(built);
    expect(await findRollupMismatches(pool, 20)).toEqual([]);

    // Figures as of days around the month boundaries equal a recount from the raw rows.
    const recount = await Recount.read(pool);
    const days = built.slice(-4).flatMap((month) => [addDays(month, -1), month, addDays(month, 1)]);
    const fields = days.map((day, i) => `d${i}: territory(code: "RU") { stats(at: "${day}") { subscribers byPlatform { platform { code } subscribers } } }`);
    const response = await execute(`{ ${fields.join('\n')} }`);
    expect(response.errors).toBeUndefined();
    days.forEach((day, i) => {
      const expected = recount.territoryStats('RU', { at: day });
      expect(response.data[`d${i}`], day).toEqual({
        stats: { subscribers: expected.subscribers, byPlatform: expected.byPlatform.map(({ platform, subscribers }) => ({ platform, subscribers })) },
      });
    });
  });

  it('are checked by verify, from a day on with --since', { timeout: 120_000 }, async () => {
    const model = new LoadModel(new Rng(11), TODAY, 'cv');
    await load(model, 8);
    const built = await months();
    const since = built.at(-3)!;
    expect(await findRollupMismatches(pool, 20, { since })).toEqual([]);

    // A wrong checkpoint after `since`: found by both; one before it: only by the full check.
    const { rows } = await pool.query<{ month: string; territory_id: number }>(
      'SELECT month::text, territory_id FROM territory_subscriber_checkpoint WHERE month >= $1 ORDER BY month DESC LIMIT 1',
      [since],
    );
    await pool.query('UPDATE territory_subscriber_checkpoint SET subscribers = subscribers + 1 WHERE month = $1 AND territory_id = $2', [
      rows[0].month,
      rows[0].territory_id,
    ]);
    expect((await findRollupMismatches(pool, 20, { since })).map((m) => m.table)).toContain('territory_subscriber_checkpoint');
    await pool.query('UPDATE territory_subscriber_checkpoint SET subscribers = subscribers - 1 WHERE month = $1 AND territory_id = $2', [
      rows[0].month,
      rows[0].territory_id,
    ]);
    const old = await pool.query<{ month: string; territory_id: number }>(
      'SELECT month::text, territory_id FROM territory_subscriber_checkpoint WHERE month < $1 ORDER BY month LIMIT 1',
      [addDays(since, -40)],
    );
    await pool.query('UPDATE territory_subscriber_checkpoint SET subscribers = subscribers + 1 WHERE month = $1 AND territory_id = $2', [
      old.rows[0].month,
      old.rows[0].territory_id,
    ]);
    expect(await findRollupMismatches(pool, 20, { since })).toEqual([]);
    expect((await findRollupMismatches(pool, 20)).map((m) => m.table)).toContain('territory_subscriber_checkpoint');
    await pool.query('UPDATE territory_subscriber_checkpoint SET subscribers = subscribers - 1 WHERE month = $1 AND territory_id = $2', [
      old.rows[0].month,
      old.rows[0].territory_id,
    ]);

    // A wrong per-day change since `since`: found.
    const change = await pool.query<{ day: string; territory_id: number }>(
      'SELECT day::text, territory_id FROM territory_subscriber_change WHERE day >= $1 ORDER BY day LIMIT 1',
      [since],
    );
    await pool.query('UPDATE territory_subscriber_change SET delta = delta + 1 WHERE day = $1 AND territory_id = $2', [
      change.rows[0].day,
      change.rows[0].territory_id,
    ]);
    expect((await findRollupMismatches(pool, 20, { since })).map((m) => m.table)).toContain('territory_subscriber_change');
  });
});
