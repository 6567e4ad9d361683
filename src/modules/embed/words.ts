import type { Lang } from './format.js';

/** The embeds' words in each language (the widget and the iframe page say the same things). */
export interface Words {
  subscribers: string;
  organisations: (withPages: string, all: string) => string;
  byPlatform: string;
  growth: (days: number) => string;
  history: string;
  historyLabel: (from: string, to: string, first: string, last: string) => string;
  loading: string;
  failed: string;
  unknown: (code: string) => string;
  badInput: string;
  source: string;
}

export const WORDS: Record<Lang, Words> = {
  ru: {
    subscribers: 'подписчиков',
    organisations: (withPages, all) => `${withPages} из ${all} организаций ведут официальные страницы`,
    byPlatform: 'По площадкам',
    growth: (days) => `за ${days} дней`,
    history: 'Подписчики по неделям',
    historyLabel: (from, to, first, last) => `Подписчики по неделям с ${from} по ${to}: от ${first} до ${last}`,
    loading: 'Загрузка данных…',
    failed: 'Не удалось загрузить данные. Попробуйте позже.',
    unknown: (code) => `Территория с кодом «${code}» не найдена.`,
    badInput: 'Неверные параметры виджета.',
    source: 'Данные: Госпаблики',
  },
  en: {
    subscribers: 'subscribers',
    organisations: (withPages, all) => `${withPages} of ${all} organisations run official pages`,
    byPlatform: 'By platform',
    growth: (days) => `over ${days} days`,
    history: 'Weekly subscribers',
    historyLabel: (from, to, first, last) => `Weekly subscribers from ${from} to ${to}: from ${first} to ${last}`,
    loading: 'Loading figures…',
    failed: 'Could not load the figures. Please try again later.',
    unknown: (code) => `No territory has the code “${code}”.`,
    badInput: 'The widget’s settings are not valid.',
    source: 'Data: Gospubliki',
  },
};

/** Days the growth and the sparkline look back. */
export const GROWTH_DAYS = 90;
