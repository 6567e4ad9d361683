import { query } from '../../db/sql.js';

/**
 * The rows of the spreadsheet exports, read in batches by keyset (each batch starts after the
 * last row of the one before it, in the list's order), so a download never holds a list whole and
 * no connection is held between batches. Figures come from the figures and monitoring services.
 */

/** A territory the exports name. */
export interface ExportTerritory {
  id: number;
  code: string;
  name: string;
  level: string;
}

/** The territory with this code (null when none). */
export async function selectTerritory(code: string): Promise<ExportTerritory | null> {
  // One territory by its unique code.
  const rows = await query<ExportTerritory>('SELECT id, code, name, level::text AS level FROM territory WHERE code = $1', [code]);
  return rows[0] ?? null;
}

/** Where a batch of children starts: after this child (search name, name, id), or at the start when null. */
export type ChildKey = { searchName: string; name: string; id: number } | null;

/** A child territory with its position key. */
export interface ChildRow extends ExportTerritory {
  search_name: string;
}

/** One batch of the current children of a territory by name (as `children` lists them by default), after `after`. */
export function selectChildren(parentId: number, after: ChildKey, limit: number): Promise<ChildRow[]> {
  // The next `limit` current children of a territory in name order (search name, name, id), after the given key.
  return query<ChildRow>(
    `SELECT id, code, name, level::text AS level, search_name
       FROM territory
      WHERE parent_id = $1 AND status = 'ACTIVE'
        AND ($2::text IS NULL OR (search_name, name, id) > ($2::text, $3::text, $4::int))
      ORDER BY search_name, name, id
      LIMIT $5`,
    [parentId, after?.searchName ?? null, after?.name ?? null, after?.id ?? null, limit],
  );
}

/** How the organisations export narrows each territory's organisations, as `organisations(filter:)` does. */
export interface OrganisationListFilter {
  sectorIds: number[] | null;
  /** Only organisations lacking an active page on at least one of these platforms (bit set); null: every organisation. */
  missingMask: number | null;
}

/** A territory of the subtree with organisations located in it. */
export interface OrganisationTerritory {
  id: number;
  code: string;
  name: string;
}

/** The territories of the subtree of `territoryId` (itself included) that have organisations, by code. */
export function selectOrganisationTerritories(territoryId: number): Promise<OrganisationTerritory[]> {
  // The territories whose path contains $1 and in which at least one organisation is located, in code order (the export's first key).
  return query<OrganisationTerritory>(
    `SELECT t.id, t.code, t.name
       FROM territory t
      WHERE t.path @> ARRAY[$1::int]
        AND EXISTS (SELECT 1 FROM organisation o WHERE o.territory_id = t.id)
      ORDER BY t.code`,
    [territoryId],
  );
}

/** Where a territory's organisations continue: after this one (search name, id), or at its first when null. */
export type OrganisationKey = { searchName: string; id: number } | null;

/** An organisation row of the export. */
export interface OrganisationRow {
  id: number;
  external_id: string;
  name: string;
  search_name: string;
  kind: string;
  inn: string | null;
  ogrn: string | null;
  sector_code: string;
  /** Current subscribers over its active pages (maintained with the rollups), as a decimal string. */
  subscribers: string;
  /** Platforms it has an active page on (bit set, maintained with the rollups). */
  platform_mask: number;
}

/**
 * The next organisations located in one territory matching `filter`, by (search name, id) after
 * `after`: read along the index organisation(territory_id, search_name, id), so a batch reads its
 * rows and sorts nothing.
 */
export function selectTerritoryOrganisations(
  territoryId: number,
  filter: OrganisationListFilter,
  after: OrganisationKey,
  limit: number,
): Promise<OrganisationRow[]> {
  // The next `limit` organisations located in territory $1, of the sectors $2 (every sector when null), lacking an active page on
  // one of the platforms of mask $3 (no condition when null), ordered by (search name, id) after the given key.
  return query<OrganisationRow>(
    `SELECT o.id, o.external_id, o.name, o.search_name, o.kind::text AS kind, o.inn, o.ogrn,
            s.code AS sector_code, o.subscribers::text AS subscribers, o.platform_mask
       FROM organisation o
       JOIN sector s ON s.id = o.sector_id
      WHERE o.territory_id = $1
        AND ($2::int[] IS NULL OR o.sector_id = ANY($2::int[]))
        AND ($3::int IS NULL OR (o.platform_mask & $3::int) <> $3::int)
        AND ($4::text IS NULL OR (o.search_name, o.id) > ($4::text, $5::int))
      ORDER BY o.search_name, o.id
      LIMIT $6`,
    [territoryId, filter.sectorIds, filter.missingMask, after?.searchName ?? null, after?.id ?? null, limit],
  );
}
