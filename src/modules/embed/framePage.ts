import type { Lang } from './format.js';
import { escapeMarkup as e } from './markup.js';
import { SPARKLINE } from './sparkline.js';
import type { FiguresView } from './view.js';

/**
 * The iframe page's HTML: the widget's figures rendered on the server, with no script or style
 * inline (its CSS and resize script are /embed/v1/frame.css and /embed/v1/frame.js). Every text is escaped.
 */

/** The Content-Security-Policy of the iframe page. */
export const FRAME_CSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'";

function page(lang: Lang, theme: 'light' | 'dark' | null, title: string, body: string): string {
  const themeClass = theme ? ` class="theme-${theme}"` : '';
  return [
    '<!doctype html>',
    `<html lang="${lang}"${themeClass}>`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(title)}</title>`,
    '<link rel="stylesheet" href="/embed/v1/frame.css">',
    '<script src="/embed/v1/frame.js" defer></script>',
    '</head>',
    `<body>${body}</body>`,
    '</html>',
  ].join('\n');
}

/** The page of a territory's figures. */
export function framePage(view: FiguresView, lang: Lang, theme: 'light' | 'dark' | null): string {
  const { width, height } = SPARKLINE;
  const platforms = view.platforms
    .map((p) => `<li><span class="platform">${e(p.name)}</span> <span class="value" title="${e(p.full)}">${e(p.value)}</span></li>`)
    .join('');
  const items = view.history.items.map((item) => `<li>${e(item.date)}: ${e(item.value)}</li>`).join('');
  const body = `<main class="card">
<h1 class="name">${e(view.name)}</h1>
<p class="total"><span class="number">${e(view.total)}</span> <span class="unit">${e(view.unit)}</span></p>
<p class="growth ${view.trend}">${e(view.growth)}</p>
<p class="coverage">${e(view.coverage)}</p>
<h2>${e(view.byPlatformTitle)}</h2>
<ul class="platforms">${platforms}</ul>
<figure class="history">
<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${e(view.history.label)}" preserveAspectRatio="none"><title>${e(view.history.label)}</title><polyline points="${view.history.points}" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/></svg>
<figcaption class="visually-hidden">${e(view.history.title)}<ul>${items}</ul></figcaption>
</figure>
<p class="source"><a href="/" target="_blank" rel="noopener">${e(view.source)}</a></p>
</main>`;
  return page(lang, theme, `Госпаблики: ${view.name}`, body);
}

/** The page shown instead of figures: an unknown code, bad parameters or a failure. */
export function frameMessagePage(message: string, lang: Lang, theme: 'light' | 'dark' | null): string {
  return page(lang, theme, 'Госпаблики', `<main class="card"><p class="message" role="status">${e(message)}</p></main>`);
}
