import type { Catalogue, PlatformRow } from '../catalogue/catalogue.js';
import { resolveCodes } from '../catalogue/catalogue.js';
import { platformBit, platformMask } from '../catalogue/platformMask.js';
import { resolveScopeFilter, type ScopeFilter } from '../figures/filter.js';
import { createLoaders } from '../loaders.js';
import { shareOf } from '../monitoring/compliance.js';
import { territoryFreshness } from '../monitoring/freshness.js';
import { type ComplianceFilter, complianceFilter, territoryCompliance } from '../monitoring/service.js';
import type { ExportParams } from './params.js';
import {
  type ChildKey,
  type ExportTerritory,
  type OrganisationKey,
  type OrganisationListFilter,
  type OrganisationRow,
  type OrganisationTerritory,
  selectChildren,
  selectOrganisationTerritories,
  selectTerritoryOrganisations,
} from './sql.js';

/**
 * The two exports as tables: their columns, and their rows as an async sequence of batches read
 * one at a time (so a download holds one batch, never the list). Every figure comes from the
 * same services as the GraphQL fields (figures' loaders, monitoring's compliance), so a cell
 * equals the field it names.
 */

/** A cell: text, a number (written as a number in XLSX), or empty. */
export type Cell = string | number | null;

export interface Column {
  /** The header (a stable name a formula or a script can refer to). */
  header: string;
  /** How an XLSX shows it: plain text, a whole number, or a share (0–1, shown as a percentage). */
  kind: 'text' | 'count' | 'share';
  /** Width in characters in XLSX. */
  width: number;
}

export interface Table {
  /** Sheet name (XLSX). */
  title: string;
  columns: Column[];
  /** Batches of rows (each row one cell per column), read on demand. */
  batches: AsyncIterable<Cell[][]>;
  /** Cost points one row costs against the rate limit (src/modules/edge/cost.ts: objects it stands for). */
  rowCost: number;
}

const text = (header: string, width = 14): Column => ({ header, kind: 'text', width });
const count = (header: string, width = 14): Column => ({ header, kind: 'count', width });
const share = (header: string): Column => ({ header, kind: 'share', width: 12 });

/** The platforms a filter shows (every platform of the catalogue without one), in catalogue order. */
/** The age after which the children export counts a page as stale (`freshness`' default). */
const STALE_AFTER_DAYS = 30;

function shownPlatforms(catalogue: Catalogue, scope: ScopeFilter): PlatformRow[] {
  return scope.platformIds ? catalogue.platforms.filter((p) => scope.platformIds!.includes(p.id)) : catalogue.platforms;
}

/**
 * One row per current child of `parent` (by name): code, name, level, subscribers per platform and
 * in all, pages, verified pages, organisations, organisations with pages, coverage, stale pages
 * (active pages of the whole subtree not counted for STALE_AFTER_DAYS days); with `required`, compliant
 * and compliance; with `from`/`to`, growth. Unknown codes are BAD_USER_INPUT (before any row).
 */
export async function childrenTable(parent: ExportTerritory, params: ExportParams, batchSize: number): Promise<Table> {
  const catalogue = await createLoaders().catalogue();
  const scope = resolveScopeFilter(catalogue, params);
  const compliance = params.required ? complianceFilter(catalogue, { required: params.required, sectors: params.sectors }) : null;
  const range = params.from && params.to ? { from: params.from, to: params.to } : null;
  const platforms = shownPlatforms(catalogue, scope);
  const columns = [
    text('code', 12),
    text('name', 40),
    text('level', 20),
    ...platforms.map((p) => count(`subscribers_${p.code}`)),
    count('subscribers'),
    count('pages'),
    count('verified_pages'),
    count('organisations'),
    count('organisations_with_pages', 24),
    share('coverage'),
    count('stale_pages'),
    ...(compliance ? [count('compliant'), share('compliance')] : []),
    ...(range ? [count('growth')] : []),
  ];
  async function* batches(): AsyncGenerator<Cell[][]> {
    let after: ChildKey = null;
    for (;;) {
      const children = await selectChildren(parent.id, after, batchSize);
      if (children.length === 0) return;
      yield await childCells(children, { scope, compliance, range, platforms });
      const last = children[children.length - 1]!;
      after = { searchName: last.search_name, name: last.name, id: last.id };
      if (children.length < batchSize) return;
    }
  }
  const rowCost = 4 + platforms.length + (compliance ? 1 + compliance.required.length : 0) + (range ? 1 : 0);
  return { title: `${parent.code} — территории`, columns, batches: batches(), rowCost };
}

interface ChildFigures {
  scope: ScopeFilter;
  compliance: ComplianceFilter | null;
  range: { from: string; to: string } | null;
  platforms: PlatformRow[];
}

/** The cells of a batch of children: their figures through one request's loaders (one statement per kind of figure). */
async function childCells(children: readonly ExportTerritory[], f: ChildFigures): Promise<Cell[][]> {
  const loaders = createLoaders();
  return Promise.all(
    children.map(async (child) => {
      const [stats, freshness, compliance, growth] = await Promise.all([
        loaders.territoryStats.load({ id: child.id, filter: { ...f.scope, at: null } }),
        territoryFreshness(loaders, child.id, STALE_AFTER_DAYS),
        f.compliance ? territoryCompliance(loaders, child.id, f.compliance) : null,
        f.range ? loaders.territoryGrowth.load({ id: child.id, filter: { ...f.scope, ...f.range } }) : null,
      ]);
      const byPlatform = new Map(stats.byPlatform.map((entry) => [entry.platform.id, Number(entry.subscribers)]));
      return [
        child.code,
        child.name,
        child.level,
        ...f.platforms.map((p) => byPlatform.get(p.id) ?? 0),
        Number(stats.subscribers),
        stats.pages,
        stats.verifiedPages,
        stats.organisations,
        stats.organisationsWithPages,
        shareOf(stats.organisationsWithPages, stats.organisations),
        freshness.stalePages,
        ...(compliance ? [compliance.compliant, compliance.share] : []),
        ...(growth ? [Number(growth.change)] : []),
      ];
    }),
  );
}

/** Platform codes of a bit set, in catalogue order, comma-separated. */
function codesOf(catalogue: Catalogue, mask: number): string {
  return catalogue.platforms
    .filter((p) => (mask & platformBit(p.id)) !== 0)
    .map((p) => p.code)
    .join(', ');
}

/**
 * The organisations of the subtree of `territory` (by territory code, then name), narrowed by
 * `sectors` and `missingPlatforms` as `organisations(filter:)` is: who to call, with what they
 * have and, with `missingPlatforms`, what they lack.
 */
export async function organisationsTable(territory: ExportTerritory, params: ExportParams, batchSize: number): Promise<Table> {
  const catalogue = await createLoaders().catalogue();
  const sectorIds = resolveCodes(catalogue, 'sector', params.sectors, 'sectors');
  const missingIds = resolveCodes(catalogue, 'platform', params.missingPlatforms, 'missingPlatforms');
  const missingMask = missingIds === null ? null : platformMask(missingIds);
  const columns = [
    text('external_id', 24),
    text('name', 48),
    text('kind', 12),
    text('inn', 14),
    text('ogrn', 16),
    text('territory_code', 14),
    text('territory_name', 36),
    text('sector', 16),
    count('subscribers'),
    text('platforms', 24),
    ...(missingMask === null ? [] : [text('missing', 20)]),
  ];
  async function* batches(): AsyncGenerator<Cell[][]> {
    for await (const rows of organisationBatches(territory.id, { sectorIds, missingMask }, batchSize)) {
      yield rows.map(({ organisation: o, territory: t }) => [
        o.external_id,
        o.name,
        o.kind,
        o.inn,
        o.ogrn,
        t.code,
        t.name,
        o.sector_code,
        Number(o.subscribers),
        codesOf(catalogue, o.platform_mask),
        ...(missingMask === null ? [] : [codesOf(catalogue, missingMask & ~o.platform_mask)]),
      ]);
    }
  }
  return { title: `${territory.code} — организации`, columns, batches: batches(), rowCost: 3 + catalogue.platforms.length };
}

/** An organisation of the export with the territory it is located in. */
interface LocatedOrganisation {
  organisation: OrganisationRow;
  territory: OrganisationTerritory;
}

/**
 * The organisations of the subtree of `rootId` in batches of `batchSize` (the last one shorter),
 * territory by territory in code order and, within one, by (search name, id) after the last row
 * read: each statement reads along an index, so the largest region's export never sorts its whole
 * subtree per batch. The subtree's territories (not its organisations) are read once at the start.
 */
async function* organisationBatches(rootId: number, filter: OrganisationListFilter, batchSize: number): AsyncGenerator<LocatedOrganisation[]> {
  let batch: LocatedOrganisation[] = [];
  for (const territory of await selectOrganisationTerritories(rootId)) {
    let after: OrganisationKey = null;
    for (;;) {
      const wanted = batchSize - batch.length;
      const rows = await selectTerritoryOrganisations(territory.id, filter, after, wanted);
      for (const organisation of rows) batch.push({ organisation, territory });
      if (batch.length === batchSize) {
        yield batch;
        batch = [];
      }
      if (rows.length < wanted) break;
      const last = rows[rows.length - 1]!;
      after = { searchName: last.search_name, id: last.id };
    }
  }
  if (batch.length > 0) yield batch;
}
