import type pg from 'pg';
import { ADVISORY_LOCKS } from '../../../../db/locks.js';

/** The statements of a load that belong to no one file: its lock, what it reads first, its statistics. */

/** Waits until no other load is applying rows (staging runs concurrently; applying does not). */
export async function lockApply(client: pg.PoolClient): Promise<void> {
  // Held until the load's transaction ends.
  await client.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.loadWrite]);
}

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

/** The tables a load writes, whose statistics a large load refreshes. */
const LOADED_TABLES = [
  'territory',
  'organisation',
  'page',
  'observation',
  'territory_page_rollup',
  'territory_platform_rollup',
  'territory_organisation_rollup',
  'territory_subscriber_change',
  'territory_subscriber_checkpoint',
] as const;

/**
 * Refreshes the planner's statistics of the tables a large load changed (but those in `fresh`,
 * analysed by the load already), so that the first queries after it do not run on plans made for
 * the old sizes.
 */
export async function analyzeLoadedTables(client: pg.PoolClient, fresh: readonly string[] = []): Promise<void> {
  await client.query(`ANALYZE ${LOADED_TABLES.filter((table) => !fresh.includes(table)).join(', ')}`);
}
