/**
 * Check digits of Russian tax and registration numbers:
 * INN (ИНН, 10 digits for legal entities, 12 for individuals) and OGRN (ОГРН, 13; ОГРНИП, 15).
 */

const INN10_WEIGHTS = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_WEIGHTS_11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_WEIGHTS_12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

function weightedCheck(digits: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += Number(digits[i]) * (weights[i] as number);
  return (sum % 11) % 10;
}

/** Check digit of a legal entity's INN from its first 9 digits. */
export function inn10CheckDigit(first9: string): number {
  if (!/^\d{9}$/.test(first9)) throw new Error(`INN body must be 9 digits: ${first9}`);
  return weightedCheck(first9, INN10_WEIGHTS);
}

/** True for a 10- or 12-digit INN whose check digits are right. */
export function isValidInn(inn: string): boolean {
  if (/^\d{10}$/.test(inn)) return weightedCheck(inn, INN10_WEIGHTS) === Number(inn[9]);
  if (/^\d{12}$/.test(inn)) {
    return (
      weightedCheck(inn, INN12_WEIGHTS_11) === Number(inn[10]) &&
      weightedCheck(inn, INN12_WEIGHTS_12) === Number(inn[11])
    );
  }
  return false;
}

/** Remainder of a long decimal string modulo m, without BigInt. */
function decimalMod(digits: string, m: number): number {
  let rest = 0;
  for (let i = 0; i < digits.length; i++) rest = (rest * 10 + Number(digits[i])) % m;
  return rest;
}

/** Check digit of an OGRN from its first 12 digits: (number mod 11) mod 10. */
export function ogrnCheckDigit(first12: string): number {
  if (!/^\d{12}$/.test(first12)) throw new Error(`OGRN body must be 12 digits: ${first12}`);
  return decimalMod(first12, 11) % 10;
}

/** True for a 13-digit OGRN (or 15-digit OGRNIP) whose check digit is right. */
export function isValidOgrn(ogrn: string): boolean {
  if (/^\d{13}$/.test(ogrn)) return decimalMod(ogrn.slice(0, 12), 11) % 10 === Number(ogrn[12]);
  if (/^\d{15}$/.test(ogrn)) return decimalMod(ogrn.slice(0, 14), 13) % 10 === Number(ogrn[14]);
  return false;
}
