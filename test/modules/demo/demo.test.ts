import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../../../src/db/migrate.js';
import { DEMO_REFERENCE, loadDemoIfEmpty } from '../../../src/modules/demo/demo.js';
import { findRollupMismatches } from '../../../src/modules/loads/pipeline/sql/verify.js';
import { useTestDatabase } from '../../helpers/database.js';

const { pool } = await useTestDatabase();

describe('the demo on first start', () => {
  it('reads the shipped reference files (the folder resolves to the project’s reference/)', () => {
    expect(path.basename(DEMO_REFERENCE)).toBe('reference');
    expect(existsSync(path.join(DEMO_REFERENCE, 'territories.csv'))).toBe(true);
    expect(existsSync(path.join(DEMO_REFERENCE, 'sectors.csv'))).toBe(true);
    expect(existsSync(path.join(DEMO_REFERENCE, '..', 'package.json'))).toBe(true);
    expect(existsSync(path.join(MIGRATIONS_DIR, '20261126000000_init', 'migration.sql'))).toBe(true);
  });

  it('refuses an unknown DEMO_SCALE before touching the database', async () => {
    await expect(loadDemoIfEmpty(pool, 'huge')).rejects.toThrow('DEMO_SCALE must be national or demo, got "huge"');
  });

  it('loads the national scale into an empty database with every rollup exact, at the published figures', { timeout: 300_000 }, async () => {
    // Two processes starting together on the empty database: one loads the demo, the other waits and finds it.
    expect((await Promise.all([loadDemoIfEmpty(pool), loadDemoIfEmpty(pool)])).sort()).toEqual([false, true]);
    // What `npm run verify` checks: every rollup row and per-row figure equals a recount of the raw rows.
    expect(await findRollupMismatches(pool)).toEqual([]);
    // Subscribers over VK, OK and Telegram, and organisations with an active page on one of them.
    const figures = async (code: string) => {
      const { rows } = await pool.query<{ subscribers: number; organisations: number }>(
        `SELECT (SELECT sum(r.subscribers)::float8 FROM territory_page_rollup r JOIN platform f ON f.id = r.platform_id
                  WHERE r.territory_id = t.id AND f.code IN ('VK', 'OK', 'TELEGRAM')) AS subscribers,
                (SELECT sum(r.organisations)::int FROM territory_organisation_rollup r
                  WHERE r.territory_id = t.id AND r.platform_mask & (SELECT bit_or(1 << (id - 1)) FROM platform WHERE code IN ('VK', 'OK', 'TELEGRAM')) <> 0) AS organisations
           FROM territory t WHERE t.code = $1`,
        [code],
      );
      return rows[0];
    };
    const vladimir = await figures('17000000');
    expect(vladimir.organisations).toBeGreaterThan(2314 * 0.95);
    expect(vladimir.organisations).toBeLessThan(2314 * 1.05);
    expect(vladimir.subscribers).toBeGreaterThan(1_400_000 * 0.95);
    expect(vladimir.subscribers).toBeLessThan(1_400_000 * 1.05);
    const russia = await figures('RU');
    expect(russia.subscribers).toBeGreaterThan(115_000_000 * 0.95);
    expect(russia.subscribers).toBeLessThan(115_000_000 * 1.05);
    // Active pages per platform nationally, and the largest sector.
    const { rows: pages } = await pool.query<{ code: string; pages: number; subscribers: number }>(
      `SELECT f.code, sum(r.pages)::int AS pages, sum(r.subscribers)::float8 AS subscribers
         FROM territory_page_rollup r JOIN platform f ON f.id = r.platform_id JOIN territory t ON t.id = r.territory_id
        WHERE t.code = 'RU' GROUP BY f.code`,
    );
    const byPlatform = Object.fromEntries(pages.map((row) => [row.code, row]));
    expect(byPlatform.VK.pages).toBeGreaterThan(175_000 * 0.9);
    expect(byPlatform.VK.pages).toBeLessThan(175_000 * 1.1);
    expect(byPlatform.MAX.pages).toBeGreaterThan(20_000 * 0.9);
    expect(byPlatform.MAX.pages).toBeLessThan(20_000 * 1.1);
    expect(byPlatform.MAX.subscribers).toBeGreaterThan(2_000_000 * 0.9);
    expect(byPlatform.MAX.subscribers).toBeLessThan(2_000_000 * 1.1);
    const { rows: sectors } = await pool.query<{ code: string; organisations: number }>(
      `SELECT c.code, count(*)::int AS organisations FROM organisation o JOIN sector c ON c.id = o.sector_id
        GROUP BY c.code ORDER BY organisations DESC LIMIT 1`,
    );
    expect(sectors[0].code).toBe('education');
    expect(sectors[0].organisations).toBeGreaterThan(83_000 * 0.95);
    expect(sectors[0].organisations).toBeLessThan(83_000 * 1.05);
    // A second start finds the data and loads nothing.
    expect(await loadDemoIfEmpty(pool)).toBe(false);
  });
});
