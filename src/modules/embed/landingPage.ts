import type { Stats } from '../figures/fold.js';
import { formatCompact, formatNumber } from './format.js';
import { escapeMarkup as e } from './markup.js';
import { badgeSnippet, frameSnippet, type SnippetOptions, widgetSnippet } from './snippets.js';

/**
 * The landing page `/`: what Gospubliki is, the federation's live figures, a territory picker and
 * live previews of the three embeds with their snippets. No inline script or style, no third
 * party: its script is /landing.js, its CSS /landing.css.
 */

/** The landing page's Content-Security-Policy: everything from this origin only. */
export const LANDING_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'";

export interface LandingData {
  origin: string;
  /** The federation's figures; null when no data is loaded yet. */
  federation: { name: string; stats: Stats } | null;
  /** The territory the previews start with. */
  preview: { code: string; name: string };
}

function federationSection(federation: LandingData['federation']): string {
  if (!federation) return '<p>Данные ещё не загружены: загрузите их командой <code>npm run import</code>.</p>';
  const { stats } = federation;
  const platforms = stats.byPlatform
    .map((p) => `<li><span>${e(p.platform.name)}</span> <span class="value">${e(formatCompact(p.subscribers))}</span></li>`)
    .join('');
  return `<dl class="figures" aria-live="polite">
<div><dt>Подписчиков</dt><dd id="federation-subscribers">${e(formatNumber(stats.subscribers))}</dd></div>
<div><dt>Организаций с официальными страницами</dt><dd id="federation-coverage">${e(formatNumber(stats.organisationsWithPages))} из ${e(formatNumber(stats.organisations))}</dd></div>
<div><dt>Страниц</dt><dd id="federation-pages">${e(formatNumber(stats.pages))}</dd></div>
</dl>
<ul class="platforms" aria-label="Подписчики по площадкам">${platforms}</ul>`;
}

function preview(id: string, title: string, snippet: string, content: string): string {
  return `<section class="preview" aria-labelledby="${id}-title">
<h3 id="${id}-title">${e(title)}</h3>
<div class="preview-box" id="${id}-preview">${content}</div>
<div class="snippet"><pre><code id="${id}-snippet">${e(snippet)}</code></pre>
<button type="button" class="copy" data-copy="${id}-snippet">Скопировать код</button></div>
</section>`;
}

export function landingPage(data: LandingData): string {
  const options: SnippetOptions = { origin: data.origin, code: data.preview.code };
  const code = e(data.preview.code);
  return `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Госпаблики — цифры официальных страниц госорганов и учреждений</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/landing.css">
<script src="/embed/v1/gospubliki.js" defer></script>
<script src="/landing.js" defer></script>
</head>
<body>
<header><h1>Госпаблики</h1>
<p>GraphQL API по официальным страницам («госпабликам») органов власти, школ, больниц, библиотек и других организаций России во ВКонтакте, Одноклассниках, Telegram и MAX: дерево территорий от федерации до поселения, организации, их страницы и число подписчиков — суммы, охват и рост в любом узле дерева.</p>
<nav aria-label="Документация"><ul class="links">
<li><a href="/graphql">GraphiQL: попробовать API</a></li>
<li><a href="/docs/readme">README</a></li>
<li><a href="/schema.graphql">schema.graphql</a></li>
</ul></nav>
</header>
<main>
<section aria-labelledby="federation-title"><h2 id="federation-title">${e(data.federation?.name ?? 'Российская Федерация')} сейчас</h2>
${federationSection(data.federation)}
</section>
<section aria-labelledby="embed-title"><h2 id="embed-title">Встроить цифры на портал</h2>
<p>Выберите территорию: ниже появятся три способа показать её цифры и код для вставки.</p>
<form id="picker" role="search" class="picker">
<label for="territory-search">Территория</label>
<input id="territory-search" type="search" autocomplete="off" placeholder="например, Петушинский" aria-describedby="territory-chosen" aria-controls="territory-results">
<ul id="territory-results" class="results" aria-label="Найденные территории"></ul>
<p id="territory-chosen" aria-live="polite">Выбрана: <strong id="territory-name">${e(data.preview.name)}</strong> (<span id="territory-code">${code}</span>)</p>
</form>
${preview('widget', 'Веб-компонент', widgetSnippet(options), `<gospubliki-figures id="widget-element" territory="${code}" live></gospubliki-figures>`)}
${preview('badge', 'Значок (SVG)', badgeSnippet(options), `<img id="badge-image" src="/embed/v1/territories/${code}/subscribers.svg" alt="Подписчики госпабликов: ${e(data.preview.name)}" height="20">`)}
${preview('frame', 'Страница для iframe', frameSnippet(options), `<iframe id="frame-element" src="/embed/v1/territories/${code}" title="Госпаблики: ${e(data.preview.name)}" width="360" height="320"></iframe>`)}
</section>
</main>
<footer><p>Организации, страницы и подписчики в демонстрационных данных сгенерированы; дерево территорий — реальный ОКТМО.</p></footer>
</body>
</html>
`;
}
