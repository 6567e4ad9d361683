import type pg from 'pg';
import { CHECKPOINTS_RECOUNT, CHECKPOINTS_SINCE_RECOUNT } from './checkpoints.js';
import { PLATFORMS_FROM_CELLS, RECOUNT } from './rollup.js';

/** One rollup cell whose maintained value differs from a recount of the raw rows. */
export interface RollupMismatch {
  table: string;
  key: string;
  maintained: string | null;
  recounted: string | null;
}

/**
 * A maintained table, the SELECT recounting it (its parameters: `since`, when it takes one) and the
 * rows compared (`where`, on both sides; `maintained`: how the table's rows are read, when not whole).
 */
interface Check {
  table: string;
  recount: string;
  key: readonly string[];
  value: string;
  where?: string;
  maintained?: string;
}

/** The tables of current figures: checked whole every time (their size does not grow with history). */
const CURRENT: readonly Check[] = [
  { table: 'territory_organisation_rollup', recount: RECOUNT.organisations, key: ['territory_id', 'sector_id', 'platform_mask'], value: 'organisations' },
  {
    table: 'territory_page_rollup',
    recount: RECOUNT.pages,
    key: ['territory_id', 'sector_id', 'platform_id'],
    value: "pages || '/' || subscribers || '/' || verified_pages || '/' || verified_subscribers",
  },
  // The page rollup summed over sectors (compared with the raw rows in the line above).
  {
    table: 'territory_platform_rollup',
    recount: PLATFORMS_FROM_CELLS,
    key: ['territory_id', 'platform_id'],
    value: "pages || '/' || subscribers || '/' || verified_pages || '/' || verified_subscribers",
  },
  // Freshness: active pages per (territory subtree, day of their latest observation).
  { table: 'territory_freshness_rollup', recount: RECOUNT.freshness, key: ['territory_id', 'observed_on'], value: 'pages' },
  // Candidate jumps (anomalies): the steps passing the floor, per ancestor.
  { table: 'territory_anomaly', recount: RECOUNT.anomalies, key: ['territory_id', 'day', 'page_id'], value: "since || '/' || before || '/' || after" },
  // The per-row figures the rollups are rebuilt from: a page's current count, an organisation's platform set and subscribers.
  { table: 'page', recount: RECOUNT.pageFigures, key: ['id'], value: "coalesce(subscribers::text, '-') || '@' || coalesce(observed_on::text, '-')" },
  { table: 'organisation', recount: RECOUNT.organisationFigures, key: ['id'], value: "platform_mask || '/' || subscribers" },
];

const CHANGE_KEY = ['territory_id', 'day', 'sector_id', 'platform_id'];
const CHECKPOINT_KEY = ['month', 'territory_id', 'sector_id', 'platform_id'];

/** The history's tables, whole: the per-day changes from the raw observations, the checkpoints from the per-day changes. */
const HISTORY: readonly Check[] = [
  { table: 'territory_subscriber_change', recount: RECOUNT.changes, key: CHANGE_KEY, value: 'delta' },
  { table: 'territory_subscriber_checkpoint', recount: CHECKPOINTS_RECOUNT, key: CHECKPOINT_KEY, value: 'subscribers' },
];

/**
 * The history's tables from a day on ($1): the per-day changes of the days since it from the
 * observations since it (and each page's one before), and the checkpoints of the months since it
 * each from the previous month's and the changes between, all read along the primary keys: work
 * proportional to the days checked (times pages and territories), not to the history stored.
 */
const HISTORY_SINCE: readonly Check[] = [
  {
    table: 'territory_subscriber_change',
    recount: RECOUNT.changesSince,
    key: CHANGE_KEY,
    value: 'delta',
    where: 'day >= $1::date',
    // Territory by territory along the primary key (territory, day, …): the days since $1 only.
    maintained: `SELECT c.* FROM territory t CROSS JOIN LATERAL (SELECT * FROM territory_subscriber_change WHERE territory_id = t.id AND day >= $1::date) c`,
  },
  { table: 'territory_subscriber_checkpoint', recount: CHECKPOINTS_SINCE_RECOUNT, key: CHECKPOINT_KEY, value: 'subscribers', where: 'month >= $1::date' },
];

/**
 * Compares every maintained rollup row, and every page's and organisation's stored figures, with
 * the same recounted from pages, organisations and observations (a full outer join: missing,
 * extra and different rows all show). With `since` (a day, `YYYY-MM-DD`), the history (per-day
 * changes, checkpoints) is checked from that day on only (`npm run verify -- --since`).
 */
export async function findRollupMismatches(client: pg.ClientBase | pg.Pool, limit = 1000, options: { since?: string } = {}): Promise<RollupMismatch[]> {
  const mismatches: RollupMismatch[] = [];
  const checks = [...CURRENT, ...(options.since ? HISTORY_SINCE : HISTORY)];
  for (const { table, recount, key, value, where, maintained } of checks) {
    const keyList = key.join(', ');
    const only = where ? `WHERE ${where}` : '';
    const { rows } = await client.query<{ key: string; maintained: string | null; recounted: string | null }>(
      `WITH maintained AS (SELECT ${keyList}, (${value})::text AS v FROM ${maintained ? `(${maintained}) m` : table} ${only}),
            recounted AS (SELECT ${keyList}, (${value})::text AS v FROM (${recount}) r ${only})
       SELECT concat_ws(',', ${key.map((k) => `coalesce(m.${k}, r.${k})`).join(', ')}) AS key, m.v AS maintained, r.v AS recounted
         FROM maintained m FULL JOIN recounted r USING (${keyList})
        WHERE m.v IS DISTINCT FROM r.v
        LIMIT $${where ? 2 : 1}`,
      where ? [options.since, limit] : [limit],
    );
    mismatches.push(...rows.map((row) => ({ table, ...row })));
  }
  return mismatches;
}
