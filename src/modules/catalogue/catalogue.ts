import { badUserInput } from '../common/errors.js';
import { selectCatalogue } from './sql.js';

/** A platform as the catalogue holds it (the shape of the `Platform` GraphQL object). */
export interface PlatformRow {
  id: number;
  code: string;
  name: string;
  hosts: string[];
}

/** A sector as the catalogue holds it (the shape of the `Sector` GraphQL object). */
export interface SectorRow {
  id: number;
  code: string;
  name: string;
}

/** Every platform and sector, by id order; read once per request. */
export interface Catalogue {
  platforms: PlatformRow[];
  sectors: SectorRow[];
}

/** Platforms and sectors (one statement). */
export async function loadCatalogue(): Promise<Catalogue> {
  const rows = await selectCatalogue();
  return {
    platforms: rows.filter((r) => r.kind === 'platform').map((r) => ({ id: r.id, code: r.code, name: r.name, hosts: r.hosts ?? [] })),
    sectors: rows.filter((r) => r.kind === 'sector').map((r) => ({ id: r.id, code: r.code, name: r.name })),
  };
}

/** What a list of codes names, for the messages of `resolveCodes`. */
export type CodeKind = 'platform' | 'sector';

/**
 * Codes resolved against the catalogue, case-insensitively, to their ids (sorted, distinct).
 * Absent or empty: null, meaning no filter (as everywhere in the API). An unknown code is the
 * client's mistake: BAD_USER_INPUT naming it and listing the known codes.
 */
export function resolveCodes(catalogue: Catalogue, kind: CodeKind, codes: readonly string[] | null | undefined, argument: string): number[] | null {
  if (!codes || codes.length === 0) return null;
  const known: readonly { id: number; code: string }[] = kind === 'platform' ? catalogue.platforms : catalogue.sectors;
  const byCode = new Map(known.map((entry) => [entry.code.toLowerCase(), entry.id]));
  const ids = new Set<number>();
  const unknown: string[] = [];
  for (const code of codes) {
    const id = byCode.get(code.trim().toLowerCase());
    if (id === undefined) unknown.push(code);
    else ids.add(id);
  }
  if (unknown.length) {
    const knownCodes = known.map((entry) => entry.code).sort();
    const plural = `${kind}s`;
    throw badUserInput(
      `${argument}: unknown ${unknown.length === 1 ? kind : plural} ${unknown.map((c) => `"${c.slice(0, 40)}"`).join(', ')}. Known ${plural}: ${knownCodes.join(', ')}.`,
      argument,
      { known: knownCodes },
    );
  }
  return [...ids].sort((a, b) => a - b);
}
