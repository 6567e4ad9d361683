import type pg from 'pg';
import type { RowError } from '../files.js';

/**
 * Checks that a load stays inside the subtrees its key may write (`within`: territory ids).
 * A territory T lies within when its path holds one of those ids; a territory row may only be
 * written strictly below a subtree's root. Each check returns the offending rows with their
 * line. `before` runs before anything is written (where rows are now), `after` once the load's
 * upserts are applied in its transaction (where rows end up): a row must be inside both times.
 */

const FORBIDDEN_REASON = (within: readonly string[]) => `outside this key's scope: it may write only within ${within.join(', ')}`;

async function collect(
  client: pg.PoolClient,
  errors: RowError[],
  within: readonly string[],
  file: string,
  column: string,
  sql: string,
  params: unknown[],
): Promise<void> {
  const { rows } = await client.query<{ line: number }>(sql, params);
  for (const row of rows) errors.push({ file, line: row.line, column, reason: FORBIDDEN_REASON(within), code: 'FORBIDDEN' });
}

/** Rows of the load that touch what is now outside the key's subtrees (and any sector row). */
export async function findScopeErrorsBefore(
  client: pg.PoolClient,
  staged: ReadonlySet<string>,
  withinIds: readonly number[],
  within: readonly string[],
): Promise<RowError[]> {
  const errors: RowError[] = [];
  const ids = [...withinIds];
  if (staged.has('territories')) {
    // Existing territories the load changes that are not strictly below a subtree root now.
    await collect(
      client,
      errors,
      within,
      'territories.csv',
      'code',
      `SELECT s.line FROM stage_territory s JOIN territory t ON t.code = s.code
        WHERE NOT EXISTS (SELECT 1 FROM unnest($1::int[]) w(id) WHERE w.id = ANY(t.path) AND w.id <> t.id)
        ORDER BY s.line`,
      [ids],
    );
  }
  if (staged.has('sectors')) {
    // Sectors are shared by every territory: only a key without `within` may write them.
    await collect(client, errors, within, 'sectors.csv', 'code', 'SELECT line FROM stage_sector ORDER BY line', []);
  }
  if (staged.has('organisations')) {
    // Existing organisations the load changes that are located outside the key's subtrees now.
    await collect(
      client,
      errors,
      within,
      'organisations.csv',
      'external_id',
      `SELECT s.line FROM stage_organisation s JOIN organisation o ON o.external_id = s.external_id JOIN territory t ON t.id = o.territory_id
        WHERE NOT (t.path && $1::int[]) ORDER BY s.line`,
      [ids],
    );
  }
  if (staged.has('pages')) {
    // Existing pages the load changes whose organisation is outside the key's subtrees now.
    await collect(
      client,
      errors,
      within,
      'pages.csv',
      'external_id',
      `SELECT s.line FROM stage_page s
         JOIN platform f ON f.code = s.platform JOIN page p ON p.platform_id = f.id AND p.external_id = s.external_id
         JOIN organisation o ON o.id = p.organisation_id JOIN territory t ON t.id = o.territory_id
        WHERE NOT (t.path && $1::int[]) ORDER BY s.line`,
      [ids],
    );
  }
  return errors;
}

/** Rows of the load that, as applied, lie outside the key's subtrees. */
export async function findScopeErrorsAfter(
  client: pg.PoolClient,
  staged: ReadonlySet<string>,
  withinIds: readonly number[],
  within: readonly string[],
): Promise<RowError[]> {
  const errors: RowError[] = [];
  const ids = [...withinIds];
  if (staged.has('territories')) {
    // Territories of the load that do not end up strictly below a subtree root.
    await collect(
      client,
      errors,
      within,
      'territories.csv',
      'parent_code',
      `SELECT s.line FROM stage_territory s JOIN territory t ON t.code = s.code
        WHERE NOT EXISTS (SELECT 1 FROM unnest($1::int[]) w(id) WHERE w.id = ANY(t.path) AND w.id <> t.id)
        ORDER BY s.line`,
      [ids],
    );
  }
  if (staged.has('organisations')) {
    // Organisations of the load located outside the key's subtrees.
    await collect(
      client,
      errors,
      within,
      'organisations.csv',
      'territory_code',
      `SELECT s.line FROM stage_organisation s JOIN territory t ON t.code = s.territory_code
        WHERE NOT (t.path && $1::int[]) ORDER BY s.line`,
      [ids],
    );
  }
  if (staged.has('pages')) {
    // Pages of the load whose organisation is outside the key's subtrees.
    await collect(
      client,
      errors,
      within,
      'pages.csv',
      'organisation_external_id',
      `SELECT s.line FROM stage_page s JOIN organisation o ON o.external_id = s.organisation_external_id JOIN territory t ON t.id = o.territory_id
        WHERE NOT (t.path && $1::int[]) ORDER BY s.line`,
      [ids],
    );
  }
  if (staged.has('observations')) {
    // Observations of pages whose organisation is outside the key's subtrees.
    await collect(
      client,
      errors,
      within,
      'observations.csv',
      'external_id',
      `SELECT s.line FROM stage_observation s
         JOIN platform f ON f.code = s.platform JOIN page p ON p.platform_id = f.id AND p.external_id = s.external_id
         JOIN organisation o ON o.id = p.organisation_id JOIN territory t ON t.id = o.territory_id
        WHERE NOT (t.path && $1::int[]) ORDER BY s.line`,
      [ids],
    );
  }
  return errors;
}
