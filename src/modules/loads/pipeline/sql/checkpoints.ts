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
 *   is added to the checkpoints of every month after that day (`checkpointUpsert`, fed from
 *   the net changes per leaf cell and day that rollup.ts computes): a daily push's days are in the current month, after every
 *   checkpoint, so it adds nothing; a late observation N months back rewrites N checkpoint rows
 *   per ancestor cell;
 * - the first load of a month adds that month's checkpoints from the previous month's and its
 *   changes (`extendCheckpoints`: once a month, a month of change rows, read territory by territory
 *   along the primary key); a load of days older
 *   than any stored adds the months back to them (earlierCheckpoints, in the same round trip);
 * - a rebuild counts them all again from the change rows (`rebuildCheckpoints`).
 */

/** The months with checkpoints (first, last) and the month they must reach (the current one, UTC). */
export const CHECKPOINT_MONTHS = `SELECT min(month)::text AS first, max(month)::text AS last, date_trunc('month', now() AT TIME ZONE 'UTC')::date::text AS target
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
 * The checkpoints of the months before the first one so far, when this load's changes
 * (`deltas`: the temporary table of net changes per leaf cell and day, rollup.ts) go back further than it: three statements sent with the rollup upserts
 * (after checkpointUpsert), so they cost no round trip; when there is nothing to add, the
 * one-time conditions skip the reads. The first month and the one the load needs, kept; the
 * months back to it recorded; their checkpoints, the running sums of the changes before the old
 * first month (read territory by territory along the primary key: only the rows older than every
 * checkpoint so far, which this load has just added).
 */
export const earlierCheckpoints = (deltas: string): string[] => [
  `CREATE TEMP TABLE checkpoint_first ON COMMIT DROP AS
     SELECT min(month) AS first, (SELECT (date_trunc('month', min(day)) + interval '1 month')::date FROM ${deltas}) AS wanted
       FROM subscriber_checkpoint_month`,
  `INSERT INTO subscriber_checkpoint_month (month)
     SELECT generate_series(wanted, (first - interval '1 month')::date, interval '1 month')::date FROM checkpoint_first WHERE wanted < first`,
  `INSERT INTO territory_subscriber_checkpoint (month, territory_id, sector_id, platform_id, subscribers)
   SELECT m.month, r.territory_id, r.sector_id, r.platform_id, r.running::bigint
     FROM (SELECT territory_id, sector_id, platform_id, bucket, sum(delta) OVER w AS running, lead(bucket) OVER w AS next_bucket
             FROM (SELECT c.territory_id, c.sector_id, c.platform_id, (date_trunc('month', c.day) + interval '1 month')::date AS bucket, sum(c.delta) AS delta
                     FROM territory t CROSS JOIN LATERAL (SELECT * FROM territory_subscriber_change
                                                           WHERE territory_id = t.id AND day < (SELECT first FROM checkpoint_first)) c
                    WHERE (SELECT wanted < first FROM checkpoint_first)
                    GROUP BY 1, 2, 3, 4) b
           WINDOW w AS (PARTITION BY territory_id, sector_id, platform_id ORDER BY bucket)) r
     JOIN subscriber_checkpoint_month m ON m.month < (SELECT first FROM checkpoint_first) AND m.month >= r.bucket AND (r.next_bucket IS NULL OR m.month < r.next_bucket)
    WHERE r.running <> 0
    ORDER BY 1, 2, 3, 4`,
];

/**
 * The checkpoint of `next` ($1) from the checkpoint of `last` ($2, the month before it) and the
 * changes of the days in [last, next): one month's rows.
 */
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
 * The upsert adding this load's net changes (`deltas`, a temporary table: territory, day, sector, platform,
 * delta) to the checkpoints of every month after their day, over every ancestor. Sent in the
 * rollup upserts' round trip (rollup.ts), keeping the keys it brought to zero like them.
 */
export const checkpointUpsert = (deltas: string): string => `
  INSERT INTO territory_subscriber_checkpoint AS r (month, territory_id, sector_id, platform_id, subscribers)
  SELECT m.month, a.id, d.sector_id, d.platform_id, sum(d.delta)
    FROM ${deltas} d
    JOIN subscriber_checkpoint_month m ON m.month > d.day
    JOIN territory t ON t.id = d.territory_id CROSS JOIN LATERAL unnest(t.path) AS a(id)
   GROUP BY 1, 2, 3, 4 HAVING sum(d.delta) <> 0 ORDER BY 1, 2, 3, 4
  ON CONFLICT (month, territory_id, sector_id, platform_id) DO UPDATE SET subscribers = r.subscribers + excluded.subscribers
  RETURNING r.*`;

/** A row of CHECKPOINT_MONTHS (sent with the rollup upserts, so that a load's usual case costs no round trip of its own). */
export interface CheckpointMonths {
  first: string | null;
  last: string | null;
  target: string;
}

/**
 * After the load's changes are in (`months`: CHECKPOINT_MONTHS, read in the same round trip): adds the checkpoints of the months since the last one up to
 * the current month (usually none; the first load of a month adds one), or counts them all when
 * there are none yet. Runs after checkpointUpsert, so a new month includes this load's changes.
 */
export async function extendCheckpoints(client: pg.PoolClient, months: CheckpointMonths): Promise<void> {
  const { first, last, target } = months;
  if (first === null || last === null) {
    await rebuildCheckpoints(client);
    return;
  }
  for (let month = last; month < target; ) month = await addMonth(client, month);
}

/** Adds the checkpoints of the month after `month` (from `month`'s and the month's changes), and records the month; returns it. */
async function addMonth(client: pg.PoolClient, month: string): Promise<string> {
  const { rows } = await client.query<{ month: string }>(`SELECT ($1::date + interval '1 month')::date::text AS month`, [month]);
  const added = rows[0].month;
  // The month's checkpoints, then the month recorded.
  await client.query(
    `INSERT INTO territory_subscriber_checkpoint (month, territory_id, sector_id, platform_id, subscribers) ${NEXT_CHECKPOINT} ORDER BY 1, 2, 3, 4`,
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
