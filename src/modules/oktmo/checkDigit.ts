/**
 * OKTMO control digit ("контрольное число", КЧ).
 *
 * The classifier uses the standard method for Russian all-union classifiers:
 * weights 1, 2, 3, … (cycling 1..10) over the code digits, remainder mod 11;
 * if the remainder is 10, repeat with weights 3, 4, 5, …; if it is 10 again,
 * the control digit is 0.
 */

const OKTMO_CODE = /^(\d{8}|\d{11})$/;

/** Weighted sum mod 11 with weights starting at `firstWeight` and cycling through 1..10. */
function weightedRemainder(digits: string, firstWeight: number): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const weight = ((firstWeight - 1 + i) % 10) + 1;
    sum += Number(digits[i]) * weight;
  }
  return sum % 11;
}

/** Returns true when `code` is an OKTMO code: 8 digits (municipal formation) or 11 digits (locality). */
export function isValidOktmoCode(code: string): boolean {
  return OKTMO_CODE.test(code);
}

/** Computes the OKTMO control digit (0–9) of an 8- or 11-digit code; throws on malformed input. */
export function oktmoCheckDigit(code: string): number {
  if (!isValidOktmoCode(code)) {
    throw new RangeError(`Not an OKTMO code (8 or 11 digits expected): "${code}"`);
  }
  const first = weightedRemainder(code, 1);
  if (first < 10) return first;
  const second = weightedRemainder(code, 3);
  return second < 10 ? second : 0;
}

/** Returns true when `controlDigit` is the correct control digit of the OKTMO `code`. */
export function hasValidOktmoCheckDigit(code: string, controlDigit: string | number): boolean {
  if (!isValidOktmoCode(code)) return false;
  const digit = typeof controlDigit === 'number' ? controlDigit : Number.parseInt(controlDigit, 10);
  return Number.isInteger(digit) && oktmoCheckDigit(code) === digit;
}
