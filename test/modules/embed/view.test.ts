import { describe, expect, it } from 'vitest';
import { type FiguresData, figuresView } from '../../../src/modules/embed/view.js';

const NBSP = '\u00a0';

const DATA: FiguresData = {
  code: '17000000',
  name: 'Владимирская область',
  stats: {
    subscribers: 1_400_009,
    organisations: 2_500,
    organisationsWithPages: 2_314,
    byPlatform: [
      { platform: { code: 'VK', name: 'ВКонтакте' }, subscribers: 1_200_000 },
      { platform: { code: 'TELEGRAM', name: 'Telegram' }, subscribers: 200_009 },
    ],
  },
  growth: { change: 20_009, relativeChange: 0.0145, subscribersFrom: 1_380_000, subscribersTo: 1_400_009 },
  history: [
    { date: '2026-09-06', subscribers: 1_380_000 },
    { date: '2026-12-01', subscribers: 1_400_009 },
  ],
};

describe('the view of the widget and the iframe page', () => {
  it('says the figures in Russian with ru-RU numbers', () => {
    const view = figuresView(DATA, 'ru');
    expect(view.total).toBe(`1${NBSP}400${NBSP}009`);
    expect(view.coverage).toBe(`2${NBSP}314 из 2${NBSP}500 организаций ведут официальные страницы`);
    expect(view.growth).toBe(`+20${NBSP}009 (+1,5${NBSP}%) за 90 дней`);
    expect(view.trend).toBe('up');
    expect(view.platforms.map((p) => p.value)).toEqual([`1,2${NBSP}млн`, `200${NBSP}тыс.`]);
    expect(view.history.label).toMatch(/^Подписчики по неделям с 6 сент\. 2026.* по 1 дек\. 2026.*: от 1.380.000 до 1.400.009$/);
    expect(view.history.items).toHaveLength(2);
    expect(view.history.points).toBe('3,45 237,3');
  });

  it('says them in English, and a fall as a fall', () => {
    const view = figuresView({ ...DATA, growth: { ...DATA.growth, change: -5, relativeChange: null } }, 'en');
    expect(view.total).toBe('1,400,009');
    expect(view.unit).toBe('subscribers');
    expect(view.growth).toMatch(/^[-−]5 over 90 days$/);
    expect(view.trend).toBe('down');
  });
});
