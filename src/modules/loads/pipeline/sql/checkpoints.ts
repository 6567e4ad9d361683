import type pg from 'pg';

/**
 * Monthly checkpoints of the per-day subscriber changes (docs/aggregation.md, "Checkpoints"): the
 * only writer of territory_subscriber_checkpoint and subscriber_checkpoint_month.
 *
 * The checkpoint of month M holds, per (territory, sector, platform), the sum of the cell's
 * changes on the days before M's first day: the figure as of the last day of the month before.
 * The read side (src/modules/figures/sql.ts) gives a figure as of D as the checkpoint of D's month
 * plus the changes from its first day to D, so it reads at most a month of change rows.
 *
 * Kept exact inside every load's transaction:
 * - each net change of a (territory, day, cell) that the load adds to territory_subscriber_change
 *   is added to the checkpoints of every month after that day (`CHECKPOINT_CHANGES`, fed from
 *   rollup.ts's series_cell_delta): a daily push's days are in the current month, after every
 *   checkpoint, so it adds nothing; a late observation N months back rewrites N checkpoint rows
 *   per ancestor cell;
 * - the first load of a month adds that month's checkpoints from the previous month's and its
 *   changes (`extendCheckpoints`: once a month, a month of change rows, read territory by territory
 *   along the primary key); a load of days older
 *   than any stored adds the months back to them, each from the one after it;
 * - a rebuild counts them all again from the change rows (`rebuildCheckpoints`).
 */

/**
 * The months with checkpoints (first, last), the month they must reach (the current one, UTC) and
 * the first they must start from for this load's changes (the month after its earliest changed
 * day: a load of older days than any before extends them backwards).
 */
const MONTHS = `SELECT min(month)::text AS first, max(month)::text AS last, date_trunc('month', now() AT TIME ZONE 'UTC')::date::text AS target,
                       (SELECT (date_trunc('month', min(day)) + interval '1 month')::date::text FROM series_cell_delta) AS wanted
                  FROM subscriber_checkpoint_month`;

/**
 * Every checkpoint recounted from territory_subscriber_change, for the months listed in
 * subscriber_checkpoint_month: per cell, the running sum of its changes by month (bucket = the
 * first checkpoint month after the day), carried to every month up to the next bucket; zeros left
 * out. What a rebuild writes and what `npm run verify` compares with.
 */
export const CHECKPOINTS_RECOUNT = `
  SELECT m.month, r.territory_id, r.sector_id, r.platform_id, r.running::bigint AS subscribers
    FROM (SELECT territory_id, sector_id, platform_id, bucket, sum(delta) OVER w AS running, lead(bucket) OVER w AS next_bucket
            FROM (SELECT territory_id, sector_id, platform_id, (date_trunc('month', day) + interval '1 month')::date AS bucket, sum(delta) AS delta
                    FROM territory_subscriber_change GROUP BY 1, 2, 3, 4) b
          WINDOW w AS (PARTITION BY territory_id, sector_id, platform_id ORDER BY bucket)) r
    JOIN subscriber_checkpoint_month m ON m.month >= r.bucket AND (r.next_bucket IS NULL OR m.month < r.next_bucket)
   WHERE r.running <> 0`;

/**
 * The checkpoint of `next` ($1) from the checkpoint of `last` ($2, the month before it) and the
 * changes of the days in [last, next): one month's rows.
 */
/**
 * The checkpoint of `previous` ($1) from the checkpoint of the month after it ($2) less the changes
 * of the days in [previous, $2): one month's rows, going backwards.
 */
const PREVIOUS_CHECKPOINT = `
  SELECT $1::date AS month, territory_id, sector_id, platform_id, sum(v)::bigint AS subscribers FROM (
    SELECT territory_id, sector_id, platform_id, subscribers AS v FROM territory_subscriber_checkpoint WHERE month = $2::date
    UNION ALL
    SELECT c.territory_id, c.sector_id, c.platform_id, -c.delta FROM territory t
     CROSS JOIN LATERAL (SELECT * FROM territory_subscriber_change WHERE territory_id = t.id AND day >= $1::date AND day < $2::date) c) x
   GROUP BY 2, 3, 4 HAVING sum(v) <> 0`;

const NEXT_CHECKPOINT = `
  SELECT $1::date AS month, territory_id, sector_id, platform_id, sum(v)::bigint AS subscribers FROM (
    SELECT territory_id, sector_id, platform_id, subscribers AS v FROM territory_subscriber_checkpoint WHERE month = $2::date
    UNION ALL
    SELECT c.territory_id, c.sector_id, c.platform_id, c.delta FROM territory t
     CROSS JOIN LATERAL (SELECT * FROM territory_subscriber_change WHERE territory_id = t.id AND day >= $2::date AND day < $1::date) c) x
   GROUP BY 2, 3, 4 HAVING sum(v) <> 0`;

/**
 * Checkpoints of the months from `since` on recounted from each previous month's checkpoint and
 * the changes between them (verify --since: proportional to the months checked; the first month's
 * previous checkpoint is taken as stored, the chain checks each step). $1: the day `since`.
 */
export const CHECKPOINTS_SINCE_RECOUNT = `
  SELECT m.month, x.territory_id, x.sector_id, x.platform_id, sum(x.v)::bigint AS subscribers
    FROM (SELECT month, lag(month) OVER (ORDER BY month) AS previous FROM subscriber_checkpoint_month) m
    CROSS JOIN LATERAL (
      SELECT territory_id, sector_id, platform_id, subscribers AS v FROM territory_subscriber_checkpoint WHERE month = m.previous
      UNION ALL
      SELECT c.territory_id, c.sector_id, c.platform_id, c.delta FROM territory t
       CROSS JOIN LATERAL (SELECT * FROM territory_subscriber_change
                            WHERE territory_id = t.id AND day < m.month AND day >= coalesce(m.previous, '-infinity'::date)) c) x
   WHERE m.month >= $1::date
   GROUP BY 1, 2, 3, 4 HAVING sum(x.v) <> 0`;

/**
 * The upsert adding this load's net changes (series_cell_delta: territory, day, sector, platform,
 * delta) to the checkpoints of every month after their day, over every ancestor. Sent in the
 * rollup upserts' round trip (rollup.ts), keeping the keys it brought to zero like them.
 */
export const CHECKPOINT_CHANGES = `
  INSERT INTO territory_subscriber_checkpoint AS r (month, territory_id, sector_id, platform_id, subscribers)
  SELECT m.month, a.id, d.sector_id, d.platform_id, sum(d.delta)
    FROM series_cell_delta d
    JOIN subscriber_checkpoint_month m ON m.month > d.day
    JOIN territory t ON t.id = d.territory_id CROSS JOIN LATERAL unnest(t.path) AS a(id)
   GROUP BY 1, 2, 3, 4 HAVING sum(d.delta) <> 0 ORDER BY 1, 2, 3, 4
  ON CONFLICT (month, territory_id, sector_id, platform_id) DO UPDATE SET subscribers = r.subscribers + excluded.subscribers
  RETURNING r.*`;

/**
 * After the load's changes are in: adds the checkpoints of the months since the last one up to
 * the current month (usually none; the first load of a month adds one), or counts them all when
 * there are none yet. Runs after CHECKPOINT_CHANGES, so a new month includes this load's changes.
 */
export async function extendCheckpoints(client: pg.PoolClient): Promise<void> {
  const { rows } = await client.query<{ first: string | null; last: string | null; target: string; wanted: string | null }>(MONTHS);
  const [{ first, last, target, wanted }] = rows;
  if (first === null || last === null) {
    await rebuildCheckpoints(client);
    return;
  }
  for (let month = last; month < target; ) month = await addMonth(client, NEXT_CHECKPOINT, month, '1 month');
  for (let month = first; wanted !== null && wanted < month; ) month = await addMonth(client, PREVIOUS_CHECKPOINT, month, '-1 month');
}

/** Adds the checkpoints of the month `step` away from `month` (made by `statement` from `month`'s), and records the month; returns it. */
async function addMonth(client: pg.PoolClient, statement: string, month: string, step: '1 month' | '-1 month'): Promise<string> {
  const { rows } = await client.query<{ month: string }>(`SELECT ($1::date + $2::interval)::date::text AS month`, [month, step]);
  const added = rows[0].month;
  // The month's checkpoints, then the month recorded.
  await client.query(
    `INSERT INTO territory_subscriber_checkpoint (month, territory_id, sector_id, platform_id, subscribers) ${statement} ORDER BY 1, 2, 3, 4`,
    [added, month],
  );
  await client.query('INSERT INTO subscriber_checkpoint_month (month) VALUES ($1::date)', [added]);
  return added;
}

/**
 * Counts every checkpoint again from territory_subscriber_change (after the rollups were rebuilt):
 * the months from the one after the first change's (or the current month, if earlier) to the
 * current month.
 */
export async function rebuildCheckpoints(client: pg.PoolClient): Promise<void> {
  await client.query('DELETE FROM territory_subscriber_checkpoint');
  await client.query('DELETE FROM subscriber_checkpoint_month');
  // The months: from the first change's next month (or the current one, if earlier) to the current month.
  await client.query(`INSERT INTO subscriber_checkpoint_month (month)
    SELECT generate_series(least(date_trunc('month', (SELECT min(day) FROM territory_subscriber_change)) + interval '1 month',
                                 date_trunc('month', now() AT TIME ZONE 'UTC')),
                           date_trunc('month', now() AT TIME ZONE 'UTC'), interval '1 month')::date`);
  await client.query(
    `INSERT INTO territory_subscriber_checkpoint (month, territory_id, sector_id, platform_id, subscribers) ${CHECKPOINTS_RECOUNT} ORDER BY 1, 2, 3, 4`,
  );
}
