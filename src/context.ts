import type { YogaInitialContext } from 'graphql-yoga';
import type pg from 'pg';
import type { Logger } from 'pino';
import { logger } from './logger.js';
import { type CatalogueLoaders, createCatalogueLoaders } from './modules/catalogue/loaders.js';
import { requestId } from './modules/edge/requestId.js';
import { createFigureLoaders, type FigureLoaders } from './modules/figures/loaders.js';
import type { Viewer } from './modules/keys/keys.js';
import { viewerOf } from './modules/keys/plugin.js';
import { createOrganisationLoaders, type OrganisationLoaders } from './modules/organisation/loaders.js';
import { createPageLoaders, type PageLoaders } from './modules/page/loaders.js';
import { createTerritoryLoaders, type TerritoryLoaders } from './modules/territory/loaders.js';

/**
 * Per-request DataLoaders of every module. Each loader turns the lookups made while resolving
 * one request into one grouped query per batch; the catalogue is read at most once.
 */
export type Loaders = CatalogueLoaders & TerritoryLoaders & OrganisationLoaders & PageLoaders & FigureLoaders;

/** What every resolver gets: the request, its id and logger, and this request's DataLoaders. */
export interface Context {
  request: Request;
  /** The id this request is logged under (also the `x-request-id` response header). */
  requestId: string;
  /** The process logger bound to this request (every line carries `requestId`). */
  log: Logger;
  /** The caller's checked API key; null when anonymous (reads need no key). */
  viewer: Viewer | null;
  /** The database pool writes go through (the primary). */
  pool: pg.Pool;
  /** Per-request batching loaders (one grouped query per batch). */
  loaders: Loaders;
}

export function createLoaders(): Loaders {
  const catalogue = createCatalogueLoaders();
  const figures = createFigureLoaders(catalogue.catalogue);
  return {
    ...catalogue,
    ...createTerritoryLoaders(figures),
    ...createOrganisationLoaders(),
    ...createPageLoaders(),
    ...figures,
  };
}

/** The context factory of an API over this pool. */
export function contextFactory(pool: pg.Pool) {
  return (initial: YogaInitialContext): Context => {
    const id = requestId(initial.request);
    return {
      request: initial.request,
      requestId: id,
      log: logger.child({ requestId: id }),
      viewer: viewerOf(initial.request),
      pool,
      loaders: createLoaders(),
    };
  };
}
