import { prisma } from '../../db/prisma.js';
import { Prisma } from '../../generated/prisma/client.js';

/** Platforms and sectors, as one list (both tiny). */
export interface CatalogueRow {
  kind: 'platform' | 'sector';
  id: number;
  code: string;
  name: string;
  hosts: string[] | null;
}

/** Every platform and sector, by id: what filters name and what Platform and Sector objects show. */
export function selectCatalogue(): Promise<CatalogueRow[]> {
  return prisma().$queryRaw<CatalogueRow[]>(Prisma.sql`
    SELECT 'platform' AS kind, id, code, name, hosts FROM platform
    UNION ALL
    SELECT 'sector', id, code, name, NULL::text[] FROM sector
    ORDER BY kind, id`);
}
