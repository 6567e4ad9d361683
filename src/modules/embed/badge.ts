import { makeBadge } from 'badge-maker';
import { escapeMarkup } from './markup.js';

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

/** Background of the label (shields.io's grey). */
const LABEL_COLOR = '#555';

/**
 * A flat SVG badge, 20 px high, drawn by `badge-maker` (the library shields.io renders with: it
 * measures every text, Cyrillic included, with Verdana's own advance widths and escapes it). Our one
 * addition is the accessible name: badge-maker writes `label: message` into `<title>` and
 * `aria-label`; ours says which territory (and, for a compact number, the full one).
 */
export function renderBadge(badge: Badge): string {
  const svg = makeBadge({ label: badge.label, message: badge.message, color: badge.color, labelColor: LABEL_COLOR, style: 'flat' });
  if (badge.title === undefined) return svg;
  const title = escapeMarkup(badge.title);
  return svg.replace(/ aria-label="[^"]*"/, () => ` aria-label="${title}"`).replace(/<title>[^<]*<\/title>/, () => `<title>${title}</title>`);
}
