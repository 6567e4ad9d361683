import type pg from 'pg';
import { levelRank, TERRITORY_LEVELS } from '../../../territory/levels.js';
import type { RowError } from '../../rows/files.js';
import { STAGED } from '../tables.js';

const LEVELS = [...TERRITORY_LEVELS];
const LEVEL_RANKS = TERRITORY_LEVELS.map((level) => levelRank(level));

/**
 * Checks that a load stays inside the subtrees its key may write (`within`: territory ids, `$1`).
 * A territory T lies within when its path holds one of those ids; a territory row may only be
 * written strictly below a subtree's root. Each check returns the offending staged rows' lines.
 * `before` checks run before anything is written (where rows are now), `after` checks once the
 * load's upserts are applied in its transaction (where rows end up): a row must be inside both
 * times, so nothing is moved in or out of a key's subtrees.
 */

interface ScopeCheck {
  kind: 'territories' | 'sectors' | 'organisations' | 'pages' | 'observations';
  column: string;
  sql: string;
  /** The message, when not "outside this key's scope". */
  reason?: string;
}

/** Staged territories not strictly below one of the subtree roots (as the territory table stands). */
const TERRITORIES_NOT_STRICTLY_WITHIN = `SELECT s.line FROM ${STAGED.territories} s JOIN territory t ON t.code = s.code
  WHERE NOT EXISTS (SELECT 1 FROM unnest($1::int[]) w(id) WHERE w.id = ANY(t.path) AND w.id <> t.id)
  ORDER BY s.line`;

/** The staged page rows joined to the stored page they name, its organisation and territory. */
const STORED_PAGE_OF = (stage: string) => `FROM ${stage} s
  JOIN platform f ON f.code = s.platform JOIN page p ON p.platform_id = f.id AND p.external_id = s.external_id
  JOIN organisation o ON o.id = p.organisation_id JOIN territory t ON t.id = o.territory_id`;

const BEFORE: ScopeCheck[] = [
  // Existing territories the load changes that are not strictly below a subtree root now.
  { kind: 'territories', column: 'code', sql: TERRITORIES_NOT_STRICTLY_WITHIN },
  // Sectors are shared by every territory: only a key without `within` may write them.
  { kind: 'sectors', column: 'code', sql: `SELECT line FROM ${STAGED.sectors} ORDER BY line` },
  // Existing organisations the load changes that are located outside the subtrees now.
  {
    kind: 'organisations',
    column: 'external_id',
    sql: `SELECT s.line FROM ${STAGED.organisations} s JOIN organisation o ON o.external_id = s.external_id JOIN territory t ON t.id = o.territory_id
           WHERE NOT (t.path && $1::int[]) ORDER BY s.line`,
  },
  // Existing pages the load changes whose organisation is outside the subtrees now.
  { kind: 'pages', column: 'external_id', sql: `SELECT s.line ${STORED_PAGE_OF(STAGED.pages)} WHERE NOT (t.path && $1::int[]) ORDER BY s.line` },
];

const AFTER: ScopeCheck[] = [
  // Territories of the load that do not end up strictly below a subtree root.
  { kind: 'territories', column: 'parent_code', sql: TERRITORIES_NOT_STRICTLY_WITHIN },
  // Organisations of the load located outside the subtrees.
  {
    kind: 'organisations',
    column: 'territory_code',
    sql: `SELECT s.line FROM ${STAGED.organisations} s JOIN territory t ON t.code = s.territory_code WHERE NOT (t.path && $1::int[]) ORDER BY s.line`,
  },
  // Pages of the load whose organisation is outside the subtrees.
  {
    kind: 'pages',
    column: 'organisation_external_id',
    sql: `SELECT s.line FROM ${STAGED.pages} s JOIN organisation o ON o.external_id = s.organisation_external_id JOIN territory t ON t.id = o.territory_id
           WHERE NOT (t.path && $1::int[]) ORDER BY s.line`,
  },
  // Observations of pages whose organisation is outside the subtrees.
  { kind: 'observations', column: 'external_id', sql: `SELECT s.line ${STORED_PAGE_OF(STAGED.observations)} WHERE NOT (t.path && $1::int[]) ORDER BY s.line` },
  // Territories of the load given the level of a subtree root they lie in, or one above it (a
  // key for a region may not make one of its districts a region); $2, $3: the levels and their ranks.
  {
    kind: 'territories',
    column: 'level',
    sql: `WITH rank AS (SELECT * FROM unnest($2::text[], $3::int[]) AS r(level, rank))
          SELECT s.line FROM ${STAGED.territories} s JOIN territory t ON t.code = s.code JOIN rank rs ON rs.level = s.level::text
           WHERE EXISTS (SELECT 1 FROM unnest($1::int[]) w(id) JOIN territory root ON root.id = w.id JOIN rank rr ON rr.level = root.level::text
                          WHERE w.id = ANY(t.path) AND w.id <> t.id AND rs.rank <= rr.rank)
           ORDER BY s.line`,
    reason: 'a territory of this key may not take the level of the territory the key may write within, or one above it',
  },
];

async function run(checks: readonly ScopeCheck[], client: pg.PoolClient, staged: ReadonlySet<string>, withinIds: readonly number[], within: readonly string[]) {
  const errors: RowError[] = [];
  const reason = `outside this key's scope: it may write only within ${within.join(', ')}`;
  for (const check of checks) {
    if (!staged.has(check.kind)) continue;
    const params = check.sql.includes('$2') ? [[...withinIds], LEVELS, LEVEL_RANKS] : check.sql.includes('$1') ? [[...withinIds]] : [];
    const { rows } = await client.query<{ line: number }>(check.sql, params);
    for (const row of rows) errors.push({ file: `${check.kind}.csv`, line: row.line, column: check.column, reason: check.reason ?? reason, code: 'FORBIDDEN' });
  }
  return errors;
}

/** Rows of the load that touch what is now outside the key's subtrees (and any sector row). */
export function findScopeErrorsBefore(client: pg.PoolClient, staged: ReadonlySet<string>, withinIds: readonly number[], within: readonly string[]) {
  return run(BEFORE, client, staged, withinIds, within);
}

/** Rows of the load that, as applied, lie outside the key's subtrees. */
export function findScopeErrorsAfter(client: pg.PoolClient, staged: ReadonlySet<string>, withinIds: readonly number[], within: readonly string[]) {
  return run(AFTER, client, staged, withinIds, within);
}
