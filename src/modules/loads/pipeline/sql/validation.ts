import type pg from 'pg';
import { levelRank, TERRITORY_LEVELS } from '../../../territory/levels.js';
import { BULK_FILES, type BulkKind, excerpt, type RowError, type RowErrorCode } from '../../rows/files.js';
import { STAGED } from '../tables.js';
import { sendBatch } from './batch.js';

type Found = Record<string, string>;

/** A check's query (returning a `line` and the columns `reason` reads) and what its rows mean. */
interface Check {
  file: string;
  column: string;
  code: RowErrorCode;
  sql: string;
  reason: (row: Found) => string;
  params?: unknown[];
}

/** Each row a check's query returned as a row error. */
function errorsOf(check: Check, rows: readonly Found[]): RowError[] {
  return rows.map((row) => ({ file: check.file, line: Number(row.line), column: check.column, reason: check.reason(row), code: check.code }));
}

/** Runs a check's query and turns each row it returns into a row error. */
async function collect(client: pg.PoolClient, check: Check): Promise<RowError[]> {
  const { rows } = await client.query<Found>(check.sql, check.params ?? []);
  return errorsOf(check, rows);
}

/**
 * Runs checks, those without parameters in one round trip (sql/batch.ts) after the `leading`
 * statements; their errors in the checks' order, and the results of the leading statements.
 */
async function collectAll(
  client: pg.PoolClient,
  checks: readonly Check[],
  leading: readonly string[],
): Promise<{ errors: RowError[]; leading: pg.QueryResult[] }> {
  const plain = checks.filter((check) => !check.params);
  const results = await sendBatch(client, [...leading, ...plain.map((check) => check.sql)]);
  const errors: RowError[] = [];
  for (const check of checks) {
    const rows = check.params ? (await client.query<Found>(check.sql, check.params)).rows : (results[leading.length + plain.indexOf(check)].rows as Found[]);
    for (const error of errorsOf(check, rows)) errors.push(error);
  }
  return { errors, leading: results.slice(0, leading.length) };
}

/**
 * Rows repeating a key already given on an earlier line of the same file: the repeated keys found
 * by hashing (no sort of the whole file), then the lines of those keys only.
 */
function duplicates(kind: BulkKind, column: string, key: string): Check {
  const table = STAGED[kind];
  return {
    file: `${kind}.csv`,
    column,
    code: 'DUPLICATE',
    sql: `WITH repeated AS (SELECT ${key} FROM ${table} GROUP BY ${key} HAVING count(*) > 1)
          SELECT line, first_line, key FROM (
            SELECT line, min(line) OVER (PARTITION BY ${key}) AS first_line, concat_ws(' ', ${key}) AS key
              FROM ${table} WHERE (${key}) IN (SELECT ${key} FROM repeated)
          ) s WHERE line <> first_line ORDER BY line`,
    reason: (row) => `duplicate key "${excerpt(row.key)}" (first given on line ${row.first_line})`,
  };
}

/**
 * Staged rows whose reference (`ref`, an expression over the staged row `s`) names a row that
 * exists neither in the database (`inDatabase`) nor in this load (`inLoad`, when that file is staged).
 */
function unknownReference(kind: BulkKind, reference: { column: string; ref: string; inDatabase: string; inLoad: string | null; what: string }): Check {
  return {
    file: `${kind}.csv`,
    column: reference.column,
    code: 'NOT_FOUND',
    sql: `SELECT s.line, ${reference.ref} AS ref FROM ${STAGED[kind]} s
           WHERE NOT EXISTS (${reference.inDatabase}) AND ${reference.inLoad ? `NOT EXISTS (${reference.inLoad})` : 'true'}
           ORDER BY s.line`,
    reason: (row) => `unknown ${reference.what} "${excerpt(row.ref)}"`,
  };
}

/** Parents named by a territory row that exist neither in this load nor in the database. */
function unknownParents(): Check {
  return {
    file: 'territories.csv',
    column: 'parent_code',
    code: 'NOT_FOUND',
    sql: `SELECT s.line, s.parent_code FROM ${STAGED.territories} s
           WHERE s.parent_code IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM ${STAGED.territories} p WHERE p.code = s.parent_code)
             AND NOT EXISTS (SELECT 1 FROM territory t WHERE t.code = s.parent_code)
           ORDER BY s.line`,
    reason: (row) => `unknown parent territory "${excerpt(row.parent_code)}"`,
  };
}

/**
 * Parent/child pairs (with the load's rows taking precedence over the database's) whose levels are
 * out of order: a parent must rank above its child (a region may contain a region).
 */
function levelsOutOfOrder(): Check {
  return {
    file: 'territories.csv',
    column: 'level',
    code: 'INVALID',
    sql: `WITH rank AS (SELECT * FROM unnest($1::text[], $2::int[]) AS r(level, rank)),
               merged AS (
                 SELECT code, level::text AS level FROM ${STAGED.territories}
                 UNION ALL
                 SELECT t.code, t.level::text FROM territory t WHERE NOT EXISTS (SELECT 1 FROM ${STAGED.territories} s WHERE s.code = t.code)
               ),
               edge AS (
                 -- edges given by the load
                 SELECT s.line, s.code AS child, s.parent_code AS parent FROM ${STAGED.territories} s WHERE s.parent_code IS NOT NULL
                 UNION ALL
                 -- database children of a territory the load changes
                 SELECT NULL::int, c.code, p.code FROM territory c JOIN territory p ON p.id = c.parent_id
                  WHERE EXISTS (SELECT 1 FROM ${STAGED.territories} s WHERE s.code = p.code)
                    AND NOT EXISTS (SELECT 1 FROM ${STAGED.territories} s WHERE s.code = c.code)
               )
          SELECT coalesce(e.line, (SELECT line FROM ${STAGED.territories} WHERE code = e.parent)) AS line,
                 e.child, e.parent, mc.level AS child_level, mp.level AS parent_level
            FROM edge e
            JOIN merged mc ON mc.code = e.child JOIN rank rc ON rc.level = mc.level
            JOIN merged mp ON mp.code = e.parent JOIN rank rp ON rp.level = mp.level
           WHERE rp.rank >= rc.rank AND NOT (mp.level = 'REGION' AND mc.level = 'REGION')
           ORDER BY 1`,
    reason: (row) => `${row.child} (${row.child_level}) cannot be placed under ${row.parent} (${row.parent_level})`,
    params: [TERRITORY_LEVELS, TERRITORY_LEVELS.map((level) => levelRank(level))],
  };
}

/**
 * Pages of the load whose URL another page of the same platform has once the load is applied: one
 * given on an earlier line, or a stored page the load does not restate (one URL, one page: a page
 * registered twice would count twice).
 */
function sharedUrls(): Check {
  return {
    file: 'pages.csv',
    column: 'url',
    code: 'DUPLICATE',
    sql: `WITH final AS (
            SELECT s.platform, s.external_id, s.url, s.line FROM ${STAGED.pages} s
            UNION ALL
            SELECT f.code, p.external_id, p.url, NULL::int FROM page p JOIN platform f ON f.id = p.platform_id
             WHERE EXISTS (SELECT 1 FROM ${STAGED.pages} s WHERE s.platform = f.code AND s.url = p.url)
               AND NOT EXISTS (SELECT 1 FROM ${STAGED.pages} s WHERE s.platform = f.code AND s.external_id = p.external_id)
          )
          SELECT DISTINCT ON (a.line) a.line, a.platform, b.external_id AS other, b.line AS other_line
            FROM final a JOIN final b ON b.platform = a.platform AND b.url = a.url AND b.external_id <> a.external_id
           WHERE a.line IS NOT NULL AND (b.line IS NULL OR b.line < a.line)
           ORDER BY a.line, b.line NULLS FIRST`,
    reason: (row) =>
      `another page has this URL: ${row.platform} ${excerpt(row.other)} (${row.other_line ? `line ${row.other_line}` : 'stored'}); one URL is one page`,
  };
}

/** The checks of each file that need the database or the whole load, in file order. */
const REFERENCE_CHECKS: Readonly<Record<BulkKind, (staged: ReadonlySet<BulkKind>) => Check[]>> = {
  territories: () => [duplicates('territories', 'code', 'code'), unknownParents(), levelsOutOfOrder()],
  sectors: () => [duplicates('sectors', 'code', 'code')],
  organisations: (staged) => [
    duplicates('organisations', 'external_id', 'external_id'),
    // Organisations placed in a territory, or a sector, that exists nowhere.
    unknownReference('organisations', {
      column: 'territory_code',
      ref: 's.territory_code',
      inDatabase: 'SELECT 1 FROM territory t WHERE t.code = s.territory_code',
      inLoad: staged.has('territories') ? `SELECT 1 FROM ${STAGED.territories} t WHERE t.code = s.territory_code` : null,
      what: 'territory',
    }),
    unknownReference('organisations', {
      column: 'sector_code',
      ref: 's.sector_code',
      inDatabase: 'SELECT 1 FROM sector t WHERE t.code = s.sector_code',
      inLoad: staged.has('sectors') ? `SELECT 1 FROM ${STAGED.sectors} t WHERE t.code = s.sector_code` : null,
      what: 'sector',
    }),
  ],
  pages: (staged) => [
    duplicates('pages', 'external_id', 'platform, external_id'),
    sharedUrls(),
    // Pages of an organisation that exists nowhere.
    unknownReference('pages', {
      column: 'organisation_external_id',
      ref: 's.organisation_external_id',
      inDatabase: 'SELECT 1 FROM organisation o WHERE o.external_id = s.organisation_external_id',
      inLoad: staged.has('organisations') ? `SELECT 1 FROM ${STAGED.organisations} o WHERE o.external_id = s.organisation_external_id` : null,
      what: 'organisation',
    }),
  ],
  observations: (staged) => [
    duplicates('observations', 'observed_on', 'platform, external_id, observed_on'),
    // Observations of a page that exists nowhere.
    unknownReference('observations', {
      column: 'external_id',
      ref: "s.platform || ' ' || s.external_id",
      inDatabase: 'SELECT 1 FROM page p JOIN platform f ON f.id = p.platform_id WHERE f.code = s.platform AND p.external_id = s.external_id',
      inLoad: staged.has('pages') ? `SELECT 1 FROM ${STAGED.pages} p WHERE p.platform = s.platform AND p.external_id = s.external_id` : null,
      what: 'page',
    }),
  ],
};

/**
 * Checks of a staged load that need the database or the whole load: duplicate keys within a
 * file, references to rows that exist nowhere, and the order of territory levels. Each query
 * returns the bad rows with their line. Runs before anything is written, in the round trip of
 * the `leading` statements (sent first, in order; their results are returned too).
 */
export async function findReferenceErrors(
  client: pg.PoolClient,
  staged: ReadonlySet<BulkKind>,
  leading: readonly string[] = [],
): Promise<{ errors: RowError[]; leading: pg.QueryResult[] }> {
  const checks = BULK_FILES.filter((spec) => staged.has(spec.kind)).flatMap((spec) => REFERENCE_CHECKS[spec.kind](staged));
  return collectAll(client, checks, leading);
}

/** Staged territories that, once the load's parents are applied, cannot reach the root: a cycle. */
export function findCycles(client: pg.PoolClient): Promise<RowError[]> {
  return collect(client, {
    file: 'territories.csv',
    column: 'parent_code',
    code: 'INVALID',
    sql: `WITH RECURSIVE reached AS (
            SELECT id FROM territory WHERE parent_id IS NULL
            UNION ALL
            SELECT c.id FROM territory c JOIN reached r ON c.parent_id = r.id
          )
          SELECT s.line, s.code FROM ${STAGED.territories} s JOIN territory t ON t.code = s.code
           WHERE NOT EXISTS (SELECT 1 FROM reached r WHERE r.id = t.id)
           ORDER BY s.line`,
    reason: (row) => `territory ${row.code} would be its own ancestor (a cycle)`,
  });
}

/** Up to three examples and "…" when there are more. */
function examples(list: string[], total: number): string {
  return `${list.join(', ')}${total > list.length ? ', …' : ''}`;
}

/** The examples a retirement query returns, as Postgres gives them (an array, or its text form). */
function exampleList(row: Found): string[] {
  const value = row.examples as unknown;
  return Array.isArray(value) ? (value as string[]) : [];
}

/**
 * Territories the load retires that would keep an active child: the children the load gives (as
 * staged) and the stored children it does not restate.
 */
function retiredWithChildren(client: pg.PoolClient): Promise<RowError[]> {
  return collect(client, {
    file: 'territories.csv',
    column: 'status',
    code: 'INVALID',
    sql: `WITH child AS (
            SELECT s.parent_code AS parent, s.code FROM ${STAGED.territories} s WHERE s.parent_code IS NOT NULL AND s.status = 'ACTIVE'
            UNION ALL
            SELECT p.code, c.code FROM territory c JOIN territory p ON p.id = c.parent_id
             WHERE c.status = 'ACTIVE'
               AND p.code IN (SELECT code FROM ${STAGED.territories} WHERE status = 'RETIRED')
               AND NOT EXISTS (SELECT 1 FROM ${STAGED.territories} s WHERE s.code = c.code)
          )
          SELECT r.line, r.code, count(*)::int AS n, (array_agg(c.code ORDER BY c.code))[1:3] AS examples
            FROM ${STAGED.territories} r JOIN child c ON c.parent = r.code
           WHERE r.status = 'RETIRED'
           GROUP BY r.line, r.code ORDER BY r.line`,
    reason: (row) => {
      const n = Number(row.n);
      return `cannot retire ${row.code}: ${n} active ${n === 1 ? 'territory stays' : 'territories stay'} below it (${examples(exampleList(row), n)}); retire them or move them to another parent in this load`;
    },
  });
}

/**
 * Territories the load retires that would keep an organisation: the organisations the load places
 * there (as staged) and the stored ones the load does not place anew.
 */
function retiredWithOrganisations(client: pg.PoolClient, withOrganisations: boolean): Promise<RowError[]> {
  return collect(client, {
    file: 'territories.csv',
    column: 'status',
    code: 'INVALID',
    sql: `WITH resident AS (
            ${withOrganisations ? `SELECT s.territory_code AS code, s.external_id FROM ${STAGED.organisations} s UNION ALL` : ''}
            SELECT t.code, o.external_id FROM organisation o JOIN territory t ON t.id = o.territory_id
             WHERE t.code IN (SELECT code FROM ${STAGED.territories} WHERE status = 'RETIRED')
               ${withOrganisations ? `AND NOT EXISTS (SELECT 1 FROM ${STAGED.organisations} s WHERE s.external_id = o.external_id)` : ''}
          )
          SELECT r.line, r.code, count(*)::int AS n, (array_agg(x.external_id ORDER BY x.external_id))[1:3] AS examples
            FROM ${STAGED.territories} r JOIN resident x ON x.code = r.code
           WHERE r.status = 'RETIRED'
           GROUP BY r.line, r.code ORDER BY r.line`,
    reason: (row) => {
      const n = Number(row.n);
      return `cannot retire ${row.code}: ${n} ${n === 1 ? 'organisation stays' : 'organisations stay'} in it (${examples(exampleList(row), n)}); move them to a current territory in organisations.csv of this load`;
    },
  });
}

/** Active territories the load places under a territory retired earlier (one the load retires itself is reported on its own line). */
function placedUnderRetired(client: pg.PoolClient): Promise<RowError[]> {
  return collect(client, {
    file: 'territories.csv',
    column: 'parent_code',
    code: 'INVALID',
    sql: `SELECT s.line, s.code, s.parent_code FROM ${STAGED.territories} s JOIN territory p ON p.code = s.parent_code
           WHERE s.status = 'ACTIVE' AND p.status = 'RETIRED'
             AND NOT EXISTS (SELECT 1 FROM ${STAGED.territories} sp WHERE sp.code = s.parent_code)
           ORDER BY s.line`,
    reason: (row) => `parent ${row.parent_code} is retired; place ${row.code} under a current territory (or retire ${row.code} too)`,
  });
}

/** Organisations the load places in a territory retired earlier (and not restated by this load). */
function organisationsInRetired(client: pg.PoolClient, withTerritories: boolean): Promise<RowError[]> {
  return collect(client, {
    file: 'organisations.csv',
    column: 'territory_code',
    code: 'INVALID',
    sql: `SELECT s.line, s.territory_code FROM ${STAGED.organisations} s JOIN territory t ON t.code = s.territory_code
           WHERE t.status = 'RETIRED'
             ${withTerritories ? `AND NOT EXISTS (SELECT 1 FROM ${STAGED.territories} st WHERE st.code = s.territory_code)` : ''}
           ORDER BY s.line`,
    reason: (row) => `territory ${row.territory_code} is retired; place the organisation in a current territory`,
  });
}

/**
 * The retirement rules, checked on the state the load leaves (its rows over the stored ones)
 * before anything is written. A territory may be RETIRED only when nothing remains under it: no
 * active child territory and no organisation, unless the same load retires or moves the children
 * and re-homes the organisations. Nothing new may be placed in a territory retired earlier. Runs
 * after resolveTerritoryDefaults (every staged territory has its status).
 */
export async function findRetirementErrors(client: pg.PoolClient, staged: ReadonlySet<BulkKind>): Promise<RowError[]> {
  const errors: RowError[] = [];
  const withOrganisations = staged.has('organisations');
  if (staged.has('territories')) {
    for (const error of await retiredWithChildren(client)) errors.push(error);
    for (const error of await retiredWithOrganisations(client, withOrganisations)) errors.push(error);
    for (const error of await placedUnderRetired(client)) errors.push(error);
  }
  if (withOrganisations) for (const error of await organisationsInRetired(client, staged.has('territories'))) errors.push(error);
  return errors;
}
