import type pg from 'pg';
import { PLATFORMS_FROM_CELLS, RECOUNT } from './rollup.js';

/** One rollup cell whose maintained value differs from a recount of the raw rows. */
export interface RollupMismatch {
  table: string;
  key: string;
  maintained: string | null;
  recounted: string | null;
}

const TABLES = [
  { table: 'territory_organisation_rollup', recount: RECOUNT.organisations, key: ['territory_id', 'sector_id', 'platform_mask'], value: 'organisations' },
  { table: 'territory_page_rollup', recount: RECOUNT.pages, key: ['territory_id', 'sector_id', 'platform_id'], value: "pages || '/' || subscribers" },
  // The page rollup summed over sectors (compared with the raw rows in the line above).
  { table: 'territory_platform_rollup', recount: PLATFORMS_FROM_CELLS, key: ['territory_id', 'platform_id'], value: "pages || '/' || subscribers" },
  { table: 'territory_subscriber_change', recount: RECOUNT.changes, key: ['territory_id', 'day', 'sector_id', 'platform_id'], value: 'delta' },
  // The per-row figures the rollups are rebuilt from: a page's current count, an organisation's platform set and subscribers.
  { table: 'page', recount: RECOUNT.pageFigures, key: ['id'], value: "coalesce(subscribers::text, '-') || '@' || coalesce(observed_on::text, '-')" },
  { table: 'organisation', recount: RECOUNT.organisationFigures, key: ['id'], value: "platform_mask || '/' || subscribers" },
] as const;

/**
 * Compares every maintained rollup row, and every page's and organisation's stored figures, with
 * the same recounted from pages, organisations and observations (a full outer join: missing,
 * extra and different rows all show).
 */
export async function findRollupMismatches(client: pg.ClientBase | pg.Pool, limit = 1000): Promise<RollupMismatch[]> {
  const mismatches: RollupMismatch[] = [];
  for (const { table, recount, key, value } of TABLES) {
    const keyList = key.join(', ');
    const { rows } = await client.query<{ key: string; maintained: string | null; recounted: string | null }>(
      `WITH maintained AS (SELECT ${keyList}, (${value})::text AS v FROM ${table}),
            recounted AS (SELECT ${keyList}, (${value})::text AS v FROM (${recount}) r)
       SELECT concat_ws(',', ${key.map((k) => `coalesce(m.${k}, r.${k})`).join(', ')}) AS key, m.v AS maintained, r.v AS recounted
         FROM maintained m FULL JOIN recounted r USING (${keyList})
        WHERE m.v IS DISTINCT FROM r.v
        LIMIT $1`,
      [limit],
    );
    mismatches.push(...rows.map((row) => ({ table, ...row })));
  }
  return mismatches;
}
