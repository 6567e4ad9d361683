import { badUserInput } from '../common/errors.js';

const TERRITORY_CODE = /^(RU|FD-[A-Z0-9-]{1,40}|\d{8}|\d{11})$/;

/**
 * A territory code as the API accepts it: trimmed, letters upper-cased (`ru` is `RU`). Throws
 * BAD_USER_INPUT when it cannot be a code at all; a well-formed code may still be unknown.
 */
export function territoryCode(raw: string, argument: string): string {
  const code = raw.trim().toUpperCase();
  if (!TERRITORY_CODE.test(code)) {
    throw badUserInput(
      `${argument}: "${raw.slice(0, 60)}" is not a territory code. Use RU (the federation), FD-… (a federal district) or an OKTMO code of 8 digits (regions, municipalities) or 11 digits (localities), e.g. "17000000".`,
      argument,
    );
  }
  return code;
}
