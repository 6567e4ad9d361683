/**
 * Territory levels of the Gospubliki tree, from the federation down to localities.
 * The rank is the depth class: a parent must have a strictly lower rank than its
 * child, except REGION under REGION (autonomous okrugs nested in a region).
 */

/** All territory levels, in rank order. */
export const TERRITORY_LEVELS = [
  'FEDERATION',
  'FEDERAL_DISTRICT',
  'REGION',
  'MUNICIPAL_DISTRICT',
  'MUNICIPAL_OKRUG',
  'URBAN_OKRUG',
  'INTRACITY_TERRITORY',
  'INTRACITY_DISTRICT',
  'URBAN_SETTLEMENT',
  'RURAL_SETTLEMENT',
  'INTER_SETTLEMENT_TERRITORY',
  'LOCALITY',
] as const;

export type TerritoryLevelName = (typeof TERRITORY_LEVELS)[number];

const RANKS: Readonly<Record<TerritoryLevelName, number>> = {
  FEDERATION: 0,
  FEDERAL_DISTRICT: 1,
  REGION: 2,
  MUNICIPAL_DISTRICT: 3,
  MUNICIPAL_OKRUG: 3,
  URBAN_OKRUG: 3,
  INTRACITY_TERRITORY: 3,
  INTRACITY_DISTRICT: 4,
  URBAN_SETTLEMENT: 4,
  RURAL_SETTLEMENT: 4,
  INTER_SETTLEMENT_TERRITORY: 4,
  LOCALITY: 5,
};

/** Type guard: is `value` one of the territory level names? */
export function isTerritoryLevel(value: string): value is TerritoryLevelName {
  return Object.hasOwn(RANKS, value);
}

/** Rank (depth class) of a level: 0 = federation … 5 = locality. */
export function levelRank(level: TerritoryLevelName): number {
  return RANKS[level];
}

/** True when a territory of `parentLevel` may directly contain one of `childLevel`. */
export function canBeParentOf(parentLevel: TerritoryLevelName, childLevel: TerritoryLevelName): boolean {
  if (parentLevel === 'REGION' && childLevel === 'REGION') return true;
  return levelRank(parentLevel) < levelRank(childLevel);
}
