/**
 * Scales page sizes so the end-date audience matches the published figures: one factor
 * for the reference region (Vladimir), one for every other region. Computed by a dry
 * run of the plan, which is cheap and replays exactly.
 */
import { AUDIENCE_PLATFORMS, type Organisation } from './model.js';
import { REFERENCE_REGION, type Scale } from './scales.js';

export interface Calibration {
  referenceFactor: number;
  otherFactor: number;
}

export function factorFor(calibration: Calibration, regionCode: string): number {
  return regionCode === REFERENCE_REGION ? calibration.referenceFactor : calibration.otherFactor;
}

/** Sums uncalibrated end-date audiences of a fresh plan and derives the two factors. */
export function calibrate(plan: () => Iterable<Organisation>, scale: Scale): Calibration {
  const target = scale.calibration;
  if (!target) return { referenceFactor: 1, otherFactor: 1 };
  let reference = 0;
  let other = 0;
  for (const organisation of plan()) {
    for (const page of organisation.pages) {
      if (page.status !== 'ACTIVE' || !AUDIENCE_PLATFORMS.has(page.platform)) continue;
      if (organisation.regionCode === REFERENCE_REGION) reference += page.reach;
      else other += page.reach;
    }
  }
  if (target.referenceSubscribers !== undefined && reference > 0) {
    const referenceFactor = target.referenceSubscribers / reference;
    const otherFactor = other > 0 ? (target.totalSubscribers - target.referenceSubscribers) / other : 1;
    return { referenceFactor, otherFactor };
  }
  const factor = target.totalSubscribers / (reference + other || 1);
  return { referenceFactor: factor, otherFactor: factor };
}
