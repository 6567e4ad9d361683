import { describe, expect, it } from 'vitest';
import type { Catalogue } from '../../../src/modules/catalogue/catalogue.js';
import { platformMask } from '../../../src/modules/catalogue/platformMask.js';
import { addDays, daysBetween, endOfMonth, endOfWeek, pointDates } from '../../../src/modules/figures/dates.js';
import { checkRange, resolveScopeFilter } from '../../../src/modules/figures/filter.js';
import { cellsAsOf, foldStats } from '../../../src/modules/figures/fold.js';
import { growthFromChanges, historyFromChanges, historyFromObservations } from '../../../src/modules/figures/history.js';

const CATALOGUE: Catalogue = {
  platforms: [
    { id: 1, code: 'VK', name: 'ВКонтакте', hosts: [] },
    { id: 2, code: 'OK', name: 'Одноклассники', hosts: [] },
    { id: 3, code: 'TELEGRAM', name: 'Telegram', hosts: [] },
    { id: 4, code: 'MAX', name: 'MAX', hosts: [] },
  ],
  sectors: [
    { id: 1, code: 'education', name: 'Образование' },
    { id: 2, code: 'culture', name: 'Культура' },
  ],
};

describe('dates', () => {
  it('does calendar arithmetic across months, years and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(endOfWeek('2025-01-01')).toBe('2025-01-05'); // a Wednesday; ISO weeks end on Sunday
    expect(endOfWeek('2025-01-05')).toBe('2025-01-05');
    expect(endOfWeek('2025-01-06')).toBe('2025-01-12');
    expect(endOfMonth('2024-02-10')).toBe('2024-02-29');
    expect(endOfMonth('2025-12-31')).toBe('2025-12-31');
  });

  it("puts points on each day, each week's Sunday or each month's last day, the last on `to`", () => {
    expect(pointDates('2025-01-30', '2025-02-02', 'DAY')).toEqual(['2025-01-30', '2025-01-31', '2025-02-01', '2025-02-02']);
    expect(pointDates('2025-01-01', '2025-01-20', 'WEEK')).toEqual(['2025-01-05', '2025-01-12', '2025-01-19', '2025-01-20']);
    expect(pointDates('2025-01-06', '2025-01-19', 'WEEK')).toEqual(['2025-01-12', '2025-01-19']);
    expect(pointDates('2025-01-15', '2025-03-10', 'MONTH')).toEqual(['2025-01-31', '2025-02-28', '2025-03-10']);
    expect(pointDates('2025-01-15', '2025-01-15', 'MONTH')).toEqual(['2025-01-15']);
    expect(pointDates('2025-01-02', '2025-01-01', 'DAY')).toEqual([]);
  });
});

describe('filters', () => {
  it('resolves codes case-insensitively; absent or empty lists mean all', () => {
    expect(resolveScopeFilter(CATALOGUE, { platforms: ['tElEgRaM', 'VK', 'vk'], sectors: ['culture'] })).toEqual({ platformIds: [1, 3], sectorIds: [2] });
    expect(resolveScopeFilter(CATALOGUE, { platforms: [], sectors: null })).toEqual({ platformIds: null, sectorIds: null });
  });

  it('names unknown codes and the known ones', () => {
    expect(() => resolveScopeFilter(CATALOGUE, { platforms: ['VK', 'FB', 'IG'] })).toThrow(
      'platforms: unknown platforms "FB", "IG". Known platforms: MAX, OK, TELEGRAM, VK.',
    );
    try {
      resolveScopeFilter(CATALOGUE, { sectors: ['sport'] });
    } catch (error) {
      expect((error as { extensions: object }).extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'sectors' });
    }
  });

  it('checks ranges', () => {
    expect(() => checkRange('2025-01-02', '2025-01-01')).toThrow(/after `to`/);
    expect(() => checkRange('2025-01-01', '2025-01-01', 1)).not.toThrow();
    expect(() => checkRange('2025-01-01', '2025-01-02', 1)).toThrow(/at most 1 days/);
  });

  it('builds platform masks', () => {
    expect(platformMask([1, 3])).toBe(0b101);
    expect(platformMask(null) & 0b1111).toBe(0b1111);
  });
});

describe('foldStats', () => {
  const cells = [
    { sectorId: 1, platformId: 1, pages: 3, subscribers: 100n, verifiedPages: 2, verifiedSubscribers: 60n },
    { sectorId: 1, platformId: 3, pages: 1, subscribers: 5_000_000_000n, verifiedPages: 0, verifiedSubscribers: 0n },
    { sectorId: 2, platformId: 1, pages: 2, subscribers: 100n, verifiedPages: 1, verifiedSubscribers: 100n },
  ];
  const sets = [
    { sectorId: 1, platformMask: 0b101, organisations: 1 }, // VK and Telegram
    { sectorId: 1, platformMask: 0b001, organisations: 2 }, // VK only
    { sectorId: 2, platformMask: 0b001, organisations: 2 },
    { sectorId: 2, platformMask: 0, organisations: 4 }, // no page
  ];

  it('sums, splits by platform and sector, and orders by subscribers then code', () => {
    const stats = foldStats(cells, sets, null, CATALOGUE);
    expect(stats).toMatchObject({
      subscribers: 5_000_000_200n,
      pages: 6,
      organisations: 9,
      organisationsWithPages: 5,
      verifiedPages: 3,
      verifiedSubscribers: 160n,
    });
    expect(stats.byPlatform.map((p) => [p.platform.code, p.verifiedPages, p.verifiedSubscribers])).toEqual([
      ['TELEGRAM', 0, 0n],
      ['VK', 3, 160n],
    ]);
    expect(stats.byPlatform.map((p) => [p.platform.code, p.subscribers, p.pages, p.organisations])).toEqual([
      ['TELEGRAM', 5_000_000_000n, 1, 1],
      ['VK', 200n, 5, 5],
    ]);
    expect(stats.bySector.map((s) => [s.sector.code, s.subscribers, s.pages, s.organisations, s.organisationsWithPages])).toEqual([
      ['education', 5_000_000_100n, 4, 3, 3],
      ['culture', 100n, 2, 6, 2],
    ]);
  });

  it('counts coverage on the filtered platforms only (cells come filtered from SQL)', () => {
    const stats = foldStats(
      cells.filter((c) => c.platformId === 3),
      sets,
      [3],
      CATALOGUE,
    );
    expect(stats).toMatchObject({ subscribers: 5_000_000_000n, pages: 1, organisations: 9, organisationsWithPages: 1 });
    expect(stats.byPlatform.map((p) => [p.platform.code, p.organisations])).toEqual([['TELEGRAM', 1]]);
    expect(stats.bySector.map((s) => [s.sector.code, s.organisationsWithPages])).toEqual([
      ['education', 1],
      ['culture', 0],
    ]);
  });

  it('moves subscribers to a past day, backward or forward', () => {
    expect(cellsAsOf(cells, [{ sectorId: 1, platformId: 3, subscribers: 1_000n }], 'subtract')[1].subscribers).toBe(4_999_999_000n);
    const forward = cellsAsOf(cells, [{ sectorId: 2, platformId: 1, subscribers: 40n }], 'replace');
    expect(forward.map((c) => [c.pages, c.subscribers])).toEqual([
      [3, 0n],
      [1, 0n],
      [2, 40n],
    ]);
  });
});

describe('history and growth', () => {
  const daily = [
    { day: '2025-01-03', delta: 10n },
    { day: '2025-01-02', delta: 5n },
    { day: '2025-01-09', delta: -3n },
  ];

  it('gives the same series from either anchor', () => {
    const forward = historyFromChanges({ anchorDay: '2025-01-01', anchor: 100n, daily }, '2025-01-01', '2025-01-10', 'WEEK');
    const backward = historyFromChanges({ anchorDay: '2025-01-10', anchor: 112n, daily }, '2025-01-01', '2025-01-10', 'WEEK');
    expect(forward).toEqual([
      { date: '2025-01-05', subscribers: 115n },
      { date: '2025-01-10', subscribers: 112n },
    ]);
    expect(backward).toEqual(forward);
  });

  it('gives growth', () => {
    expect(growthFromChanges({ anchorDay: '2025-01-10', anchor: 112n, daily }, '2025-01-01', '2025-01-10')).toEqual({
      from: '2025-01-01',
      to: '2025-01-10',
      subscribersFrom: 100n,
      subscribersTo: 112n,
      change: 12n,
    });
  });

  it("gives a page's latest count on or before each day, 0 before its first", () => {
    const points = historyFromObservations(
      [
        { day: '2025-01-04', subscribers: 7 },
        { day: '2025-01-02', subscribers: 5 },
      ],
      '2025-01-01',
      '2025-01-05',
      'DAY',
    );
    expect(points.map((p) => p.subscribers)).toEqual([0n, 5n, 5n, 7n, 7n]);
  });
});
