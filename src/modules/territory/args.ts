import type { Context } from '../../context.js';
import { platformIds } from '../catalogue/codes.js';
import { platformMask } from '../catalogue/platformMask.js';
import { badUserInput } from '../common/errors.js';
import { staleCutoff } from '../monitoring/freshness.js';
import type { TerritoryOrder } from './sql.js';

/** A `TerritoryOrder` input as GraphQL hands it to a resolver. */
export type TerritoryOrderInput =
  | {
      field?: 'NAME' | 'CODE' | 'SUBSCRIBERS' | 'COVERAGE' | 'COMPLIANCE' | 'GROWTH' | 'STALE_SHARE' | null;
      direction?: 'ASC' | 'DESC' | null;
      required?: readonly string[] | null;
      from?: string | null;
      to?: string | null;
      olderThanDays?: number | null;
    }
  | null
  | undefined;

/**
 * The order a `TerritoryOrder` input asks (by name, ascending, where left out). COMPLIANCE needs
 * the ids of its required platforms (`requiredIds`, resolved by `resolveTerritoryOrder`), GROWTH
 * its `from` and `to`: without them, BAD_USER_INPUT; STALE_SHARE its cut-off day (from `olderThanDays`, 30 by default). What another field does not use is dropped,
 * so equal orders have equal keys.
 */
export function territoryOrder(input: TerritoryOrderInput, requiredIds: readonly number[] | null = null): TerritoryOrder {
  const field = input?.field ?? 'NAME';
  const direction = input?.direction ?? 'ASC';
  if (field === 'COMPLIANCE') {
    if (!requiredIds?.length)
      throw badUserInput('orderBy.required: ordering by COMPLIANCE needs the required platforms, e.g. `required: ["VK", "OK"]`', 'orderBy.required');
    return { field, direction, requiredMask: platformMask(requiredIds) };
  }
  if (field === 'GROWTH') {
    if (!input?.from || !input.to)
      throw badUserInput('orderBy.from, orderBy.to: ordering by GROWTH needs the days it is measured between', input?.from ? 'orderBy.to' : 'orderBy.from');
    if (input.from > input.to) throw badUserInput(`orderBy.from (${input.from}) is after orderBy.to (${input.to})`, 'orderBy.from');
    return { field, direction, from: input.from, to: input.to };
  }
  if (field === 'STALE_SHARE') return { field, direction, since: staleCutoff(input?.olderThanDays ?? 30, 'orderBy.olderThanDays') };
  return { field, direction };
}

/** `territoryOrder` with the required platform codes of a COMPLIANCE order resolved (an unknown code is BAD_USER_INPUT). */
export async function resolveTerritoryOrder(context: Context, input: TerritoryOrderInput): Promise<TerritoryOrder> {
  if (input?.field !== 'COMPLIANCE') return territoryOrder(input);
  const required = input.required?.filter((code) => code.trim() !== '');
  return territoryOrder(input, await platformIds(context, required, 'orderBy.required'));
}
