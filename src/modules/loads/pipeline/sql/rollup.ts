import type pg from 'pg';
import { ANOMALY_FLOOR } from '../../../monitoring/anomalyFloor.js';
import { OBSERVATION_CHANGE, STAGED } from '../tables.js';
import { sendBatch } from './batch.js';
import { CHECKPOINT_MONTHS, type CheckpointMonths, checkpointUpsert, earlierCheckpoints, extendCheckpoints, rebuildCheckpoints } from './checkpoints.js';
import { STORED_OBSERVATION } from './load.js';

/**
 * Rollup maintenance: the only writer of territory_page_rollup, territory_platform_rollup (the
 * same summed over sectors), territory_organisation_rollup, territory_subscriber_change (and,
 * through checkpoints.ts, of its monthly checkpoints), territory_freshness_rollup and
 * territory_anomaly.
 *
 * A load changes the rollups by the difference between what the rows it touches contributed
 * before and what they contribute after. A contribution is attached to a "cell" (territory,
 * sector, platform or platform set) and added to the cell of every ancestor of the territory
 * (its `path`). The steps, all inside the load's transaction (driven by ../rollups.ts and
 * ../incremental.ts):
 *
 *   1. `captureBefore`            before organisations and pages are written
 *   2. `captureObservationKeys`   after pages are written, before observations are
 *   3. `refreshFigures`           after everything is written: pages' and organisations' own figures
 *   4. `collectAfter`, `addRollupChanges`  (after - before) added to the rollups; or `rebuildRollups`
 *
 * Subscriber history is kept as per-day changes: a page contributes on each observation day the
 * difference from its previous observation; the figure as of D is the sum of changes up to D.
 * An observation at D changes the page's change on D and on its next observation day only, so
 * a late or corrected observation touches two days, not the whole series.
 */

/** Pages in a rollup snapshot from which its temporary tables are analysed before being joined. */
const LARGE_SNAPSHOT = 5_000;

/** Highest ids before the load: rows above them are new in this load. */
export interface Watermarks {
  organisation: number;
  page: number;
}

/** Step 1: snapshot what the organisations and pages this load will change contribute now. */
export async function captureBefore(client: pg.PoolClient, staged: ReadonlySet<string>): Promise<Watermarks> {
  const [marks] = await sendBatch(client, [
    // The watermarks.
    'SELECT coalesce((SELECT max(id) FROM organisation), 0) AS organisation, coalesce((SELECT max(id) FROM page), 0) AS page',
    // Existing organisations moving to another territory or sector.
    `CREATE TEMP TABLE moved_org ON COMMIT DROP AS
    ${
      staged.has('organisations')
        ? `SELECT o.id AS org_id FROM ${STAGED.organisations} s
           JOIN organisation o ON o.external_id = s.external_id
           JOIN territory t ON t.code = s.territory_code JOIN sector c ON c.code = s.sector_code
          WHERE (o.territory_id, o.sector_id) <> (t.id, c.id)`
        : 'SELECT NULL::int AS org_id WHERE false'
    }`,
    // Existing pages whose organisation, status or verification mark changes, with the organisation they move to
    // (a mark changing moves the page between the verified figures of its cell: verifiedPageChanges).
    `CREATE TEMP TABLE changed_page ON COMMIT DROP AS
    ${
      staged.has('pages')
        ? `SELECT p.id AS page_id, p.organisation_id AS old_org_id, o.id AS new_org_id FROM ${STAGED.pages} s
           JOIN platform f ON f.code = s.platform
           JOIN page p ON p.platform_id = f.id AND p.external_id = s.external_id
           LEFT JOIN organisation o ON o.external_id = s.organisation_external_id
          WHERE p.organisation_id IS DISTINCT FROM o.id OR p.status <> s.status OR p.verified IS DISTINCT FROM s.verified`
        : 'SELECT NULL::int AS page_id, NULL::int AS old_org_id, NULL::int AS new_org_id WHERE false'
    }`,
    // Existing organisations whose platform set may change: moved ones, and both ends of a changed
    // page or of a new page.
    `CREATE TEMP TABLE affected_org ON COMMIT DROP AS
    SELECT org_id FROM moved_org
    UNION SELECT old_org_id FROM changed_page
    UNION SELECT new_org_id FROM changed_page WHERE new_org_id IS NOT NULL
    ${
      staged.has('pages')
        ? `UNION SELECT o.id FROM ${STAGED.pages} s JOIN organisation o ON o.external_id = s.organisation_external_id
          WHERE NOT EXISTS (SELECT 1 FROM page p JOIN platform f ON f.id = p.platform_id
                             WHERE f.code = s.platform AND p.external_id = s.external_id)`
        : ''
    }`,
    // Existing pages whose cell (territory, sector, platform, active) changes: their whole series moves.
    `CREATE TEMP TABLE moved_page ON COMMIT DROP AS
      SELECT page_id FROM changed_page
      UNION SELECT p.id FROM page p JOIN moved_org m ON m.org_id = p.organisation_id`,
    // The cells of the affected organisations as they are.
    `CREATE TEMP TABLE org_before ON COMMIT DROP AS
      SELECT o.id AS org_id, o.territory_id, o.sector_id, o.platform_mask FROM organisation o JOIN affected_org a ON a.org_id = o.id`,
    // The cells of the moved pages as they are.
    `CREATE TEMP TABLE page_before ON COMMIT DROP AS ${pageCells('JOIN moved_page m ON m.page_id = p.id')}`,
    // The full change series of pages whose cell changes.
    `CREATE TEMP TABLE series_before ON COMMIT DROP AS ${fullSeries('SELECT page_id FROM moved_page')}`,
  ]);
  return marks.rows[0] as Watermarks;
}

/**
 * Step 2 (the observation change is resolved, nothing observed is written yet): for pages that only
 * get observations, snapshot their cell and their change on every day the new observations can
 * alter: the observation's day and the next observed day after it. `changes`: the rows of the
 * observation change (no fewer than the pages observed).
 */
export async function captureObservationKeys(
  client: pg.PoolClient,
  marks: Watermarks,
  changes: number,
  { taken = false, write = [] as readonly string[] } = {},
): Promise<pg.QueryResult[]> {
  // `taken`: the observed pages and their cells were snapshotted with the observation change
  // (resolveObservingOnly). `write`: statements to send once the snapshot is taken (the write of
  // the observations), in its last round trip; their results are returned.
  const pages = taken
    ? []
    : [
        // The pages that only get observations.
        `CREATE TEMP TABLE observed_page ON COMMIT DROP AS
      SELECT DISTINCT page_id FROM ${OBSERVATION_CHANGE} WHERE page_id <= ${Number(marks.page)}
      EXCEPT SELECT page_id FROM moved_page`,
        // Their cells as they are.
        `INSERT INTO page_before ${pageCells('JOIN observed_page m ON m.page_id = p.id')}`,
      ];
  // Days up to the page's latest stored day whose change can differ after the load: each new or
  // corrected day, and the next day already observed after it. (Days after the latest, a daily
  // push's, are counted from the load's own rows: TAIL_SERIES.)
  const days = [SERIES_KEY, `INSERT INTO series_before ${keyedSeries()}`];
  // A load of fewer changes than LARGE_SNAPSHOT observes fewer pages: all in one round trip.
  if (changes < LARGE_SNAPSHOT) return (await sendBatch(client, [...pages, ...days, ...write])).slice(pages.length + days.length);
  // The snapshots can hold every page (a daily push): the joins below are then planned on their
  // real sizes (a small load's tiny tables plan well on the default guess).
  const [observed] = taken ? await sendBatch(client, ['SELECT count(*)::int AS n FROM observed_page']) : await sendBatch(client, pages);
  const large = (taken ? (observed.rows[0] as { n: number }).n : (observed.rowCount ?? 0)) >= LARGE_SNAPSHOT;
  if (large) await client.query('ANALYZE observed_page, page_before');
  await client.query(SERIES_KEY);
  if (large) await client.query('ANALYZE series_key');
  return sendBatch(client, [days[1], ...write]).then((results) => results.slice(1));
}

/**
 * Step 2 for a load of observations only (nothing else changes before the rollups, so a page's
 * cell is the same now as when the observations are written): the statements that resolve the
 * staged observations into the observation change (as apply.ts's RESOLVE_OBSERVATIONS) and, in the
 * same pass over the pages, snapshot the observed pages (observed_page) and their cells as they
 * are (page_before, the columns of pageCells): each page is looked up once. captureObservationKeys
 * then takes only the days (`taken`).
 */
export function resolveObservingOnly(): string[] {
  return [
    'CREATE TEMP TABLE observed_page (page_id int NOT NULL) ON COMMIT DROP',
    `WITH resolved AS MATERIALIZED (
       SELECT p.id AS page_id, s.observed_on, s.subscribers, o.page_id IS NULL AS is_new,
              c.territory_id, c.sector_id, p.platform_id, p.status = 'ACTIVE' AS active,
              coalesce(p.subscribers, 0)::bigint AS subscribers_before, p.observed_on AS observed_on_before, p.verified
         FROM ${STAGED.observations} s
         JOIN platform f ON f.code = s.platform
         JOIN page p ON p.platform_id = f.id AND p.external_id = s.external_id
         JOIN organisation c ON c.id = p.organisation_id
         ${STORED_OBSERVATION}
        WHERE o.page_id IS NULL OR o.subscribers <> s.subscribers),
     changed AS (INSERT INTO ${OBSERVATION_CHANGE} (page_id, observed_on, subscribers, is_new)
                 SELECT page_id, observed_on, subscribers, is_new FROM resolved),
     snapshot AS (INSERT INTO page_before (page_id, territory_id, sector_id, platform_id, active, subscribers, observed_on, verified)
                  SELECT DISTINCT page_id, territory_id, sector_id, platform_id, active, subscribers_before, observed_on_before, verified FROM resolved
                  RETURNING page_id)
     INSERT INTO observed_page (page_id) SELECT page_id FROM snapshot`,
  ];
}

/** The (page, day) pairs whose change a load of observations may alter (see captureObservationKeys). */
const SERIES_KEY = `CREATE TEMP TABLE series_key ON COMMIT DROP AS
  WITH stored AS (
    SELECT c.page_id, c.observed_on, c.observed_on < b.observed_on AS before_latest
      FROM ${OBSERVATION_CHANGE} c JOIN observed_page m ON m.page_id = c.page_id
      JOIN page_before b ON b.page_id = c.page_id AND c.observed_on <= b.observed_on)
  SELECT page_id, observed_on AS day FROM stored
  UNION
  SELECT s.page_id, nxt.observed_on FROM stored s
    CROSS JOIN LATERAL (SELECT o.observed_on FROM observation o WHERE o.page_id = s.page_id AND o.observed_on > s.observed_on
                         ORDER BY o.observed_on LIMIT 1) nxt
   WHERE s.before_latest`;

/**
 * Step 3: refresh the per-page and per-organisation figures (a page's current count, an
 * organisation's platform set and subscribers) from what the load wrote.
 */
export async function refreshFigures(client: pg.PoolClient, marks: Watermarks): Promise<void> {
  await sendBatch(client, figureRefresh(marks));
}

/** The statements of refreshFigures (collectAfter may send them in its round trip). */
export function figureRefresh(marks: Watermarks): string[] {
  // A page's current count is its latest observation: the latest this load adds or corrects when
  // it is on or after the latest stored before the load (which the page holds until here), else
  // the page's as it is. No load deletes an observation, so nothing older needs to be read.
  return [
    `UPDATE page p SET subscribers = l.subscribers, observed_on = l.observed_on
       FROM (SELECT DISTINCT ON (page_id) page_id, subscribers, observed_on FROM ${OBSERVATION_CHANGE} ORDER BY page_id, observed_on DESC) l
      WHERE p.id = l.page_id AND (p.observed_on IS NULL OR l.observed_on >= p.observed_on)
        AND (p.subscribers, p.observed_on) IS DISTINCT FROM (l.subscribers, l.observed_on)`,
    // Pages that only got observations (their cell is as before), with their count before and now.
    `CREATE TEMP TABLE observed_now ON COMMIT DROP AS
    SELECT b.page_id, p.organisation_id, b.territory_id, b.sector_id, b.platform_id, b.active, b.subscribers AS subscribers_before,
           coalesce(p.subscribers, 0)::bigint AS subscribers, p.observed_on, b.verified
      FROM page_before b JOIN observed_page m ON m.page_id = b.page_id JOIN page p ON p.id = b.page_id`,
    // Organisations whose platform set may have changed (moved, or at either end of a changed or
    // new page) and new ones: counted again from their active pages.
    `CREATE TEMP TABLE touched_org ON COMMIT DROP AS
       SELECT org_id FROM affected_org
       UNION SELECT old_org_id FROM changed_page
       UNION SELECT organisation_id FROM page WHERE id > ${Number(marks.page)}
       UNION SELECT id FROM organisation WHERE id > ${Number(marks.organisation)}`,
    // An organisation's platform set and current subscribers, from its active pages.
    `UPDATE organisation o SET platform_mask = a.mask, subscribers = a.subscribers
       FROM (SELECT t.org_id,
                    coalesce(bit_or(1 << (p.platform_id - 1)) FILTER (WHERE p.status = 'ACTIVE'), 0) AS mask,
                    coalesce(sum(p.subscribers) FILTER (WHERE p.status = 'ACTIVE'), 0) AS subscribers
               FROM touched_org t LEFT JOIN page p ON p.organisation_id = t.org_id
              GROUP BY t.org_id) a
      WHERE o.id = a.org_id AND (o.platform_mask, o.subscribers) IS DISTINCT FROM (a.mask, a.subscribers)`,
    // The other organisations with observed pages keep their platform set; their subscribers change
    // by their active pages' new counts minus the old (a daily push: every organisation with a page).
    `UPDATE organisation o SET subscribers = o.subscribers + d.change
       FROM (SELECT n.organisation_id, sum(n.subscribers - n.subscribers_before) AS change
               FROM observed_now n WHERE n.active AND NOT EXISTS (SELECT 1 FROM touched_org t WHERE t.org_id = n.organisation_id)
              GROUP BY 1 HAVING sum(n.subscribers - n.subscribers_before) <> 0) d
      WHERE o.id = d.organisation_id`,
  ];
}

/** Step 4a: what the organisations and pages the load touched contribute now (its new ones included). */
export async function collectAfter(client: pg.PoolClient, marks: Watermarks, leading: readonly string[] = []): Promise<void> {
  // `leading`: statements sent first in the same round trip (the figures' refresh, figureRefresh).
  const all = await sendBatch(client, [
    ...leading,
    // The affected organisations (all existing: ids up to the watermark) and the new ones, read
    // as two index lookups (one OR over both would scan the whole table).
    `CREATE TEMP TABLE org_after ON COMMIT DROP AS
      SELECT o.id AS org_id, o.territory_id, o.sector_id, o.platform_mask FROM organisation o JOIN (SELECT DISTINCT org_id FROM affected_org) a ON a.org_id = o.id
      UNION ALL
      SELECT o.id, o.territory_id, o.sector_id, o.platform_mask FROM organisation o WHERE o.id > ${Number(marks.organisation)}`,
    // The same for pages: those snapshotted before (moved ones, and observed ones as they are now)
    // and the new ones.
    `CREATE TEMP TABLE page_after ON COMMIT DROP AS
      ${pageCells('JOIN moved_page m ON m.page_id = p.id')}
      UNION ALL
      SELECT page_id, territory_id, sector_id, platform_id, active, subscribers, observed_on, verified FROM observed_now`,
    // The pages new in this load.
    `INSERT INTO page_after ${pageCells(`WHERE p.id > ${Number(marks.page)}`)}`,
    // The full series of the moved pages and the new ones.
    `CREATE TEMP TABLE series_after ON COMMIT DROP AS
      ${fullSeries(`SELECT page_id FROM moved_page UNION ALL SELECT id FROM page WHERE id > ${Number(marks.page)}`)}`,
    // The keyed days of the observed pages, as written.
    `INSERT INTO series_after ${keyedSeries()}`,
    // The days after their latest stored day.
    `INSERT INTO series_after ${TAIL_SERIES}`,
  ]);
  const results = all.slice(leading.length);
  const pages = (results[1].rowCount ?? 0) + (results[2].rowCount ?? 0);
  // Planned on their real sizes when large (see captureObservationKeys).
  if (pages >= LARGE_SNAPSHOT) await client.query('ANALYZE page_after, series_before, series_after');
}

/**
 * Step 4b: adds (after - before) to the rollups, deleting the rows brought to nothing.
 * `organisations: false` (a load of no organisation and no page: an organisation's platform set
 * depends only on its pages' platforms and statuses, and no organisation moves) leaves the
 * organisation rollup alone: org_before and org_after are empty.
 */
export async function addRollupChanges(client: pg.PoolClient, { organisations = true } = {}): Promise<void> {
  const changes = [
    ...(organisations ? [organisationChanges()] : []),
    pageChanges(),
    platformChanges(),
    subscriberChanges(),
    checkpointChanges(),
    freshnessChanges(),
  ];
  // The page cells' and the series' deltas, the upserts, the anomalies' statements (ANOMALY_CHANGES)
  // and the checkpoint months, in one round trip; then the deletes of the rows brought to nothing
  // in another (usually none: not sent).
  const results = await sendBatch(client, [
    PAGE_CELL_DELTA,
    SERIES_CELL_DELTA,
    ...changes.map((change) => change.upsert),
    ...ANOMALY_CHANGES,
    ...earlierCheckpoints('series_cell_delta'),
    CHECKPOINT_MONTHS,
  ]);
  const emptied = results.slice(2, 2 + changes.length);
  await sendBatch(
    client,
    changes.flatMap((change, i) => (emptied[i].rowCount ? change.dropEmpty : [])),
  );
  // A new month's checkpoints, on the first load of the month (checkpoints.ts).
  await extendCheckpoints(client, results.at(-1)!.rows[0] as CheckpointMonths);
}

/**
 * The net change of the subscriber figure per leaf (territory, day, sector, platform) of the pages
 * the load touched: the old series of a page leaves its old cell, the new series enters its new
 * cell (archived pages contribute nothing); zeros dropped. Fanned out to the per-day changes
 * (`subscriberChanges`) and to the monthly checkpoints after each day (`checkpointChanges`).
 */
const SERIES_CELL_DELTA = `CREATE TEMP TABLE series_cell_delta ON COMMIT DROP AS
  SELECT territory_id, day, sector_id, platform_id, sum(delta)::bigint AS delta FROM (
    SELECT c.territory_id, s.day, c.sector_id, c.platform_id, -s.delta AS delta
      FROM series_before s JOIN page_before c ON c.page_id = s.page_id WHERE c.active
    UNION ALL
    SELECT c.territory_id, s.day, c.sector_id, c.platform_id, s.delta
      FROM series_after s JOIN page_after c ON c.page_id = s.page_id WHERE c.active) x
  GROUP BY 1, 2, 3, 4 HAVING sum(delta) <> 0`;

function checkpointChanges(): RollupChange {
  // The same changes added to every monthly checkpoint after their day (none for a daily push's days).
  return addAndDropEmpty(
    'territory_subscriber_checkpoint',
    ['month', 'territory_id', 'sector_id', 'platform_id'],
    'subscribers = 0',
    checkpointUpsert('series_cell_delta'),
  );
}

/**
 * The net change of active pages and their current subscribers per leaf cell (territory, sector,
 * platform) of the pages the load touched: (after - before), zeros dropped. Both page-level
 * rollups are fanned out from it (`pageChanges` per cell, `platformChanges` per platform), so a
 * figure added to one (a new column) is one more column here and in each upsert.
 */
const PAGE_CELL_DELTA = `CREATE TEMP TABLE page_cell_delta ON COMMIT DROP AS
  SELECT territory_id, sector_id, platform_id, sum(sign)::int AS pages, sum(sign * subscribers)::bigint AS subscribers,
         sum(sign * verified::int)::int AS verified_pages, sum(sign * verified::int * subscribers)::bigint AS verified_subscribers FROM (
    SELECT territory_id, sector_id, platform_id, -1 AS sign, subscribers, verified FROM page_before WHERE active
    UNION ALL SELECT territory_id, sector_id, platform_id, 1, subscribers, verified FROM page_after WHERE active) x
  GROUP BY 1, 2, 3
  HAVING sum(sign) <> 0 OR sum(sign * subscribers) <> 0 OR sum(sign * verified::int) <> 0 OR sum(sign * verified::int * subscribers) <> 0`;

function organisationChanges(): RollupChange {
  // Organisations per (ancestor, sector, platform set): -1 for each old state, +1 for each new one.
  return addAndDropEmpty(
    'territory_organisation_rollup',
    ['territory_id', 'sector_id', 'platform_mask'],
    'organisations = 0',
    `INSERT INTO territory_organisation_rollup AS r (territory_id, sector_id, platform_mask, organisations)
     SELECT a.id, d.sector_id, d.platform_mask, sum(d.n)::int
       FROM (SELECT territory_id, sector_id, platform_mask, sum(n) AS n FROM (
               SELECT territory_id, sector_id, platform_mask, -1 AS n FROM org_before
               UNION ALL SELECT territory_id, sector_id, platform_mask, 1 FROM org_after) x
             GROUP BY 1, 2, 3 HAVING sum(n) <> 0) d
       JOIN territory t ON t.id = d.territory_id CROSS JOIN LATERAL unnest(t.path) AS a(id)
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
     ON CONFLICT (territory_id, sector_id, platform_mask) DO UPDATE SET organisations = r.organisations + excluded.organisations
     RETURNING r.*`,
  );
}

function pageChanges(): RollupChange {
  // Active pages and current subscribers per (ancestor, sector, platform), and the same of the verified ones among them
  // (verified_pages, verified_subscribers: the page figures of issue 20, netted in the same before/after delta).
  return addAndDropEmpty(
    'territory_page_rollup',
    ['territory_id', 'sector_id', 'platform_id'],
    'pages = 0 AND subscribers = 0',
    `INSERT INTO territory_page_rollup AS r (territory_id, sector_id, platform_id, pages, subscribers, verified_pages, verified_subscribers)
     SELECT a.id, d.sector_id, d.platform_id, sum(d.pages)::int, sum(d.subscribers), sum(d.verified_pages)::int, sum(d.verified_subscribers)
       FROM page_cell_delta d
       JOIN territory t ON t.id = d.territory_id CROSS JOIN LATERAL unnest(t.path) AS a(id)
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
     ON CONFLICT (territory_id, sector_id, platform_id) DO UPDATE
        SET pages = r.pages + excluded.pages, subscribers = r.subscribers + excluded.subscribers,
            verified_pages = r.verified_pages + excluded.verified_pages, verified_subscribers = r.verified_subscribers + excluded.verified_subscribers
     RETURNING r.*`,
  );
}

function platformChanges(): RollupChange {
  // Active pages, current subscribers and the verified among them per (ancestor, platform): the same cell deltas summed over
  // sectors (a page moving between sectors of one territory nets to nothing here: dropped).
  return addAndDropEmpty(
    'territory_platform_rollup',
    ['territory_id', 'platform_id'],
    'pages = 0 AND subscribers = 0',
    `INSERT INTO territory_platform_rollup AS r (territory_id, platform_id, pages, subscribers, verified_pages, verified_subscribers)
     SELECT a.id, d.platform_id, sum(d.pages)::int, sum(d.subscribers), sum(d.verified_pages)::int, sum(d.verified_subscribers)
       FROM page_cell_delta d
       JOIN territory t ON t.id = d.territory_id CROSS JOIN LATERAL unnest(t.path) AS a(id)
      GROUP BY 1, 2
     HAVING sum(d.pages) <> 0 OR sum(d.subscribers) <> 0 OR sum(d.verified_pages) <> 0 OR sum(d.verified_subscribers) <> 0
      ORDER BY 1, 2
     ON CONFLICT (territory_id, platform_id) DO UPDATE
        SET pages = r.pages + excluded.pages, subscribers = r.subscribers + excluded.subscribers,
            verified_pages = r.verified_pages + excluded.verified_pages, verified_subscribers = r.verified_subscribers + excluded.verified_subscribers
     RETURNING r.*`,
  );
}

function subscriberChanges(): RollupChange {
  // Subscriber changes per (ancestor, day, sector, platform), from the leaf cells' net changes.
  return addAndDropEmpty(
    'territory_subscriber_change',
    ['territory_id', 'day', 'sector_id', 'platform_id'],
    'delta = 0',
    `INSERT INTO territory_subscriber_change AS r (territory_id, day, sector_id, platform_id, delta)
     SELECT a.id, d.day, d.sector_id, d.platform_id, sum(d.delta)
       FROM series_cell_delta d
       JOIN territory t ON t.id = d.territory_id CROSS JOIN LATERAL unnest(t.path) AS a(id)
      GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
     ON CONFLICT (territory_id, day, sector_id, platform_id) DO UPDATE SET delta = r.delta + excluded.delta
     RETURNING r.*`,
  );
}

/**
 * Anomalies (issue 20), sent with the rollup upserts (addRollupChanges): the candidate jumps of every (page, day) whose step the load can
 * change are computed again. Those days are exactly the days of the change series above: a page's
 * whole series when its cell or status changed (series_before: the old days, series_after: the
 * new), else each new or corrected day and the next observed day after it (a late observation
 * splits a step: both halves are recomputed). The old steps of those days are deleted, and the
 * steps now passing ANOMALY_FLOOR are inserted for every ancestor of the page's territory (active
 * pages only).
 */
const ANOMALY_CHANGES = [
  // The stored steps of the days recomputed (a step is kept under its later day).
  `DELETE FROM territory_anomaly a USING (SELECT DISTINCT page_id, day FROM series_before) s WHERE a.page_id = s.page_id AND a.day = s.day`,
  // The steps of those days as they are now, where they pass the floor: |change| >= the floor first (the change is the
  // series' delta), then the observation before each (none: a first observation, no step) for the percent.
  `INSERT INTO territory_anomaly (territory_id, day, page_id, since, before, after)
     SELECT a.id, j.day, j.page_id, j.since, j.before, j.after
       FROM (SELECT c.territory_id, s.page_id, s.day, prev.observed_on AS since, prev.subscribers AS before, prev.subscribers + s.delta AS after
               FROM series_after s JOIN page_after c ON c.page_id = s.page_id AND c.active
               CROSS JOIN LATERAL (SELECT o.observed_on, o.subscribers FROM observation o WHERE o.page_id = s.page_id AND o.observed_on < s.day
                                    ORDER BY o.observed_on DESC LIMIT 1) prev
              WHERE abs(s.delta) >= ${ANOMALY_FLOOR.change}) j
       JOIN territory t ON t.id = j.territory_id CROSS JOIN LATERAL unnest(t.path) AS a(id)
      WHERE ${passesFloor('j')}
      ORDER BY 1, 2, 3`,
];

/** The floor's condition on a step with columns `before` and `after` of `alias` (bigint arithmetic: counts go up to 2^31 - 1). */
function passesFloor(alias: string): string {
  const change = `abs(${alias}.after::bigint - ${alias}.before)`;
  return `${change} >= ${ANOMALY_FLOOR.change} AND ${change} * 100 >= ${ANOMALY_FLOOR.percent} * ${alias}.before::bigint`;
}

/** The day a page's freshness is kept under: its latest observation's, '-infinity' when it has none (an index key cannot be null). */
export const NEVER_OBSERVED = "'-infinity'::date";

function freshnessChanges(): RollupChange {
  // Freshness (issue 20): active pages per (ancestor, day of their latest observation): -1 under the day a page had, +1
  // under the day it has (a page observed anew moves to its new day; an archived, unarchived or moved page leaves or enters).
  return addAndDropEmpty(
    'territory_freshness_rollup',
    ['territory_id', 'observed_on'],
    'pages = 0',
    `INSERT INTO territory_freshness_rollup AS r (territory_id, observed_on, pages)
     SELECT a.id, d.observed_on, sum(d.pages)::int
       FROM (SELECT territory_id, observed_on, sum(sign) AS pages FROM (
               SELECT territory_id, coalesce(observed_on, ${NEVER_OBSERVED}) AS observed_on, -1 AS sign FROM page_before WHERE active
               UNION ALL SELECT territory_id, coalesce(observed_on, ${NEVER_OBSERVED}), 1 FROM page_after WHERE active) x
             GROUP BY 1, 2 HAVING sum(sign) <> 0) d
       JOIN territory t ON t.id = d.territory_id CROSS JOIN LATERAL unnest(t.path) AS a(id)
      GROUP BY 1, 2 ORDER BY 1, 2
     ON CONFLICT (territory_id, observed_on) DO UPDATE SET pages = r.pages + excluded.pages
     RETURNING r.*`,
  );
}

/** A rollup's change: the additive upsert (keeping the keys it brought to nothing) and the statements that delete those rows. */
interface RollupChange {
  upsert: string;
  dropEmpty: string[];
}

/**
 * An additive upsert (`… RETURNING r.*`) and the deletion of the rows it brought to nothing
 * (`empty`): they carry no information, and "anything in scope" for byPlatform/bySector must
 * stay exact. Only the rows this load touched are looked at, not the whole table.
 */
function addAndDropEmpty(table: string, key: readonly string[], empty: string, upsert: string): RollupChange {
  const keys = key.join(', ');
  return {
    // The keys of the upserted rows that now hold nothing.
    upsert: `CREATE TEMP TABLE emptied_${table} ON COMMIT DROP AS
      WITH touched AS (${upsert}) SELECT ${keys} FROM touched WHERE ${empty}`,
    // Sent only when there are any (else the delete, planned on a guess of the temp table's size,
    // would scan the whole rollup): their statistics, then those rows deleted (a second statement:
    // one statement cannot change a row twice).
    dropEmpty: [
      `ANALYZE emptied_${table}`,
      `DELETE FROM ${table} r USING emptied_${table} e WHERE ${key.map((k) => `r.${k} = e.${k}`).join(' AND ')} AND r.${empty.replaceAll(' AND ', ' AND r.')}`,
    ],
  };
}

/** SELECT of the cell, current count, latest observed day and verification mark of pages (joined or filtered by `restrict`). */
function pageCells(restrict: string): string {
  return `SELECT p.id AS page_id, o.territory_id, o.sector_id, p.platform_id, p.status = 'ACTIVE' AS active,
                 coalesce(p.subscribers, 0)::bigint AS subscribers, p.observed_on, p.verified
            FROM page p ${restrict.startsWith('JOIN') ? restrict : ''} JOIN organisation o ON o.id = p.organisation_id
            ${restrict.startsWith('WHERE') ? restrict : ''}`;
}

/** SELECT of every observation day's change (count minus the previous count) of the pages listed. */
function fullSeries(pages: string): string {
  return `SELECT o.page_id, o.observed_on AS day,
                 (o.subscribers - coalesce(lag(o.subscribers) OVER (PARTITION BY o.page_id ORDER BY o.observed_on), 0))::bigint AS delta
            FROM observation o WHERE o.page_id IN (${pages})`;
}

/** SELECT of the change on each (page, day) of series_key, in the observation table as it is now. */
function keyedSeries(): string {
  return `SELECT k.page_id, k.day, (o.subscribers - coalesce(prev.subscribers, 0))::bigint AS delta
            FROM series_key k
            JOIN observation o ON o.page_id = k.page_id AND o.observed_on = k.day
            LEFT JOIN LATERAL (SELECT p.subscribers FROM observation p WHERE p.page_id = k.page_id AND p.observed_on < k.day
                                ORDER BY p.observed_on DESC LIMIT 1) prev ON true`;
}

/**
 * SELECT of the change on each day this load adds after an observed page's latest stored day (a
 * daily push's days), from this load's observations alone: the count minus the one before it,
 * which is this load's previous day when that is on or after the stored latest day, else the
 * stored latest count (page_before; no observation lies between). Before the load these days had
 * no observation, so no change: series_before has nothing for them.
 */
const TAIL_SERIES = `
  SELECT c.page_id, c.observed_on AS day,
         (c.subscribers - CASE WHEN b.observed_on IS NULL OR c.prev_day >= b.observed_on THEN coalesce(c.prev_subscribers, 0)
                               ELSE b.subscribers END)::bigint AS delta
    FROM (SELECT page_id, observed_on, subscribers,
                 lag(observed_on) OVER w AS prev_day, lag(subscribers) OVER w AS prev_subscribers
            FROM ${OBSERVATION_CHANGE} WINDOW w AS (PARTITION BY page_id ORDER BY observed_on)) c
    JOIN observed_page m ON m.page_id = c.page_id
    JOIN page_before b ON b.page_id = c.page_id
   WHERE b.observed_on IS NULL OR c.observed_on > b.observed_on`;

/**
 * Recomputes all three rollups (after a territory moved, or on a first load) from the written
 * rows: organisations by their platform set, pages by their current count (both kept up to date
 * before this runs), and the per-day changes from the observations.
 */
export async function rebuildRollups(client: pg.PoolClient): Promise<void> {
  await client.query('DELETE FROM territory_organisation_rollup');
  await client.query('DELETE FROM territory_page_rollup');
  await client.query('DELETE FROM territory_subscriber_change');
  await client.query(`INSERT INTO territory_organisation_rollup ${REBUILD.organisations} ORDER BY 1, 2, 3`);
  await client.query(`INSERT INTO territory_page_rollup ${REBUILD.pages} ORDER BY 1, 2, 3`);
  await client.query('DELETE FROM territory_platform_rollup');
  await client.query(`INSERT INTO territory_platform_rollup ${PLATFORMS_FROM_CELLS} ORDER BY 1, 2`);
  await client.query(`INSERT INTO territory_subscriber_change ${RECOUNT.changes} ORDER BY 1, 2, 3, 4`);
  await rebuildFreshness(client);
  await client.query('DELETE FROM territory_anomaly');
  await client.query(`INSERT INTO territory_anomaly ${RECOUNT.anomalies} ORDER BY 1, 2, 3`);
  await rebuildCheckpoints(client);
}

/** The freshness rollup counted again from the pages' stored latest day (`page.observed_on`, checked by verify). */
async function rebuildFreshness(client: pg.PoolClient): Promise<void> {
  await client.query('DELETE FROM territory_freshness_rollup');
  await client.query(
    `INSERT INTO territory_freshness_rollup ${freshnessOverAncestors("SELECT o.territory_id, p.observed_on FROM page p JOIN organisation o ON o.id = p.organisation_id WHERE p.status = 'ACTIVE'")} ORDER BY 1, 2`,
  );
}

/**
 * Active pages per (ancestor territory, day of their latest observation, NEVER_OBSERVED for none),
 * `leaf` giving one row per active page with columns territory_id, observed_on (null: never observed).
 */
function freshnessOverAncestors(leaf: string): string {
  return `
    SELECT a.id AS territory_id, coalesce(l.observed_on, ${NEVER_OBSERVED}) AS observed_on, count(*)::int AS pages
      FROM (${leaf}) l
      JOIN territory t ON t.id = l.territory_id CROSS JOIN LATERAL unnest(t.path) AS a(id)
     GROUP BY 1, 2`;
}

/**
 * The platform rollup from the page rollup: its cells summed over sectors (the rebuild's source,
 * and what `npm run verify` compares territory_platform_rollup with; the page rollup is itself
 * compared with a recount of the raw rows).
 */
export const PLATFORMS_FROM_CELLS = `
  SELECT territory_id, platform_id, sum(pages)::int AS pages, sum(subscribers)::bigint AS subscribers,
         sum(verified_pages)::int AS verified_pages, sum(verified_subscribers)::bigint AS verified_subscribers
    FROM territory_page_rollup GROUP BY 1, 2`;

/**
 * Organisation counts per (territory, sector, platform set), `leaf` giving them with columns
 * territory_id, sector_id, platform_mask, n: summed into the cell of every ancestor of the territory.
 */
function organisationsOverAncestors(leaf: string): string {
  return `
    SELECT a.id AS territory_id, l.sector_id, l.platform_mask, sum(l.n)::int AS organisations
      FROM (${leaf}) l
      JOIN territory t ON t.id = l.territory_id CROSS JOIN LATERAL unnest(t.path) AS a(id)
     GROUP BY 1, 2, 3`;
}

/**
 * Active pages and their subscribers per (territory, sector, platform), `leaf` giving them with
 * columns territory_id, sector_id, platform_id, pages, subscribers, verified_pages,
 * verified_subscribers (the same over the verified pages): summed into every ancestor.
 */
function pagesOverAncestors(leaf: string): string {
  return `
    SELECT a.id AS territory_id, l.sector_id, l.platform_id, sum(l.pages)::int AS pages, sum(l.subscribers)::bigint AS subscribers,
           sum(l.verified_pages)::int AS verified_pages, sum(l.verified_subscribers)::bigint AS verified_subscribers
      FROM (${leaf}) l
      JOIN territory t ON t.id = l.territory_id CROSS JOIN LATERAL unnest(t.path) AS a(id)
     GROUP BY 1, 2, 3`;
}

/**
 * The organisation and page rollups counted from the stored per-row figures
 * (`organisation.platform_mask`, `page.subscribers`), cheaper than from the raw rows; `npm run
 * verify` checks those figures against the raw rows (`RECOUNT.pageFigures`, `RECOUNT.organisationFigures`).
 */
const REBUILD = {
  // Organisations per (ancestor territory, sector, platform set).
  organisations: organisationsOverAncestors('SELECT territory_id, sector_id, platform_mask, count(*) AS n FROM organisation GROUP BY 1, 2, 3'),
  // Active pages and the sum of their current counts per (ancestor, sector, platform), and the same over the verified ones.
  pages: pagesOverAncestors(`
    SELECT o.territory_id, o.sector_id, p.platform_id, count(*) AS pages, coalesce(sum(p.subscribers), 0) AS subscribers,
           count(*) FILTER (WHERE p.verified) AS verified_pages, coalesce(sum(p.subscribers) FILTER (WHERE p.verified), 0) AS verified_subscribers
      FROM page p JOIN organisation o ON o.id = p.organisation_id
     WHERE p.status = 'ACTIVE'
     GROUP BY 1, 2, 3`),
} as const;

/**
 * The rollups, and the per-row figures they are rebuilt from, recounted from the raw rows, each as
 * a SELECT with its table's columns: what `npm run verify` compares with (the per-day changes also
 * serve the rebuild).
 */
export const RECOUNT = {
  // Organisations per (ancestor territory, sector, set of platforms with an active page).
  organisations: organisationsOverAncestors(`
    SELECT o.territory_id, o.sector_id, coalesce(m.mask, 0) AS platform_mask, count(*) AS n
      FROM organisation o
      LEFT JOIN (SELECT organisation_id, bit_or(1 << (platform_id - 1)) AS mask FROM page
                  WHERE status = 'ACTIVE' GROUP BY organisation_id) m ON m.organisation_id = o.id
     GROUP BY 1, 2, 3`),
  // Active pages and the sum of their latest observations per (ancestor, sector, platform), and the same over the verified ones.
  pages: pagesOverAncestors(`
    SELECT o.territory_id, o.sector_id, p.platform_id, count(*) AS pages, coalesce(sum(last.subscribers), 0) AS subscribers,
           count(*) FILTER (WHERE p.verified) AS verified_pages, coalesce(sum(last.subscribers) FILTER (WHERE p.verified), 0) AS verified_subscribers
      FROM page p JOIN organisation o ON o.id = p.organisation_id
      LEFT JOIN LATERAL (SELECT subscribers FROM observation WHERE page_id = p.id ORDER BY observed_on DESC LIMIT 1) last ON true
     WHERE p.status = 'ACTIVE'
     GROUP BY 1, 2, 3`),
  // Per-day subscriber changes of active pages per (ancestor, day, sector, platform).
  changes: `
    SELECT a.id AS territory_id, l.day, l.sector_id, l.platform_id, sum(l.delta)::bigint AS delta
      FROM (SELECT o.territory_id, s.day, o.sector_id, p.platform_id, sum(s.delta) AS delta
              FROM (SELECT page_id, observed_on AS day,
                           subscribers - coalesce(lag(subscribers) OVER (PARTITION BY page_id ORDER BY observed_on), 0) AS delta
                      FROM observation) s
              JOIN page p ON p.id = s.page_id AND p.status = 'ACTIVE'
              JOIN organisation o ON o.id = p.organisation_id
             GROUP BY 1, 2, 3, 4) l
      JOIN territory t ON t.id = l.territory_id CROSS JOIN LATERAL unnest(t.path) AS a(id)
     GROUP BY 1, 2, 3, 4 HAVING sum(l.delta) <> 0`,
  // Active pages per (ancestor, day of their latest observation), from the observations themselves (freshness).
  freshness: freshnessOverAncestors(`
    SELECT o.territory_id, (SELECT max(observed_on) FROM observation WHERE page_id = p.id) AS observed_on
      FROM page p JOIN organisation o ON o.id = p.organisation_id
     WHERE p.status = 'ACTIVE'`),
  // Candidate jumps: each step of an active page between consecutive observations passing ANOMALY_FLOOR, per ancestor.
  anomalies: `
    SELECT a.id AS territory_id, s.day, s.page_id, s.since, s.before, s.after
      FROM (SELECT page_id, observed_on AS day, subscribers AS after, lag(subscribers) OVER w AS before, lag(observed_on) OVER w AS since
              FROM observation WINDOW w AS (PARTITION BY page_id ORDER BY observed_on)) s
      JOIN page p ON p.id = s.page_id AND p.status = 'ACTIVE'
      JOIN organisation o ON o.id = p.organisation_id
      JOIN territory t ON t.id = o.territory_id CROSS JOIN LATERAL unnest(t.path) AS a(id)
     WHERE s.before IS NOT NULL AND ${passesFloor('s')}`,
  // The same per-day changes on the days from $1 on only: from each active page's observations
  // since $1 and its last one before (the change of its first day since $1 is counted from it),
  // read page by page along the primary key: proportional to pages × days checked, not to the
  // history stored. For `npm run verify -- --since`.
  changesSince: `
    SELECT a.id AS territory_id, l.day, l.sector_id, l.platform_id, sum(l.delta)::bigint AS delta
      FROM (SELECT o.territory_id, s.day, o.sector_id, s.platform_id, sum(s.delta) AS delta
              FROM (SELECT p.id, p.organisation_id, p.platform_id, x.observed_on AS day,
                           x.subscribers - coalesce(lag(x.subscribers) OVER (PARTITION BY p.id ORDER BY x.observed_on), 0) AS delta
                      FROM page p
                      CROSS JOIN LATERAL (
                        SELECT observed_on, subscribers FROM observation WHERE page_id = p.id AND observed_on >= $1::date
                        UNION ALL
                        (SELECT observed_on, subscribers FROM observation WHERE page_id = p.id AND observed_on < $1::date
                          ORDER BY observed_on DESC LIMIT 1)) x
                     WHERE p.status = 'ACTIVE') s
              JOIN organisation o ON o.id = s.organisation_id
             WHERE s.day >= $1::date
             GROUP BY 1, 2, 3, 4) l
      JOIN territory t ON t.id = l.territory_id CROSS JOIN LATERAL unnest(t.path) AS a(id)
     GROUP BY 1, 2, 3, 4 HAVING sum(l.delta) <> 0`,
  // Each page's current count and its day: its latest observation (none: both null).
  pageFigures: `
    SELECT p.id, last.subscribers, last.observed_on
      FROM page p
      LEFT JOIN LATERAL (SELECT subscribers, observed_on FROM observation WHERE page_id = p.id ORDER BY observed_on DESC LIMIT 1) last ON true`,
  // Each organisation's platform set and current subscribers, from its active pages.
  organisationFigures: `
    SELECT o.id,
           coalesce(bit_or(1 << (p.platform_id - 1)) FILTER (WHERE p.status = 'ACTIVE'), 0) AS platform_mask,
           coalesce(sum(p.subscribers) FILTER (WHERE p.status = 'ACTIVE'), 0)::bigint AS subscribers
      FROM organisation o LEFT JOIN page p ON p.organisation_id = o.id
     GROUP BY o.id`,
} as const;
