import { badUserInput } from '../common/errors.js';

/**
 * Check-digit validation of Russian organisation identifiers:
 * ИНН (taxpayer number) and ОГРН / ОГРНИП (state registration numbers).
 */

const INN_10_WEIGHTS = [2, 4, 10, 3, 5, 9, 4, 6, 8] as const;
const INN_12_WEIGHTS_11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8] as const;
const INN_12_WEIGHTS_12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8] as const;

/** Control digit of an INN prefix: weighted sum mod 11, then mod 10 (remainder 10 → 0). */
function innControlDigit(digits: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += Number(digits[i]) * weights[i]!;
  return (sum % 11) % 10;
}

/**
 * Validates an ИНН: 10 digits (legal entity, one control digit) or
 * 12 digits (individual, two control digits), per the FNS algorithm.
 */
export function isValidInn(s: string): boolean {
  if (/^\d{10}$/.test(s)) {
    return innControlDigit(s, INN_10_WEIGHTS) === Number(s[9]);
  }
  if (/^\d{12}$/.test(s)) {
    return innControlDigit(s, INN_12_WEIGHTS_11) === Number(s[10]) && innControlDigit(s, INN_12_WEIGHTS_12) === Number(s[11]);
  }
  return false;
}

/** Check digit of a legal entity's 10-digit INN from its first 9 digits. */
export function inn10CheckDigit(first9: string): number {
  if (!/^\d{9}$/.test(first9)) throw new RangeError(`an INN body is 9 digits: ${first9}`);
  return innControlDigit(first9, INN_10_WEIGHTS);
}

/** Check digit of a 13-digit OGRN from its first 12 digits: (number mod 11) mod 10. */
export function ogrnCheckDigit(first12: string): number {
  if (!/^\d{12}$/.test(first12)) throw new RangeError(`an OGRN body is 12 digits: ${first12}`);
  return Number((BigInt(first12) % 11n) % 10n);
}

/**
 * Validates an ОГРН (13 digits: first 12 mod 11, last digit of the remainder)
 * or an ОГРНИП (15 digits: first 14 mod 13, last digit of the remainder).
 * BigInt keeps the 14-digit arithmetic exact.
 */
export function isValidOgrn(s: string): boolean {
  let modulus: bigint;
  if (/^\d{13}$/.test(s)) modulus = 11n;
  else if (/^\d{15}$/.test(s)) modulus = 13n;
  else return false;
  const body = BigInt(s.slice(0, -1));
  const expected = Number((body % modulus) % 10n);
  return expected === Number(s[s.length - 1]);
}

/** An INN given as an API argument: 10 or 12 digits with valid check digits, else BAD_USER_INPUT. */
export function innArgument(raw: string, argument: string): string {
  const inn = raw.trim();
  if (!/^(\d{10}|\d{12})$/.test(inn)) {
    throw badUserInput(`${argument}: an INN is 10 digits (organisations) or 12 digits, with no spaces or letters.`, argument);
  }
  if (!isValidInn(inn)) throw badUserInput(`${argument}: ${inn} is not a valid INN (its check digits do not match); check for a typo.`, argument);
  return inn;
}
