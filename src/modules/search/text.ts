import { badUserInput } from '../common/errors.js';

/** Longest search text accepted, in characters. */
export const MAX_SEARCH_LENGTH = 100;

/** A search text, or undefined when blank (a blank search box means no search). */
export function searchText(raw: string | null | undefined, argument: string): string | undefined {
  if (raw == null || raw.trim() === '') return undefined;
  if (raw.length > MAX_SEARCH_LENGTH) {
    throw badUserInput(`${argument} is limited to ${MAX_SEARCH_LENGTH} characters (got ${raw.length}): shorten it.`, argument);
  }
  return raw;
}
