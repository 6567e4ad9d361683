import { escapeMarkup } from './markup.js';
import { textWidth } from './textWidth.js';

/** What a badge says: a grey label and a coloured message, as shields.io draws them. */
export interface Badge {
  label: string;
  message: string;
  /** Background of the message (a CSS colour written in the SVG). */
  color: string;
  /** The accessible name (`<title>` and `aria-label`); label and message when not given. */
  title?: string;
}

/** Colours of the badges: blue for a figure, red for an error (white text passes WCAG AA on both). */
export const BADGE_COLORS = { figure: '#0b5fa5', error: '#b42318' } as const;

/** Horizontal padding on each side of a text (px). */
const PADDING = 6;

/** Width of one part of the badge: its text and its padding, rounded to a whole px. */
export function partWidth(text: string): number {
  return Math.round(textWidth(text) + 2 * PADDING);
}

/**
 * A flat shields-style SVG badge, 20 px high, its width computed for the text. Every text is
 * escaped; the SVG carries a `<title>` and `role="img"` for screen readers.
 */
export function renderBadge(badge: Badge): string {
  const labelWidth = partWidth(badge.label);
  const messageWidth = partWidth(badge.message);
  const width = labelWidth + messageWidth;
  const label = escapeMarkup(badge.label);
  const message = escapeMarkup(badge.message);
  const title = escapeMarkup(badge.title ?? `${badge.label}: ${badge.message}`);
  const color = escapeMarkup(badge.color);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" viewBox="0 0 ${width} 20" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    '<linearGradient id="g" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>',
    `<clipPath id="c"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>`,
    '<g clip-path="url(#c)">',
    `<rect width="${labelWidth}" height="20" fill="#555"/>`,
    `<rect x="${labelWidth}" width="${messageWidth}" height="20" fill="${color}"/>`,
    `<rect width="${width}" height="20" fill="url(#g)"/>`,
    '</g>',
    '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">',
    `<text x="${labelWidth / 2}" y="15" fill="#010101" fill-opacity=".3" aria-hidden="true">${label}</text>`,
    `<text x="${labelWidth / 2}" y="14">${label}</text>`,
    `<text x="${labelWidth + messageWidth / 2}" y="15" fill="#010101" fill-opacity=".3" aria-hidden="true">${message}</text>`,
    `<text x="${labelWidth + messageWidth / 2}" y="14">${message}</text>`,
    '</g>',
    '</svg>',
  ].join('');
}
