import type { Context } from '../../context.js';
import { resolveCodes } from './catalogue.js';

/** Platform codes of an argument (any case) resolved to ids; null when none are given. */
export async function platformIds(context: Context, codes: readonly string[] | null | undefined, argument: string): Promise<number[] | null> {
  if (!codes?.length) return null;
  return resolveCodes(await context.loaders.catalogue(), 'platform', codes, argument);
}

/** Sector codes of an argument (any case) resolved to ids; null when none are given. */
export async function sectorIds(context: Context, codes: readonly string[] | null | undefined, argument: string): Promise<number[] | null> {
  if (!codes?.length) return null;
  return resolveCodes(await context.loaders.catalogue(), 'sector', codes, argument);
}
