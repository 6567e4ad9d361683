import { formatCompact, formatDay, formatShare } from '../embed/format.js';
import { escapeMarkup as e } from '../embed/markup.js';
import type { HistoryPoint } from '../figures/history.js';

/**
 * The explorer's two charts as inline SVG drawn on the server (no chart library: a polyline and
 * a column of bars). Colours are presentation attributes, never `style` (the page's CSP allows
 * no inline style). Each chart is an image with a title and a description saying what it shows;
 * the page's tables hold the same numbers for screen readers and keyboards.
 */

const round = (n: number) => Math.round(n * 10) / 10;

/** The subscriber history as a line over its points, the lowest and highest values and the first and last days labelled. */
export function historyChart(points: readonly HistoryPoint[], id: string): string {
  const width = 720;
  const height = 220;
  const left = 64;
  const right = 12;
  const top = 12;
  const bottom = 28;
  const values = points.map((p) => Number(p.subscribers));
  if (values.length === 0) return '';
  const min = Math.min(...values);
  const max = Math.max(...values);
  const x = (i: number) => left + (values.length > 1 ? (i * (width - left - right)) / (values.length - 1) : (width - left - right) / 2);
  const y = (v: number) => (max === min ? top + (height - top - bottom) / 2 : top + ((max - v) * (height - top - bottom)) / (max - min));
  const line = values.map((v, i) => `${round(x(i))},${round(y(v))}`).join(' ');
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const description = `Подписчики по неделям с ${formatDay(first.date)} по ${formatDay(last.date)}: от ${formatCompact(min)} до ${formatCompact(max)}, в конце — ${formatCompact(values[values.length - 1]!)}.`;
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc" focusable="false">
<title id="${id}-title">История подписчиков</title>
<desc id="${id}-desc">${e(description)}</desc>
<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" stroke="#8a8f98" stroke-width="1"/>
<line x1="${left}" y1="${top}" x2="${left}" y2="${height - bottom}" stroke="#8a8f98" stroke-width="1"/>
<text x="${left - 6}" y="${round(y(max)) + 4}" text-anchor="end" font-size="12" fill="#3d4148">${e(formatCompact(max))}</text>
<text x="${left - 6}" y="${round(y(min)) + 4}" text-anchor="end" font-size="12" fill="#3d4148">${e(formatCompact(min))}</text>
<text x="${left}" y="${height - 8}" font-size="12" fill="#3d4148">${e(formatDay(first.date))}</text>
<text x="${width - right}" y="${height - 8}" text-anchor="end" font-size="12" fill="#3d4148">${e(formatDay(last.date))}</text>
<polyline points="${line}" fill="none" stroke="#1f5fbf" stroke-width="2.5" stroke-linejoin="round"/>
</svg>`;
}

export interface Bar {
  label: string;
  share: number;
}

/** Bars of a share (0–1) per item, largest first (ties by label): the children ranked by coverage. */
export function shareBars(items: readonly Bar[], id: string, title: string): string {
  const bars = [...items].sort((a, b) => b.share - a.share || a.label.localeCompare(b.label, 'ru'));
  if (bars.length === 0) return '';
  const width = 720;
  const labelWidth = 330;
  const valueWidth = 64;
  const row = 22;
  const height = bars.length * row + 8;
  const span = width - labelWidth - valueWidth;
  const rows = bars
    .map((bar, i) => {
      const y = 4 + i * row;
      const label = bar.label.length > 40 ? `${bar.label.slice(0, 39)}…` : bar.label;
      return `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end" font-size="13" fill="#1d2026">${e(label)}</text>
<rect x="${labelWidth}" y="${y + 3}" width="${span}" height="${row - 8}" fill="#e6e9ef"/>
<rect x="${labelWidth}" y="${y + 3}" width="${round(span * Math.max(0, Math.min(1, bar.share)))}" height="${row - 8}" fill="#1f5fbf"/>
<text x="${width - 4}" y="${y + 15}" text-anchor="end" font-size="13" fill="#1d2026">${e(formatShare(bar.share))}</text>`;
    })
    .join('\n');
  const best = bars[0]!;
  const worst = bars[bars.length - 1]!;
  const description = `${bars.length} территорий; наибольший охват — ${best.label} (${formatShare(best.share)}), наименьший — ${worst.label} (${formatShare(worst.share)}).`;
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc" focusable="false">
<title id="${id}-title">${e(title)}</title>
<desc id="${id}-desc">${e(description)}</desc>
${rows}
</svg>`;
}
