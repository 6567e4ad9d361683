/** Synthetic bulk-load generator: public surface. */

export { isValidInn, isValidOgrn } from '../organisation/identifiers.js';
export { DEFAULT_SEED, type GenerateOptions, generateLoad } from './generate.js';
export { pageUrl } from './pages.js';
export { isScaleName, REFERENCE_REGION, SCALES, type Scale, type ScaleName, withHistoryDays } from './scales.js';
export { formatSummary, type GenerationSummary } from './summary.js';
