import type { TerritoryOrder } from './sql.js';

/** A `TerritoryOrder` input as GraphQL hands it to a resolver. */
export type TerritoryOrderInput = { field?: 'NAME' | 'CODE' | 'SUBSCRIBERS' | null; direction?: 'ASC' | 'DESC' | null } | null | undefined;

/** The order a `TerritoryOrder` input asks (by name, ascending, where left out). */
export function territoryOrder(input: TerritoryOrderInput): TerritoryOrder {
  return { field: input?.field ?? 'NAME', direction: input?.direction ?? 'ASC' };
}
