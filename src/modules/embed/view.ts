import { formatChange, formatCompact, formatDay, formatNumber, formatRelative, type Lang } from './format.js';
import { sparklinePoints } from './sparkline.js';
import { GROWTH_DAYS, WORDS } from './words.js';

/**
 * What the widget and the iframe page show, as text: one view of a territory's figures, so that
 * both say the same thing in the same words. Browser-safe (the widget bundles it).
 */

/** A territory's figures as the `embed-figures-v1` document returns them (numbers as JSON numbers). */
export interface FiguresData {
  code: string;
  name: string;
  stats: {
    subscribers: number;
    organisations: number;
    organisationsWithPages: number;
    byPlatform: { platform: { code: string; name: string }; subscribers: number }[];
  };
  growth: { change: number; relativeChange: number | null; subscribersFrom: number; subscribersTo: number };
  history: { date: string; subscribers: number }[];
}

export interface FiguresView {
  name: string;
  /** The subscribers in full (`1 400 009`). */
  total: string;
  unit: string;
  coverage: string;
  /** `+12 345 (+1,2 %) за 90 дней`. */
  growth: string;
  trend: 'up' | 'down' | 'flat';
  byPlatformTitle: string;
  platforms: { code: string; name: string; value: string; full: string }[];
  history: { title: string; label: string; points: string; items: { date: string; value: string }[] };
  source: string;
}

export function figuresView(data: FiguresData, lang: Lang): FiguresView {
  const words = WORDS[lang];
  const { stats, growth, history } = data;
  const relative = growth.relativeChange === null ? '' : ` (${formatRelative(growth.relativeChange, lang)})`;
  const first = history[0];
  const last = history[history.length - 1];
  return {
    name: data.name,
    total: formatNumber(stats.subscribers, lang),
    unit: words.subscribers,
    coverage: words.organisations(formatNumber(stats.organisationsWithPages, lang), formatNumber(stats.organisations, lang)),
    growth: `${formatChange(growth.change, lang)}${relative} ${words.growth(GROWTH_DAYS)}`,
    trend: growth.change > 0 ? 'up' : growth.change < 0 ? 'down' : 'flat',
    byPlatformTitle: words.byPlatform,
    platforms: stats.byPlatform.map((entry) => ({
      code: entry.platform.code,
      name: entry.platform.name,
      value: formatCompact(entry.subscribers, lang),
      full: formatNumber(entry.subscribers, lang),
    })),
    history: {
      title: words.history,
      label:
        first && last
          ? words.historyLabel(
              formatDay(first.date, lang),
              formatDay(last.date, lang),
              formatNumber(first.subscribers, lang),
              formatNumber(last.subscribers, lang),
            )
          : words.history,
      points: sparklinePoints(history.map((point) => point.subscribers)),
      items: history.map((point) => ({ date: formatDay(point.date, lang), value: formatNumber(point.subscribers, lang) })),
    },
    source: words.source,
  };
}
