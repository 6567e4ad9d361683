import type pg from 'pg';
import { CHANNELS } from '../../db/notifications.js';
import { onPrimary, prismaPool } from '../../db/prisma.js';
import { type Catalogue, loadCatalogue } from './catalogue.js';

/** The request's catalogue: platforms and sectors, from the process's copy (read once, re-read after a change). */
export interface CatalogueLoaders {
  catalogue: () => Promise<Catalogue>;
}

/**
 * The process's copy of the catalogue. Platforms change only with a migration (before the
 * process serves) and sectors only through a load (`runLoad`, src/modules/loads/pipeline/runLoad.ts),
 * which, when it changes a sector, forgets this copy in its own process once it has committed and
 * sends a notice on `CATALOGUE_CHANNEL` (delivered at commit) to the others, whose server forgets it
 * on the notification (src/server.ts; also after the listener reconnects, when a notice may have
 * been missed). `generation` keeps a read that started before a change from being remembered
 * after it. The copy belongs to the database it was read from (the pool under the Prisma client):
 * connected to another database, or to none, the process reads (or fails) again.
 */
let shared = new WeakMap<pg.Pool, Promise<Catalogue>>();
let generation = 0;

/** The notification channel a load that changed the catalogue notifies. */
export const CATALOGUE_CHANNEL = CHANNELS.catalogue;

/** Forgets the process's copy of the catalogue: the next request reads it again. */
export function forgetCatalogue(): void {
  generation++;
  shared = new WeakMap();
}

/**
 * The process's copy, always read on the primary: a lagging replica read just after a change
 * would otherwise be kept as the copy until the next change.
 */
function sharedCatalogue(): Promise<Catalogue> {
  return onPrimary(readSharedCatalogue);
}

async function readSharedCatalogue(): Promise<Catalogue> {
  const pool = prismaPool(); // throws when no database is connected
  const cached = shared.get(pool);
  if (cached) return cached;
  const started = generation;
  const copies = shared;
  const read = loadCatalogue().then(
    (catalogue) => {
      // Changed while being read: this request may use it, the next ones read again.
      if (generation !== started && copies.get(pool) === read) copies.delete(pool);
      return catalogue;
    },
    (error: unknown) => {
      if (copies.get(pool) === read) copies.delete(pool); // a failed read is not remembered: the next field tries again
      throw error;
    },
  );
  copies.set(pool, read);
  return read;
}

export function createCatalogueLoaders(): CatalogueLoaders {
  // Pinned per request: every field of one request sees the same catalogue.
  let catalogue: Promise<Catalogue> | undefined;
  return {
    catalogue: () => {
      catalogue ??= sharedCatalogue().catch((error: unknown) => {
        catalogue = undefined;
        throw error;
      });
      return catalogue;
    },
  };
}
