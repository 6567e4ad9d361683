import type { Lang } from './format.js';

/** The HTML a portal pastes for each embed of a territory (the landing page shows them; the README documents them). */

export interface SnippetOptions {
  origin: string;
  code: string;
  theme?: 'light' | 'dark' | null;
  lang?: Lang;
}

function attributes(options: SnippetOptions): string {
  return `${options.theme ? ` theme="${options.theme}"` : ''}${options.lang === 'en' ? ' lang="en"' : ''}`;
}

function search(options: SnippetOptions): string {
  const params = new URLSearchParams();
  if (options.theme) params.set('theme', options.theme);
  if (options.lang === 'en') params.set('lang', 'en');
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function widgetSnippet(options: SnippetOptions): string {
  return `<script src="${options.origin}/embed/v1/gospubliki.js" defer></script>\n<gospubliki-figures territory="${options.code}"${attributes(options)}></gospubliki-figures>`;
}

export function badgeSnippet(options: SnippetOptions): string {
  return `<img src="${options.origin}/embed/v1/territories/${options.code}/subscribers.svg" alt="Подписчики госпабликов" height="20">`;
}

export function frameSnippet(options: SnippetOptions): string {
  return `<iframe src="${options.origin}/embed/v1/territories/${options.code}${search(options)}" title="Госпаблики: подписчики" width="360" height="320" loading="lazy"></iframe>`;
}
