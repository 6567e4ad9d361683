/** Synthetic bulk-load generator: public surface. */
export { generateLoad, DEFAULT_SEED, type GenerateOptions } from './generate.js';
export { SCALES, REFERENCE_REGION, isScaleName, type Scale, type ScaleName } from './scales.js';
export { formatSummary, type GenerationSummary } from './summary.js';
export { isValidInn, isValidOgrn } from '../validation/identifiers.js';
export { pageUrl } from './pages.js';
