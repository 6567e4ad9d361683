/** Splits a scale's organisation count over regions, by the weight of their hosts. */
import { HOST_WEIGHT } from './catalogue.js';
import type { Territory } from './model.js';
import type { Random } from './random.js';
import { REFERENCE_REGION, type Scale } from './scales.js';

/** A host (municipal formation or settlement) with its relative size. */
export interface Host {
  territory: Territory;
  /** Log-normal size factor: not every town is the same size. */
  size: number;
  weight: number;
}

export interface RegionPlan {
  region: Territory;
  /** 1-based position among the load's regions (INN/OGRN prefix). */
  number: number;
  hosts: Host[];
  organisations: number;
}

const HOST_SIZE_SIGMA = 0.6;

/** Draws host sizes, then gives each region its share of organisations (largest remainder). */
export function allocateRegions(regions: readonly Territory[], hostsByRegion: ReadonlyMap<string, Territory[]>, scale: Scale, rng: Random): RegionPlan[] {
  const plans: RegionPlan[] = regions.map((region, i) => ({
    region,
    number: i + 1,
    organisations: 0,
    hosts: (hostsByRegion.get(region.code) ?? []).map((territory) => {
      const size = rng.logNormal(HOST_SIZE_SIGMA);
      return { territory, size, weight: (HOST_WEIGHT[territory.level] ?? 1) * size };
    }),
  }));
  const floor = scale.regionalBodies + 1;
  const reference = plans.find((p) => p.region.code === REFERENCE_REGION);
  const pinned = scale.referenceOrganisations !== undefined && reference !== undefined;
  if (pinned) reference.organisations = scale.referenceOrganisations as number;

  const shared = plans.filter((p) => !(pinned && p === reference));
  const budget = scale.organisations - (pinned ? reference.organisations : 0);
  const weights = shared.map((p) =>
    Math.max(
      1,
      p.hosts.reduce((sum, h) => sum + h.weight, 0),
    ),
  );
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const quotas = weights.map((w) => (budget * w) / totalWeight);
  shared.forEach((p, i) => {
    p.organisations = Math.floor(quotas[i] as number);
  });
  let left = budget - shared.reduce((sum, p) => sum + p.organisations, 0);
  const byRemainder = shared.map((p, i) => ({ p, rest: (quotas[i] as number) - p.organisations, i })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { p } of byRemainder) {
    if (left-- <= 0) break;
    p.organisations++;
  }
  for (const p of plans) p.organisations = Math.max(p.organisations, floor);
  return plans;
}
