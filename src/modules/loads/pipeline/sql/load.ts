import type pg from 'pg';
import { ADVISORY_LOCKS } from '../../../../db/locks.js';

/** The statements of a load that belong to no one file: its lock, what it reads first, its statistics. */

/**
 * Waits until no other load is applying rows (staging runs concurrently; applying does not); held
 * until the load's transaction ends. A statement without parameters: the check step sends it in
 * the round trip of its first checks.
 */
export const LOCK_APPLY = `SELECT pg_advisory_xact_lock(${Number(ADVISORY_LOCKS.loadWrite)})`;

/**
 * A join of a resolved staged observation (`s`, its page `p`) to the stored observation of that
 * page and day (`o`: page_id null when none), looked up only when the day is not after the page's
 * latest (`page.observed_on`; a daily push's days are after it: no index probe for them). The
 * LIMIT (one row at most anyway: the primary key) keeps the subquery from being merged into the
 * join, so that the condition on the outer row alone stays a one-time filter in front of the probe.
 */
export const STORED_OBSERVATION = `LEFT JOIN LATERAL (SELECT o.page_id, o.subscribers FROM observation o
      WHERE o.page_id = p.id AND o.observed_on = s.observed_on AND s.observed_on <= p.observed_on LIMIT 1) o ON true`;

/** Announces a change on a notification channel, delivered to its listeners when (and if) the load commits. */
export async function notify(client: pg.PoolClient, channel: string): Promise<void> {
  // The notice, sent at commit.
  await client.query('SELECT pg_notify($1, $2)', [channel, '']);
}

/**
 * Every platform, by id, with the URL hosts its pages may live on (row validation checks URLs with
 * it): sent by the stage step with its first statements (`platformHostsOf` reads the result).
 */
export const READ_PLATFORM_HOSTS = 'SELECT code, hosts FROM platform ORDER BY id';

/** Each platform code with its hosts, from the result of READ_PLATFORM_HOSTS. */
export function platformHostsOf(result: pg.QueryResult): Map<string, string[]> {
  return new Map((result.rows as { code: string; hosts: string[] }[]).map((row) => [row.code, row.hosts]));
}

/**
 * The tables a load writes, whose statistics a large load refreshes; with platform and sector,
 * which autovacuum never analyses (too few rows): without statistics the planner takes them for
 * hundreds of rows and misjudges every join through them.
 */
const LOADED_TABLES = [
  'platform',
  'sector',
  'territory',
  'organisation',
  'page',
  'observation',
  'territory_page_rollup',
  'territory_platform_rollup',
  'territory_organisation_rollup',
  'territory_subscriber_change',
  'territory_freshness_rollup',
  'territory_anomaly',
  'territory_subscriber_checkpoint',
] as const;

/**
 * The loaded tables whose statistics a load of observations alone leaves as they were: it adds
 * observations and per-day changes and moves pages' latest days (those are analysed), while
 * territories, organisations and the other two rollups keep their rows (only counts in them change).
 */
export const KEPT_BY_OBSERVATIONS = ['platform', 'sector', 'organisation', 'territory', 'territory_page_rollup', 'territory_organisation_rollup'] as const;

/**
 * Refreshes the planner's statistics of the tables a large load changed (but those in `fresh`,
 * analysed by the load already or unchanged in shape), so that the first queries after it do not
 * run on plans made for the old sizes.
 */
export async function analyzeLoadedTables(client: pg.PoolClient, fresh: readonly string[] = []): Promise<void> {
  await client.query(`ANALYZE ${LOADED_TABLES.filter((table) => !fresh.includes(table)).join(', ')}`);
}
