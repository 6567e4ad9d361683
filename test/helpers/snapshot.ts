import type pg from 'pg';

/** The tables a write can change, in a stable order. */
export const DATA_TABLES = [
  'territory',
  'sector',
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
  'subscriber_checkpoint_month',
] as const;

/**
 * A fingerprint of every data table's content (ids left out, so two databases loaded the same
 * way compare equal): equal fingerprints mean the same data.
 */
export async function snapshot(db: pg.Pool, options: { withIds?: boolean } = {}): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const table of DATA_TABLES) {
    const row = options.withIds === false ? naturalRow(table) : 't::text';
    const { rows } = await db.query(`SELECT count(*) || ':' || coalesce(md5(string_agg(${row}, '|' ORDER BY ${row})), '') AS f FROM ${table} t`);
    result[table] = rows[0].f;
  }
  return result;
}

/** A row of a table by its natural keys (codes, external ids), not by serial ids that differ between databases. */
function naturalRow(table: (typeof DATA_TABLES)[number]): string {
  switch (table) {
    case 'territory':
      return "concat_ws(',', t.code, t.name, t.level, t.depth, (SELECT p.code FROM territory p WHERE p.id = t.parent_id))";
    case 'sector':
      return "concat_ws(',', t.code, t.name)";
    case 'organisation':
      return "concat_ws(',', t.external_id, t.name, t.kind, t.inn, t.ogrn, t.subscribers, t.platform_mask, (SELECT code FROM territory WHERE id = t.territory_id), (SELECT code FROM sector WHERE id = t.sector_id))";
    case 'page':
      return "concat_ws(',', t.external_id, t.url, t.name, t.verified, t.status, t.subscribers, t.observed_on, (SELECT code FROM platform WHERE id = t.platform_id), (SELECT external_id FROM organisation WHERE id = t.organisation_id))";
    case 'observation':
      return "concat_ws(',', (SELECT f.code || ':' || p.external_id FROM page p JOIN platform f ON f.id = p.platform_id WHERE p.id = t.page_id), t.observed_on, t.subscribers)";
    case 'territory_page_rollup':
      return "concat_ws(',', (SELECT code FROM territory WHERE id = t.territory_id), (SELECT code FROM sector WHERE id = t.sector_id), t.platform_id, t.pages, t.subscribers, t.verified_pages, t.verified_subscribers)";
    case 'territory_platform_rollup':
      return "concat_ws(',', (SELECT code FROM territory WHERE id = t.territory_id), t.platform_id, t.pages, t.subscribers, t.verified_pages, t.verified_subscribers)";
    case 'territory_organisation_rollup':
      return "concat_ws(',', (SELECT code FROM territory WHERE id = t.territory_id), (SELECT code FROM sector WHERE id = t.sector_id), t.platform_mask, t.organisations)";
    case 'territory_freshness_rollup':
      return "concat_ws(',', (SELECT code FROM territory WHERE id = t.territory_id), t.observed_on, t.pages)";
    case 'territory_anomaly':
      return "concat_ws(',', (SELECT code FROM territory WHERE id = t.territory_id), t.day, (SELECT f.code || ':' || p.external_id FROM page p JOIN platform f ON f.id = p.platform_id WHERE p.id = t.page_id), t.since, t.before, t.after)";
    case 'territory_subscriber_checkpoint':
      return "concat_ws(',', t.month, (SELECT code FROM territory WHERE id = t.territory_id), (SELECT code FROM sector WHERE id = t.sector_id), t.platform_id, t.subscribers)";
    case 'subscriber_checkpoint_month':
      return 't.month::text';
    case 'territory_subscriber_change':
      return "concat_ws(',', (SELECT code FROM territory WHERE id = t.territory_id), t.day, (SELECT code FROM sector WHERE id = t.sector_id), t.platform_id, t.delta)";
  }
}
