import { type Catalogue, loadCatalogue } from './catalogue.js';

/** The request's catalogue: platforms and sectors, read at most once per request. */
export interface CatalogueLoaders {
  catalogue: () => Promise<Catalogue>;
}

export function createCatalogueLoaders(): CatalogueLoaders {
  let catalogue: Promise<Catalogue> | undefined;
  return {
    catalogue: () => {
      catalogue ??= loadCatalogue().catch((error: unknown) => {
        catalogue = undefined; // a failed read is not remembered: the next field tries again
        throw error;
      });
      return catalogue;
    },
  };
}
