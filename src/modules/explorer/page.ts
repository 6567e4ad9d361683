import type { PlatformRow } from '../catalogue/catalogue.js';
import { formatChange, formatDay, formatNumber, formatRelative, formatShare } from '../embed/format.js';
import { escapeMarkup as e } from '../embed/markup.js';
import { shareOf } from '../monitoring/compliance.js';
import { historyChart, shareBars } from './charts.js';
import { CHILDREN_SHOWN, type ChildFigures, type ExplorerData, GROWTH_DAYS, STALE_DAYS } from './data.js';
import { type ExplorerQuery, explorerHref, SORTS, type Sort } from './query.js';
import { LEVEL_NAMES, SORT_NAMES } from './words.js';

/**
 * The explorer page `/t/{code}`, server-rendered HTML in Russian: no script, one stylesheet from
 * this origin, inline SVG charts; landmarks, a skip link, headed sections, tables with captions
 * and scoped headers, sortable columns as links (with `aria-sort`), so it works from a keyboard
 * and a screen reader.
 */

/** The explorer's Content-Security-Policy: the embeds' (src/modules/embed/framePage.ts), plus its own form and no framing. */
export const EXPLORER_CSP =
  "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const level = (name: string) => LEVEL_NAMES[name] ?? name;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)} — Госпаблики</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/t/assets/explorer.css">
<script src="/t/assets/explorer.js" defer></script>
</head>
<body>
<a class="skip" href="#content">Перейти к содержимому</a>
<header class="site"><a href="/">Госпаблики</a> · <a href="/t/RU">Обзор территорий</a></header>
${body}
<footer class="site"><p>Данные: Госпаблики — официальные страницы госорганов и учреждений. Те же цифры отдаёт API: <a href="/graphql">/graphql</a>.</p></footer>
</body>
</html>`;
}

function breadcrumbs(data: ExplorerData): string {
  const items = data.ancestors.map((a) => `<li><a href="/t/${encodeURIComponent(a.code)}">${e(a.name)}</a></li>`);
  items.push(`<li><span aria-current="page">${e(data.territory.name)}</span></li>`);
  return `<nav class="crumbs" aria-label="Путь по территориям"><ol>${items.join('')}</ol></nav>`;
}

function figures(data: ExplorerData): string {
  const { stats, growth } = data;
  const relative = growth.subscribersFrom === 0n ? '' : ` (${formatRelative(Number(growth.change) / Number(growth.subscribersFrom))})`;
  const platforms = stats.byPlatform
    .map(
      (p) =>
        `<tr><th scope="row">${e(p.platform.name)}</th><td>${e(formatNumber(p.subscribers))}</td><td>${e(formatNumber(p.pages))}</td><td>${e(formatNumber(p.organisations))}</td></tr>`,
    )
    .join('');
  return `<section aria-labelledby="figures-title" data-live-part="figures">
<h2 id="figures-title">Цифры</h2>
<dl class="figures">
<div><dt>Подписчиков</dt><dd>${e(formatNumber(stats.subscribers))}</dd></div>
<div><dt>Рост за ${GROWTH_DAYS} дней</dt><dd>${e(formatChange(growth.change))}${e(relative)}</dd></div>
<div><dt>Официальных страниц</dt><dd>${e(formatNumber(stats.pages))}</dd></div>
<div><dt>С госметкой</dt><dd>${e(formatNumber(stats.verifiedPages))} (${e(formatShare(shareOf(stats.verifiedPages, stats.pages)))})</dd></div>
<div><dt>Не обновлялись ${STALE_DAYS} дней</dt><dd>${e(formatNumber(data.freshness.stalePages))} (${e(formatShare(data.freshness.staleShare))})</dd></div>
<div><dt>Организаций со страницами</dt><dd>${e(formatNumber(stats.organisationsWithPages))} из ${e(formatNumber(stats.organisations))} (${e(formatShare(shareOf(stats.organisationsWithPages, stats.organisations)))})</dd></div>
</dl>
${
  platforms
    ? `<table><caption>По площадкам</caption><thead><tr><th scope="col">Площадка</th><th scope="col">Подписчики</th><th scope="col">Страниц</th><th scope="col">Организаций</th></tr></thead><tbody>${platforms}</tbody></table>`
    : '<p>Страниц пока нет.</p>'
}
</section>`;
}

function history(data: ExplorerData): string {
  const rows = data.history.map((p) => `<tr><th scope="row">${e(formatDay(p.date))}</th><td>${e(formatNumber(p.subscribers))}</td></tr>`).join('');
  return `<section aria-labelledby="history-title" data-live-part="history">
<h2 id="history-title">История за год</h2>
<figure>${historyChart(data.history, 'history')}</figure>
<details><summary>Значения по неделям</summary>
<table><caption>Подписчики по неделям</caption><thead><tr><th scope="col">Неделя по</th><th scope="col">Подписчиков</th></tr></thead><tbody>${rows}</tbody></table>
</details>
</section>`;
}

const codesOf = (platforms: readonly PlatformRow[]) => platforms.map((p) => p.code).join(',');
const namesOf = (platforms: readonly PlatformRow[]) => platforms.map((p) => p.name).join(', ');

function compliance(data: ExplorerData, query: ExplorerQuery): string {
  const { compliance: c } = data;
  const gaps = c.missing.map((gap) => `<li>без страницы в ${e(gap.platform.name)}: <strong>${e(formatNumber(gap.organisations))}</strong></li>`).join('');
  const choices = data.platforms
    .map((p) => {
      const checked = data.required.some((r) => r.id === p.id) ? ' checked' : '';
      return `<label><input type="checkbox" name="required" value="${e(p.code)}"${checked}> ${e(p.name)}</label>`;
    })
    .join(' ');
  const list = `/v1/exports/territories/${encodeURIComponent(data.territory.code)}/organisations`;
  return `<section aria-labelledby="compliance-title" data-live-part="compliance">
<h2 id="compliance-title">Соответствие: страницы на обязательных площадках</h2>
<p>Обязательные площадки: <strong>${e(namesOf(data.required))}</strong>${query.required.join(',') === 'VK,OK' ? ' (по умолчанию)' : ''}. Организация соответствует, если у неё есть действующая страница на каждой из них.</p>
<p class="big">${e(formatNumber(c.compliant))} из ${e(formatNumber(c.organisations))} организаций — ${e(formatShare(c.share))}</p>
<ul>${gaps}</ul>
<p>Кому позвонить: <a href="${e(`${list}.xlsx?missingPlatforms=${codesOf(data.required)}`)}">список организаций без обязательных страниц (XLSX)</a>, <a href="${e(`${list}.csv?missingPlatforms=${codesOf(data.required)}`)}">то же в CSV</a>.</p>
<form method="get" action="/t/${e(encodeURIComponent(data.territory.code))}" class="required">
<fieldset><legend>Выбрать обязательные площадки</legend>${choices}</fieldset>
<input type="hidden" name="sort" value="${e(query.sort)}"><input type="hidden" name="dir" value="${query.direction === 'ASC' ? 'asc' : 'desc'}">
<button type="submit">Пересчитать</button>
</form>
</section>`;
}

/** The header cell of a sortable column: a link that sorts by it (the other way round when it is the current sort). */
function sortHeader(data: ExplorerData, query: ExplorerQuery, sort: Sort): string {
  const current = query.sort === sort;
  const direction = current && query.direction === 'ASC' ? 'DESC' : current ? 'ASC' : sort === 'name' ? 'ASC' : 'DESC';
  const href = explorerHref(data.territory.code, { ...query, sort, direction });
  const ariaSort = current ? ` aria-sort="${query.direction === 'ASC' ? 'ascending' : 'descending'}"` : '';
  const arrow = current ? (query.direction === 'ASC' ? ' ↑' : ' ↓') : '';
  const hint = `сортировать ${direction === 'ASC' ? 'по возрастанию' : 'по убыванию'}`;
  return `<th scope="col"${ariaSort}><a href="${e(href)}" aria-label="${e(`${SORT_NAMES[sort]}: ${hint}`)}">${e(SORT_NAMES[sort])}<span aria-hidden="true">${arrow}</span></a></th>`;
}

function childRow(child: ChildFigures): string {
  const coverage = shareOf(child.stats.organisationsWithPages, child.stats.organisations);
  return `<tr><th scope="row"><a href="/t/${encodeURIComponent(child.code)}">${e(child.name)}</a> <span class="level">${e(level(child.level))}</span></th>
<td>${e(formatNumber(child.stats.subscribers))}</td>
<td>${e(formatShare(coverage))} <span class="of">(${e(formatNumber(child.stats.organisationsWithPages))} из ${e(formatNumber(child.stats.organisations))})</span></td>
<td>${e(formatShare(child.compliance.share))} <span class="of">(${e(formatNumber(child.compliance.compliant))})</span></td>
<td>${e(formatChange(child.growth.change))}</td></tr>`;
}

function children(data: ExplorerData, query: ExplorerQuery): string {
  const { total, nodes } = data.children;
  if (total === 0) return '';
  const order = `${SORT_NAMES[query.sort].toLowerCase()}, ${query.direction === 'ASC' ? 'по возрастанию' : 'по убыванию'}`;
  const more = total > nodes.length ? `; показаны первые ${CHILDREN_SHOWN} из ${formatNumber(total)}; все — в выгрузке ниже.` : '';
  const headers = (Object.keys(SORTS) as Sort[]).map((sort) => sortHeader(data, query, sort)).join('');
  const bars = shareBars(
    nodes.map((child) => ({ label: child.name, share: shareOf(child.stats.organisationsWithPages, child.stats.organisations) })),
    'coverage',
    'Охват: доля организаций с официальными страницами',
  );
  return `<section aria-labelledby="children-title" data-live-part="children">
<h2 id="children-title">Территории уровнем ниже (${e(formatNumber(total))})</h2>
<div class="scroll" role="region" aria-labelledby="children-caption" tabindex="0">
<table class="ranked"><caption id="children-caption">Порядок: ${e(order)}. Соответствие — по площадкам ${e(namesOf(data.required))}; рост — с ${e(formatDay(data.growthFrom))} по ${e(formatDay(data.to))}${e(more)}</caption>
<thead><tr>${headers}</tr></thead>
<tbody>${nodes.map(childRow).join('')}</tbody></table>
</div>
<h3 id="coverage-chart-title">Охват по территориям</h3>
<figure aria-labelledby="coverage-chart-title">${bars}</figure>
</section>`;
}

function exportsSection(data: ExplorerData): string {
  const base = `/v1/exports/territories/${encodeURIComponent(data.territory.code)}`;
  const params = `required=${codesOf(data.required)}&from=${data.growthFrom}&to=${data.to}`;
  const missing = `missingPlatforms=${codesOf(data.required)}`;
  const link = (href: string, text: string) => `<li><a href="${e(href)}">${e(text)}</a></li>`;
  return `<section aria-labelledby="exports-title">
<h2 id="exports-title">Выгрузки для таблиц</h2>
<ul>
${data.children.total ? link(`${base}/children.xlsx?${params}`, 'Территории уровнем ниже с цифрами (XLSX, для Excel)') : ''}
${data.children.total ? link(`${base}/children.csv?${params}`, 'Территории уровнем ниже с цифрами (CSV)') : ''}
${link(`${base}/organisations.xlsx?${missing}`, 'Организации без обязательных страниц (XLSX)')}
${link(`${base}/organisations.csv`, 'Все организации (CSV)')}
</ul>
</section>`;
}

/** The whole page of a territory. */
export function explorerPage(data: ExplorerData, query: ExplorerQuery): string {
  const t = data.territory;
  return layout(
    t.name,
    `${breadcrumbs(data)}
<main id="content" data-territory="${e(t.code)}">
<h1>${e(t.name)}</h1>
<p class="meta">${e(level(t.level))} · код ${e(t.code)} · данные на ${e(formatDay(data.to))}</p>
${figures(data)}
${history(data)}
${compliance(data, query)}
${children(data, query)}
${exportsSection(data)}
</main>`,
  );
}

/** A page saying what went wrong (unknown territory, a bad parameter), with a way back. */
export function explorerProblemPage(title: string, message: string): string {
  return layout(title, `<main id="content"><h1>${e(title)}</h1><p>${e(message)}</p><p><a href="/t/RU">К обзору по всей стране</a></p></main>`);
}
