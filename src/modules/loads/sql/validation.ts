import type pg from 'pg';
import { levelRank, TERRITORY_LEVELS } from '../../territory/levels.js';
import type { RowError } from '../files.js';

/**
 * Checks of a staged load that need the database or the whole load: duplicate keys within a
 * file, references to rows that exist nowhere, and the order of territory levels. Each query
 * returns the bad rows with their line. Runs before anything is written.
 */
export async function findReferenceErrors(client: pg.PoolClient, staged: ReadonlySet<string>): Promise<RowError[]> {
  const errors: RowError[] = [];
  const collect = async (file: string, column: string, sql: string, reason: (row: Record<string, string>) => string, params: unknown[] = []) => {
    const { rows } = await client.query<Record<string, string>>(sql, params);
    for (const row of rows) errors.push({ file, line: Number(row.line), column, reason: reason(row) });
  };
  const duplicates = (table: string, key: string) =>
    // Rows repeating a key already given on an earlier line of the same file: the repeated keys
    // found by hashing (no sort of the whole file), then the lines of those keys only.
    `WITH repeated AS (SELECT ${key} FROM ${table} GROUP BY ${key} HAVING count(*) > 1)
     SELECT line, first_line, key FROM (
       SELECT line, min(line) OVER (PARTITION BY ${key}) AS first_line, concat_ws(' ', ${key}) AS key
         FROM ${table} WHERE (${key}) IN (SELECT ${key} FROM repeated)
     ) s WHERE line <> first_line ORDER BY line`;
  const duplicateReason = (row: Record<string, string>) => `duplicate key "${row.key}" (first given on line ${row.first_line})`;

  if (staged.has('territories')) {
    await collect('territories.csv', 'code', duplicates('stage_territory', 'code'), duplicateReason);
    // Parents named by a row that exist neither in this load nor in the database.
    await collect(
      'territories.csv',
      'parent_code',
      `SELECT s.line, s.parent_code FROM stage_territory s
        WHERE s.parent_code IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM stage_territory p WHERE p.code = s.parent_code)
          AND NOT EXISTS (SELECT 1 FROM territory t WHERE t.code = s.parent_code)
        ORDER BY s.line`,
      (row) => `unknown parent territory "${row.parent_code}"`,
    );
    // Parent/child pairs (with the load's rows taking precedence over the database's) whose levels
    // are out of order: a parent must rank above its child (a region may contain a region).
    const ranks = TERRITORY_LEVELS.map((level) => levelRank(level));
    await collect(
      'territories.csv',
      'level',
      `WITH rank AS (SELECT * FROM unnest($1::text[], $2::int[]) AS r(level, rank)),
            merged AS (
              SELECT code, level::text AS level FROM stage_territory
              UNION ALL
              SELECT t.code, t.level::text FROM territory t WHERE NOT EXISTS (SELECT 1 FROM stage_territory s WHERE s.code = t.code)
            ),
            edge AS (
              -- edges given by the load
              SELECT s.line, s.code AS child, s.parent_code AS parent FROM stage_territory s WHERE s.parent_code IS NOT NULL
              UNION ALL
              -- database children of a territory the load changes
              SELECT NULL::int, c.code, p.code FROM territory c JOIN territory p ON p.id = c.parent_id
               WHERE EXISTS (SELECT 1 FROM stage_territory s WHERE s.code = p.code)
                 AND NOT EXISTS (SELECT 1 FROM stage_territory s WHERE s.code = c.code)
            )
       SELECT coalesce(e.line, (SELECT line FROM stage_territory WHERE code = e.parent)) AS line,
              e.child, e.parent, mc.level AS child_level, mp.level AS parent_level
         FROM edge e
         JOIN merged mc ON mc.code = e.child JOIN rank rc ON rc.level = mc.level
         JOIN merged mp ON mp.code = e.parent JOIN rank rp ON rp.level = mp.level
        WHERE rp.rank >= rc.rank AND NOT (mp.level = 'REGION' AND mc.level = 'REGION')
        ORDER BY 1`,
      (row) => `${row.child} (${row.child_level}) cannot be placed under ${row.parent} (${row.parent_level})`,
      [TERRITORY_LEVELS, ranks],
    );
  }
  /**
   * Staged rows whose reference (`ref`, an expression over the staged row `s`) names a row that
   * exists neither in the database (`inDatabase`) nor in this load (`inLoad`, when that file is staged).
   */
  const unknownReference = (file: string, column: string, table: string, ref: string, inDatabase: string, inLoad: string | null, what: string) =>
    collect(
      file,
      column,
      `SELECT s.line, ${ref} AS ref FROM ${table} s
        WHERE NOT EXISTS (${inDatabase}) AND ${inLoad ? `NOT EXISTS (${inLoad})` : 'true'}
        ORDER BY s.line`,
      (row) => `unknown ${what} "${row.ref}"`,
    );

  if (staged.has('sectors')) {
    await collect('sectors.csv', 'code', duplicates('stage_sector', 'code'), duplicateReason);
  }
  if (staged.has('organisations')) {
    await collect('organisations.csv', 'external_id', duplicates('stage_organisation', 'external_id'), duplicateReason);
    // Organisations placed in a territory, or a sector, that exists nowhere.
    await unknownReference(
      'organisations.csv',
      'territory_code',
      'stage_organisation',
      's.territory_code',
      'SELECT 1 FROM territory t WHERE t.code = s.territory_code',
      staged.has('territories') ? 'SELECT 1 FROM stage_territory t WHERE t.code = s.territory_code' : null,
      'territory',
    );
    await unknownReference(
      'organisations.csv',
      'sector_code',
      'stage_organisation',
      's.sector_code',
      'SELECT 1 FROM sector t WHERE t.code = s.sector_code',
      staged.has('sectors') ? 'SELECT 1 FROM stage_sector t WHERE t.code = s.sector_code' : null,
      'sector',
    );
  }
  if (staged.has('pages')) {
    await collect('pages.csv', 'external_id', duplicates('stage_page', 'platform, external_id'), duplicateReason);
    // Pages of an organisation that exists nowhere.
    await unknownReference(
      'pages.csv',
      'organisation_external_id',
      'stage_page',
      's.organisation_external_id',
      'SELECT 1 FROM organisation o WHERE o.external_id = s.organisation_external_id',
      staged.has('organisations') ? 'SELECT 1 FROM stage_organisation o WHERE o.external_id = s.organisation_external_id' : null,
      'organisation',
    );
  }
  if (staged.has('observations')) {
    await collect('observations.csv', 'observed_on', duplicates('stage_observation', 'platform, external_id, observed_on'), duplicateReason);
    // Observations of a page that exists nowhere.
    await unknownReference(
      'observations.csv',
      'external_id',
      'stage_observation',
      "s.platform || ' ' || s.external_id",
      'SELECT 1 FROM page p JOIN platform f ON f.id = p.platform_id WHERE f.code = s.platform AND p.external_id = s.external_id',
      staged.has('pages') ? 'SELECT 1 FROM stage_page p WHERE p.platform = s.platform AND p.external_id = s.external_id' : null,
      'page',
    );
  }
  return errors;
}

/** Staged territories that, once the load's parents are applied, cannot reach the root: a cycle. */
export async function findCycles(client: pg.PoolClient): Promise<RowError[]> {
  const { rows } = await client.query<{ line: number; code: string }>(
    `WITH RECURSIVE reached AS (
       SELECT id FROM territory WHERE parent_id IS NULL
       UNION ALL
       SELECT c.id FROM territory c JOIN reached r ON c.parent_id = r.id
     )
     SELECT s.line, s.code FROM stage_territory s JOIN territory t ON t.code = s.code
      WHERE NOT EXISTS (SELECT 1 FROM reached r WHERE r.id = t.id)
      ORDER BY s.line`,
  );
  return rows.map((row) => ({
    file: 'territories.csv',
    line: row.line,
    column: 'parent_code',
    reason: `territory ${row.code} would be its own ancestor (a cycle)`,
  }));
}

/** Up to three examples and "…" when there are more. */
function examples(list: string[], total: number): string {
  return `${list.join(', ')}${total > list.length ? ', …' : ''}`;
}

/**
 * The retirement rules, checked on the state the load leaves (its rows over the stored ones)
 * before anything is written. A territory may be RETIRED only when nothing remains under it: no
 * active child territory and no organisation, unless the same load retires or moves the children
 * and re-homes the organisations. Nothing new may be placed in a territory retired earlier. Runs
 * after resolveTerritoryDefaults (every staged territory has its status).
 */
export async function findRetirementErrors(client: pg.PoolClient, staged: ReadonlySet<string>): Promise<RowError[]> {
  const errors: RowError[] = [];
  const withOrganisations = staged.has('organisations');
  if (staged.has('territories')) {
    // Territories the load retires that would keep an active child: the children the load gives
    // (as staged) and the stored children it does not restate.
    const { rows: children } = await client.query<{ line: number; code: string; n: number; examples: string[] }>(
      `WITH child AS (
         SELECT s.parent_code AS parent, s.code FROM stage_territory s WHERE s.parent_code IS NOT NULL AND s.status = 'ACTIVE'
         UNION ALL
         SELECT p.code, c.code FROM territory c JOIN territory p ON p.id = c.parent_id
          WHERE c.status = 'ACTIVE'
            AND p.code IN (SELECT code FROM stage_territory WHERE status = 'RETIRED')
            AND NOT EXISTS (SELECT 1 FROM stage_territory s WHERE s.code = c.code)
       )
       SELECT r.line, r.code, count(*)::int AS n, (array_agg(c.code ORDER BY c.code))[1:3] AS examples
         FROM stage_territory r JOIN child c ON c.parent = r.code
        WHERE r.status = 'RETIRED'
        GROUP BY r.line, r.code ORDER BY r.line`,
    );
    for (const row of children) {
      errors.push({
        file: 'territories.csv',
        line: row.line,
        column: 'status',
        reason: `cannot retire ${row.code}: ${row.n} active ${row.n === 1 ? 'territory stays' : 'territories stay'} below it (${examples(row.examples, row.n)}); retire them or move them to another parent in this load`,
      });
    }
    // Territories the load retires that would keep an organisation: the organisations the load
    // places there (as staged) and the stored ones the load does not place anew.
    const { rows: residents } = await client.query<{ line: number; code: string; n: number; examples: string[] }>(
      `WITH resident AS (
         ${withOrganisations ? 'SELECT s.territory_code AS code, s.external_id FROM stage_organisation s UNION ALL' : ''}
         SELECT t.code, o.external_id FROM organisation o JOIN territory t ON t.id = o.territory_id
          WHERE t.code IN (SELECT code FROM stage_territory WHERE status = 'RETIRED')
            ${withOrganisations ? 'AND NOT EXISTS (SELECT 1 FROM stage_organisation s WHERE s.external_id = o.external_id)' : ''}
       )
       SELECT r.line, r.code, count(*)::int AS n, (array_agg(x.external_id ORDER BY x.external_id))[1:3] AS examples
         FROM stage_territory r JOIN resident x ON x.code = r.code
        WHERE r.status = 'RETIRED'
        GROUP BY r.line, r.code ORDER BY r.line`,
    );
    for (const row of residents) {
      errors.push({
        file: 'territories.csv',
        line: row.line,
        column: 'status',
        reason: `cannot retire ${row.code}: ${row.n} ${row.n === 1 ? 'organisation stays' : 'organisations stay'} in it (${examples(row.examples, row.n)}); move them to a current territory in organisations.csv of this load`,
      });
    }
    // Active territories the load places under a territory retired earlier (one the load retires
    // itself is reported on its own line above).
    const { rows: orphans } = await client.query<{ line: number; code: string; parent_code: string }>(
      `SELECT s.line, s.code, s.parent_code FROM stage_territory s JOIN territory p ON p.code = s.parent_code
        WHERE s.status = 'ACTIVE' AND p.status = 'RETIRED'
          AND NOT EXISTS (SELECT 1 FROM stage_territory sp WHERE sp.code = s.parent_code)
        ORDER BY s.line`,
    );
    for (const row of orphans) {
      errors.push({
        file: 'territories.csv',
        line: row.line,
        column: 'parent_code',
        reason: `parent ${row.parent_code} is retired; place ${row.code} under a current territory (or retire ${row.code} too)`,
      });
    }
  }
  if (withOrganisations) {
    // Organisations the load places in a territory retired earlier (and not restated by this load).
    const { rows } = await client.query<{ line: number; territory_code: string }>(
      `SELECT s.line, s.territory_code FROM stage_organisation s JOIN territory t ON t.code = s.territory_code
        WHERE t.status = 'RETIRED'
          ${staged.has('territories') ? 'AND NOT EXISTS (SELECT 1 FROM stage_territory st WHERE st.code = s.territory_code)' : ''}
        ORDER BY s.line`,
    );
    for (const row of rows) {
      errors.push({
        file: 'organisations.csv',
        line: row.line,
        column: 'territory_code',
        reason: `territory ${row.territory_code} is retired; place the organisation in a current territory`,
      });
    }
  }
  return errors;
}
