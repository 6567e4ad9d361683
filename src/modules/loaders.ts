import { type CatalogueLoaders, createCatalogueLoaders } from './catalogue/loaders.js';
import { createFigureLoaders, type FigureLoaders } from './figures/loaders.js';
import { createOrganisationLoaders, type OrganisationLoaders } from './organisation/loaders.js';
import { createPageLoaders, type PageLoaders } from './page/loaders.js';
import { createTerritoryLoaders, type TerritoryLoaders } from './territory/loaders.js';

/**
 * Per-request DataLoaders of every module. Each loader turns the lookups made while resolving
 * one request into one grouped query per batch; the catalogue is read at most once.
 */
export type Loaders = CatalogueLoaders & TerritoryLoaders & OrganisationLoaders & PageLoaders & FigureLoaders;

/** A fresh set of loaders (one per request, or per embed answer). */
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
