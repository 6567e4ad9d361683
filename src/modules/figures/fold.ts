import type { Catalogue, PlatformRow, SectorRow } from '../catalogue/catalogue.js';
import { platformBit, platformMask } from '../catalogue/platformMask.js';

/** Active pages and their subscribers in one (sector, platform) cell of a scope. */
export interface PageCell {
  sectorId: number;
  platformId: number;
  pages: number;
  subscribers: bigint;
  /** The verified pages among them and their subscribers (current, whatever the day of the cell's subscribers). */
  verifiedPages: number;
  verifiedSubscribers: bigint;
}

/** Organisations of one sector with exactly one set of platforms they have an active page on. */
export interface OrganisationSet {
  sectorId: number;
  /** Bit set (bit = platform id - 1); 0 = no active page. */
  platformMask: number;
  organisations: number;
}

/** Figures of one platform within a scope. */
export interface PlatformStats {
  platform: PlatformRow;
  subscribers: bigint;
  pages: number;
  /** Organisations in scope with an active page on this platform. */
  organisations: number;
  verifiedPages: number;
  verifiedSubscribers: bigint;
}

/** Figures of one sector within a scope. */
export interface SectorStats {
  sector: SectorRow;
  subscribers: bigint;
  pages: number;
  organisations: number;
  organisationsWithPages: number;
  verifiedPages: number;
  verifiedSubscribers: bigint;
}

/** The figures of a scope (see docs/aggregation.md for how each one is defined and kept). */
export interface Stats {
  subscribers: bigint;
  pages: number;
  organisations: number;
  organisationsWithPages: number;
  /** Active pages with the verification mark, and their current subscribers (current only, whatever `at`). */
  verifiedPages: number;
  verifiedSubscribers: bigint;
  byPlatform: PlatformStats[];
  bySector: SectorStats[];
}

/** Stats of a scope with nothing in it. */
export const EMPTY_STATS: Stats = Object.freeze({
  subscribers: 0n,
  pages: 0,
  organisations: 0,
  organisationsWithPages: 0,
  verifiedPages: 0,
  verifiedSubscribers: 0n,
  byPlatform: [],
  bySector: [],
}) as Stats;

/** The catalogue's platforms and sectors by id, built once per catalogue (a request folds many Stats over one). */
const byId = new WeakMap<Catalogue, { platformById: Map<number, PlatformRow>; sectorById: Map<number, SectorRow> }>();
function catalogueById(catalogue: Catalogue) {
  let found = byId.get(catalogue);
  if (!found) {
    found = { platformById: new Map(catalogue.platforms.map((p) => [p.id, p])), sectorById: new Map(catalogue.sectors.map((s) => [s.id, s])) };
    byId.set(catalogue, found);
  }
  return found;
}

/**
 * Folds a scope's cells (already narrowed by the platform and sector filters, subscribers as of
 * the requested day) and its organisation sets (narrowed by sector only) into Stats:
 * - subscribers, pages, verifiedPages, verifiedSubscribers: sums over the cells;
 * - organisations: every set (the platform filter does not narrow it);
 * - organisationsWithPages: sets holding a platform of the filter;
 * - byPlatform / bySector: every platform / sector with anything in scope, by subscribers
 *   descending, then code.
 */
export function foldStats(cells: readonly PageCell[], sets: readonly OrganisationSet[], platformIds: readonly number[] | null, catalogue: Catalogue): Stats {
  const filterMask = platformMask(platformIds);
  const platforms = new Map<number, PlatformStats>();
  const sectors = new Map<number, SectorStats>();
  const { platformById, sectorById } = catalogueById(catalogue);
  const sectorOf = (id: number) => {
    let entry = sectors.get(id);
    if (!entry) {
      const sector = sectorById.get(id) ?? { id, code: `#${id}`, name: `#${id}` };
      entry = { sector, subscribers: 0n, pages: 0, organisations: 0, organisationsWithPages: 0, verifiedPages: 0, verifiedSubscribers: 0n };
      sectors.set(id, entry);
    }
    return entry;
  };
  const platformOf = (id: number) => {
    let entry = platforms.get(id);
    if (!entry) {
      const platform = platformById.get(id) ?? { id, code: `#${id}`, name: `#${id}`, hosts: [] };
      entry = { platform, subscribers: 0n, pages: 0, organisations: 0, verifiedPages: 0, verifiedSubscribers: 0n };
      platforms.set(id, entry);
    }
    return entry;
  };

  const stats: Stats = { ...EMPTY_STATS, byPlatform: [], bySector: [] };
  for (const cell of cells) {
    if (cell.pages === 0 && cell.subscribers === 0n) continue;
    for (const entry of [stats, platformOf(cell.platformId), sectorOf(cell.sectorId)]) {
      entry.subscribers += cell.subscribers;
      entry.pages += cell.pages;
      entry.verifiedPages += cell.verifiedPages;
      entry.verifiedSubscribers += cell.verifiedSubscribers;
    }
  }
  // Platforms the filter keeps, to split each organisation set over.
  const kept = platformIds ?? catalogue.platforms.map((p) => p.id);
  for (const set of sets) {
    if (set.organisations === 0) continue;
    const covered = (set.platformMask & filterMask) !== 0;
    stats.organisations += set.organisations;
    const sector = sectorOf(set.sectorId);
    sector.organisations += set.organisations;
    if (covered) {
      stats.organisationsWithPages += set.organisations;
      sector.organisationsWithPages += set.organisations;
      for (const id of kept) {
        if (set.platformMask & platformBit(id)) platformOf(id).organisations += set.organisations;
      }
    }
  }
  stats.byPlatform = [...platforms.values()].sort((a, b) => bySubscribersThenCode(a, b, a.platform.code, b.platform.code));
  stats.bySector = [...sectors.values()].sort((a, b) => bySubscribersThenCode(a, b, a.sector.code, b.sector.code));
  return stats;
}

function bySubscribersThenCode(a: { subscribers: bigint }, b: { subscribers: bigint }, codeA: string, codeB: string): number {
  if (a.subscribers !== b.subscribers) return a.subscribers > b.subscribers ? -1 : 1;
  return codeA < codeB ? -1 : codeA > codeB ? 1 : 0;
}

/**
 * Moves cells' current subscribers to a past day. `changes` are per-cell sums of subscriber
 * changes: after the day (`direction: 'subtract'`, taken off the current sums) or up to and
 * including it (`direction: 'replace'`, the figure itself). The verified figures stay current.
 */
export function cellsAsOf(
  current: readonly PageCell[],
  changes: readonly { sectorId: number; platformId: number; subscribers: bigint }[],
  direction: 'subtract' | 'replace',
): PageCell[] {
  const key = (sectorId: number, platformId: number) => `${sectorId}:${platformId}`;
  const cells = new Map<string, PageCell>();
  for (const cell of current) {
    cells.set(key(cell.sectorId, cell.platformId), { ...cell, subscribers: direction === 'replace' ? 0n : cell.subscribers });
  }
  for (const change of changes) {
    const k = key(change.sectorId, change.platformId);
    let cell = cells.get(k);
    if (!cell) {
      cell = { sectorId: change.sectorId, platformId: change.platformId, pages: 0, subscribers: 0n, verifiedPages: 0, verifiedSubscribers: 0n };
      cells.set(k, cell);
    }
    cell.subscribers += direction === 'replace' ? change.subscribers : -change.subscribers;
  }
  return [...cells.values()];
}
