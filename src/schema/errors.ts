import { GraphQLError } from 'graphql';
import { isValidInn } from '../services/validation/identifiers.js';

/**
 * Expected input errors. Each is a GraphQLError with `extensions.code` (which yoga shows as it is,
 * see src/yoga.ts) and a message that says what to change; `extensions.argument` names the
 * offending argument or input field (`filter.sectors`, `first`…) when there is one.
 */
export function badInput(message: string, argument?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(argument ? { argument } : {}) } });
}

const TERRITORY_CODE = /^(RU|FD-[A-Z0-9-]{1,40}|\d{8}|\d{11})$/;

/**
 * A territory code as the API accepts it: trimmed, letters upper-cased (`ru` is `RU`). Throws
 * BAD_USER_INPUT when it cannot be a code at all; a well-formed code may still be unknown.
 */
export function territoryCode(raw: string, argument: string): string {
  const code = raw.trim().toUpperCase();
  if (!TERRITORY_CODE.test(code)) {
    throw badInput(
      `${argument}: "${raw.slice(0, 60)}" is not a territory code. Use RU (the federation), FD-… (a federal district) or an OKTMO code of 8 digits (regions, municipalities) or 11 digits (localities), e.g. "17000000".`,
      argument,
    );
  }
  return code;
}

/** Longest search text accepted, in characters. */
export const MAX_SEARCH_LENGTH = 100;

/** A search text, or undefined when blank (a blank search box means no search). */
export function searchText(raw: string | null | undefined, argument: string): string | undefined {
  if (raw == null || raw.trim() === '') return undefined;
  if (raw.length > MAX_SEARCH_LENGTH) {
    throw badInput(`${argument} is limited to ${MAX_SEARCH_LENGTH} characters (got ${raw.length}): shorten it.`, argument);
  }
  return raw;
}

/** An INN (taxpayer number): 10 or 12 digits with valid check digits. */
export function innValue(raw: string, argument: string): string {
  const inn = raw.trim();
  if (!/^(\d{10}|\d{12})$/.test(inn)) {
    throw badInput(`${argument}: an INN is 10 digits (organisations) or 12 digits, with no spaces or letters.`, argument);
  }
  if (!isValidInn(inn)) throw badInput(`${argument}: ${inn} is not a valid INN (its check digits do not match); check for a typo.`, argument);
  return inn;
}

/**
 * Codes resolved against a catalogue (platforms, sectors): their ids, or BAD_USER_INPUT naming
 * the unknown ones and listing the known ones. An empty or absent list means "any" (undefined).
 */
export function resolveCodes(
  codes: readonly string[] | null | undefined,
  known: ReadonlyMap<string, number>,
  what: { singular: string; plural: string; argument: string; normalise: (code: string) => string },
): number[] | undefined {
  if (!codes || codes.length === 0) return undefined;
  const ids: number[] = [];
  const unknown: string[] = [];
  for (const raw of codes) {
    const id = known.get(what.normalise(raw.trim()));
    if (id === undefined) unknown.push(raw);
    else if (!ids.includes(id)) ids.push(id);
  }
  if (unknown.length) {
    const list = unknown.map((code) => `"${code.slice(0, 40)}"`).join(', ');
    throw badInput(
      `${what.argument}: unknown ${unknown.length === 1 ? what.singular : what.plural} ${list}. Known ${what.plural}: ${[...known.keys()].sort().join(', ')}.`,
      what.argument,
    );
  }
  return ids;
}
