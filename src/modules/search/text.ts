import { badUserInput } from '../common/errors.js';

/** Longest search text accepted, in characters. */
export const MAX_SEARCH_LENGTH = 100;

/**
 * Letters or digits in a row a search text must hold somewhere: the trigram index finds a word
 * only from 3 characters; a shorter term, or one of wildcards and punctuation only (`%`, `_`),
 * would read every name of the table.
 */
export const MIN_SEARCH_RUN = 3;
const SEARCHABLE = new RegExp(`[\\p{L}\\p{N}]{${MIN_SEARCH_RUN}}`, 'u');

/** A search text, or undefined when blank (a blank search box means no search). */
export function searchText(raw: string | null | undefined, argument: string): string | undefined {
  if (raw == null || raw.trim() === '') return undefined;
  if (raw.length > MAX_SEARCH_LENGTH) {
    throw badUserInput(`${argument} is limited to ${MAX_SEARCH_LENGTH} characters (got ${raw.length}): shorten it.`, argument);
  }
  if (!SEARCHABLE.test(raw)) {
    throw badUserInput(
      `${argument} needs at least ${MIN_SEARCH_RUN} letters or digits in a row (a shorter term, or wildcards and punctuation only, would match nearly every name).`,
      argument,
      { minRun: MIN_SEARCH_RUN },
    );
  }
  return raw;
}
