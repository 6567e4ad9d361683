import { badUserInput } from '../common/errors.js';
import type { TerritoryLevelName } from './levels.js';

/**
 * Territory codes. One rule, used by the bulk load (each row's code against its level) and by the
 * API (arguments such as `territory(code:)` and the `within`/`parentCode` filters):
 *
 * - an **OKTMO code**: 8 digits (regions and municipal formations) or 11 digits (localities);
 * - a **stable code** of the data's choosing, for the federation and the federal districts:
 *   1–40 characters of capital Latin or Cyrillic letters (`A–Z`, `А–Я`, `Ё`), digits `0–9`, `-`
 *   and `_`, with at least one letter, so that it can never look like an OKTMO code: `RU`, `FD1`,
 *   `FD-CENTRAL`, `ЦФО`. Letters are upper case; the API upper-cases what it is given (`фд1` finds
 *   `ФД1`), so a load refuses lower-case letters rather than store a code no query could reach.
 *
 * The federation's code is always `RU`; a federal district may not take it.
 */
const OKTMO_8 = /^\d{8}$/;
const OKTMO_11 = /^\d{11}$/;
const STABLE_CODE = /^(?=.*[A-ZА-ЯЁ])[A-ZА-ЯЁ0-9_-]{1,40}$/u;

/** The federation's code. */
export const FEDERATION_CODE = 'RU';

/** What a stable code (federation, federal district) is, in words, for error messages. */
export const STABLE_CODE_RULE = '1–40 capital letters (A–Z, А–Я), digits, - or _, with at least one letter';

/** True when `code` has one of the shapes a territory code may have (whatever its level). */
export function isTerritoryCodeShape(code: string): boolean {
  return OKTMO_8.test(code) || OKTMO_11.test(code) || STABLE_CODE.test(code);
}

/** True for a stable code (not OKTMO-shaped): the shape of the federation's and federal districts' codes. */
export function isStableCode(code: string): boolean {
  return STABLE_CODE.test(code);
}

/**
 * Why `code` cannot be the code of a territory of `level`, or undefined when it can. The message
 * says what the level needs, so that the row can be fixed from it alone.
 */
export function codeProblemForLevel(code: string, level: TerritoryLevelName): string | undefined {
  switch (level) {
    case 'FEDERATION':
      return code === FEDERATION_CODE ? undefined : `the federation's code is RU, not "${code}"`;
    case 'FEDERAL_DISTRICT':
      if (code === FEDERATION_CODE) return "RU is the federation's code; give the federal district a code of its own such as FD1, FD-CENTRAL or ЦФО";
      if (STABLE_CODE.test(code)) return undefined;
      if (/^\d+$/.test(code)) {
        return `a territory of level FEDERAL_DISTRICT needs a code that is not an OKTMO number (${STABLE_CODE_RULE}), such as FD1, FD-CENTRAL or ЦФО; "${code}" is all digits`;
      }
      if (code !== code.toUpperCase() && STABLE_CODE.test(code.toUpperCase())) {
        return `write the letters of a code in upper case: "${code.toUpperCase()}", not "${code}"`;
      }
      return `a territory of level FEDERAL_DISTRICT needs a code of ${STABLE_CODE_RULE}, such as FD1, FD-CENTRAL or ЦФО; "${code}" is not one`;
    case 'LOCALITY':
      return OKTMO_11.test(code) ? undefined : `a territory of level LOCALITY needs its 11-digit OKTMO code (such as 17646101001), not "${code}"`;
    default:
      return OKTMO_8.test(code) ? undefined : `a territory of level ${level} needs its 8-digit OKTMO code (such as ${exampleCode(level)}), not "${code}"`;
  }
}

function exampleCode(level: TerritoryLevelName): string {
  if (level === 'REGION') return '17000000';
  if (level === 'URBAN_SETTLEMENT' || level === 'RURAL_SETTLEMENT' || level === 'INTER_SETTLEMENT_TERRITORY' || level === 'INTRACITY_DISTRICT') {
    return '17646101';
  }
  return '17646000';
}

/**
 * A territory code as the API accepts it: trimmed, letters upper-cased (`ru` is `RU`, `фд1` is
 * `ФД1`). Throws BAD_USER_INPUT when it cannot be a code at all; a well-formed code may still be
 * unknown.
 */
export function territoryCode(raw: string, argument: string): string {
  const code = raw.trim().toUpperCase();
  if (!isTerritoryCodeShape(code)) {
    throw badUserInput(
      `${argument}: "${raw.slice(0, 60)}" is not a territory code. Use an OKTMO code of 8 digits (regions, municipalities, settlements, e.g. "17000000") or 11 digits (localities), RU (the federation) or a federal district's code (${STABLE_CODE_RULE}, e.g. "FD-CENTRAL").`,
      argument,
    );
  }
  return code;
}
