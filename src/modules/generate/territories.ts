/** Reads territories.csv and answers the questions the generator asks of the tree. */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Territory } from './model.js';

/** Levels that have their own local government (and so an administration). */
export const MUNICIPAL_FORMATION_LEVELS: ReadonlySet<string> = new Set([
  'MUNICIPAL_DISTRICT',
  'MUNICIPAL_OKRUG',
  'URBAN_OKRUG',
  'INTRACITY_TERRITORY',
  'INTRACITY_DISTRICT',
]);
export const SETTLEMENT_LEVELS: ReadonlySet<string> = new Set(['URBAN_SETTLEMENT', 'RURAL_SETTLEMENT']);

/** True for territories organisations can sit on (municipal formations and settlements). */
export function isHostLevel(level: string): boolean {
  return MUNICIPAL_FORMATION_LEVELS.has(level) || SETTLEMENT_LEVELS.has(level);
}

/** Parses a territories.csv file (bulk format). */
export function readTerritories(path: string): Territory[] {
  const rows = parse(readFileSync(path), { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
  // A retired territory (status RETIRED, see the README's load format) holds nothing: leave it out.
  return rows.flatMap((row, i) => {
    if (row.status === 'RETIRED') return [];
    const code = row.code;
    const level = row.level;
    const name = row.name;
    if (!code || !level || !name) throw new Error(`${path}: row ${i + 2} lacks code, level or name`);
    return [{ code, parentCode: row.parent_code || null, level, name }];
  });
}

/** The territory hierarchy, in input order. */
export class TerritoryTree {
  private readonly byCode = new Map<string, Territory>();
  private readonly regionCache = new Map<string, string | null>();

  constructor(readonly territories: readonly Territory[]) {
    for (const territory of territories) this.byCode.set(territory.code, territory);
  }

  get(code: string): Territory | undefined {
    return this.byCode.get(code);
  }

  /** REGION territories in input order. */
  regions(): Territory[] {
    return this.territories.filter((t) => t.level === 'REGION');
  }

  /** Code of the REGION a territory lies in (itself for a region), or null above regions. */
  regionOf(code: string): string | null {
    const cached = this.regionCache.get(code);
    if (cached !== undefined) return cached;
    const path: string[] = [];
    let current = this.byCode.get(code);
    let region: string | null = null;
    while (current && path.length <= 64) {
      const known = this.regionCache.get(current.code);
      if (known !== undefined) {
        region = known;
        break;
      }
      path.push(current.code);
      if (current.level === 'REGION') {
        region = current.code;
        break;
      }
      current = current.parentCode ? this.byCode.get(current.parentCode) : undefined;
    }
    for (const visited of path) this.regionCache.set(visited, region);
    return region;
  }

  /** Municipal formations and settlements, grouped by region code, in input order. */
  hostsByRegion(): Map<string, Territory[]> {
    const hosts = new Map<string, Territory[]>();
    for (const territory of this.territories) {
      if (!isHostLevel(territory.level)) continue;
      const region = this.regionOf(territory.code);
      if (!region) continue;
      const list = hosts.get(region);
      if (list) list.push(territory);
      else hosts.set(region, [territory]);
    }
    return hosts;
  }

  /** The sub-tree holding the given regions, their ancestors and all their descendants. */
  subset(regionCodes: readonly string[]): TerritoryTree {
    const keep = new Set<string>();
    for (const code of regionCodes) {
      let current = this.byCode.get(code);
      while (current && !keep.has(current.code)) {
        keep.add(current.code);
        current = current.parentCode ? this.byCode.get(current.parentCode) : undefined;
      }
    }
    const wanted = new Set(regionCodes);
    return new TerritoryTree(this.territories.filter((t) => keep.has(t.code) || wanted.has(this.regionOf(t.code) ?? '')));
  }
}
