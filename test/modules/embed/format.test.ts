import { describe, expect, it } from 'vitest';
import { formatChange, formatCompact, formatDay, formatNumber, formatRelative, formatShare, langOf } from '../../../src/modules/embed/format.js';

const NBSP = '\u00a0';

describe('numbers of the embeds', () => {
  it('writes whole numbers in full with ru-RU groups (non-breaking spaces)', () => {
    expect(formatNumber(1_400_009)).toBe(`1${NBSP}400${NBSP}009`);
    expect(formatNumber(1_400_009n)).toBe(`1${NBSP}400${NBSP}009`);
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(1_400_009, 'en')).toBe('1,400,009');
  });

  it('shortens large numbers (1,4 млн) and keeps small ones in full', () => {
    expect(formatCompact(1_400_009)).toBe(`1,4${NBSP}млн`);
    expect(formatCompact(115_000_000)).toBe(`115${NBSP}млн`);
    expect(formatCompact(12_345)).toBe(`12,3${NBSP}тыс.`);
    expect(formatCompact(9_999)).toBe(`9${NBSP}999`);
    expect(formatCompact(1_400_009, 'en')).toBe('1.4M');
  });

  it('signs changes and percentages', () => {
    expect(formatChange(12_345)).toBe(`+12${NBSP}345`);
    expect(formatChange(-80)).toMatch(/^[-−]80$/);
    expect(formatChange(0)).toBe('0');
    expect(formatRelative(0.0512)).toBe(`+5,1${NBSP}%`);
    expect(formatShare(0.931)).toBe(`93,1${NBSP}%`);
  });

  it('writes days in the reader’s language, in UTC', () => {
    expect(formatDay('2026-12-01')).toMatch(/^1 дек\. 2026/);
    expect(formatDay('2026-12-01', 'en')).toBe('Dec 1, 2026');
  });

  it('takes ru unless en is asked for', () => {
    expect(langOf(null)).toBe('ru');
    expect(langOf('EN')).toBe('en');
    expect(langOf('en-GB')).toBe('en');
    expect(langOf('de')).toBe('ru');
  });
});
