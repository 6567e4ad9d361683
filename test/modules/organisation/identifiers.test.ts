import { describe, expect, it } from 'vitest';
import { isValidInn, isValidOgrn } from '../../../src/modules/organisation/identifiers.js';

describe('isValidInn', () => {
  it('accepts real 10-digit legal-entity INNs', () => {
    expect(isValidInn('7707083893')).toBe(true); // ПАО Сбербанк
    expect(isValidInn('7736207543')).toBe(true); // ООО «Яндекс»
    expect(isValidInn('7830002293')).toBe(true);
  });

  it('accepts a 10-digit INN whose weighted remainder is 10 (control digit 0)', () => {
    expect(isValidInn('7707083830')).toBe(true);
  });

  it('accepts a 12-digit individual INN with both control digits right', () => {
    expect(isValidInn('500100732259')).toBe(true);
  });

  it('rejects wrong control digits', () => {
    expect(isValidInn('7707083894')).toBe(false);
    expect(isValidInn('500100732258')).toBe(false); // 12th digit wrong
    expect(isValidInn('500100732269')).toBe(false); // 11th digit wrong
  });

  it('rejects wrong lengths and non-digits', () => {
    expect(isValidInn('')).toBe(false);
    expect(isValidInn('770708389')).toBe(false);
    expect(isValidInn('77070838931')).toBe(false);
    expect(isValidInn('77070838 3')).toBe(false);
    expect(isValidInn('77070838a3')).toBe(false);
    expect(isValidInn(' 7707083893')).toBe(false);
  });
});

describe('isValidOgrn', () => {
  it('accepts real 13-digit OGRNs', () => {
    expect(isValidOgrn('1027700132195')).toBe(true); // ПАО Сбербанк
    expect(isValidOgrn('1027739642281')).toBe(true);
    expect(isValidOgrn('1037739010891')).toBe(true);
  });

  it('takes the last digit of a remainder of 10 for OGRN', () => {
    expect(isValidOgrn('1027700132130')).toBe(true); // 102770013213 mod 11 = 10
  });

  it('accepts 15-digit OGRNIPs (mod 13, last digit of the remainder)', () => {
    expect(isValidOgrn('304500116000157')).toBe(true);
    expect(isValidOgrn('304500116000180')).toBe(true); // remainder 10 → 0
    expect(isValidOgrn('304500116000191')).toBe(true); // remainder 11 → 1
    expect(isValidOgrn('304500116000202')).toBe(true); // remainder 12 → 2
  });

  it('rejects wrong control digits', () => {
    expect(isValidOgrn('1027700132196')).toBe(false);
    expect(isValidOgrn('304500116000158')).toBe(false);
    expect(isValidOgrn('304500116000181')).toBe(false);
  });

  it('rejects wrong lengths and non-digits', () => {
    expect(isValidOgrn('')).toBe(false);
    expect(isValidOgrn('102770013219')).toBe(false);
    expect(isValidOgrn('10277001321951')).toBe(false);
    expect(isValidOgrn('3045001160001570')).toBe(false);
    expect(isValidOgrn('1O27700132195')).toBe(false);
  });
});
