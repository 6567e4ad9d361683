import { LANDING_SEARCH } from '../documents.js';
import { formatNumber } from '../format.js';
import { badgeSnippet, frameSnippet, widgetSnippet } from '../snippets.js';

/**
 * The landing page's script (/landing.js): the territory picker (search through the API's
 * `territories(filter: { search })`), the previews and snippets of the chosen territory, the copy
 * buttons, and the preview iframe's height (from its `gospubliki:resize` messages).
 */

interface Found {
  code: string;
  name: string;
  level: string;
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T | null;

async function search(text: string): Promise<Found[]> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: LANDING_SEARCH, variables: { search: text } }),
  });
  const body = (await response.json()) as { data?: { territories: { nodes: Found[] } } };
  return body.data?.territories.nodes ?? [];
}

function choose(territory: Found): void {
  const options = { origin: location.origin, code: territory.code };
  byId('territory-name')!.textContent = territory.name;
  byId('territory-code')!.textContent = territory.code;
  byId('widget-element')?.setAttribute('territory', territory.code);
  const badge = byId<HTMLImageElement>('badge-image');
  if (badge) {
    badge.src = `/embed/v1/territories/${encodeURIComponent(territory.code)}/subscribers.svg`;
    badge.alt = `Подписчики госпабликов: ${territory.name}`;
  }
  const frame = byId<HTMLIFrameElement>('frame-element');
  if (frame) {
    frame.src = `/embed/v1/territories/${encodeURIComponent(territory.code)}`;
    frame.title = `Госпаблики: ${territory.name}`;
  }
  byId('widget-snippet')!.textContent = widgetSnippet(options);
  byId('badge-snippet')!.textContent = badgeSnippet(options);
  byId('frame-snippet')!.textContent = frameSnippet(options);
}

function showResults(found: Found[]): void {
  const list = byId('territory-results')!;
  list.replaceChildren(
    ...found.map((territory) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = `${territory.name} (${territory.code})`;
      button.addEventListener('click', () => {
        choose(territory);
        list.replaceChildren();
      });
      item.append(button);
      return item;
    }),
  );
}

interface FederationStats {
  subscribers: number | string;
  pages: number;
  organisations: number;
  organisationsWithPages: number;
}

/** The federation's figures at the top of the page follow `figuresChanged` (the persisted `landing-figures-live-v1`). */
function followFederation(): void {
  if (!byId('federation-subscribers') || typeof EventSource === 'undefined') return;
  const source = new EventSource('/graphql?id=landing-figures-live-v1');
  source.addEventListener('next', (event) => {
    const body = JSON.parse((event as MessageEvent<string>).data) as { data?: { figuresChanged: { stats: FederationStats } } | null };
    const stats = body.data?.figuresChanged.stats;
    if (!stats) return source.close();
    byId('federation-subscribers')!.textContent = formatNumber(Number(stats.subscribers));
    byId('federation-coverage')!.textContent = `${formatNumber(stats.organisationsWithPages)} из ${formatNumber(stats.organisations)}`;
    byId('federation-pages')!.textContent = formatNumber(stats.pages);
  });
  source.addEventListener('complete', () => source.close());
}

function start(): void {
  followFederation();
  const input = byId<HTMLInputElement>('territory-search');
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;
  input?.addEventListener('input', () => {
    clearTimeout(timer);
    const text = input.value.trim();
    timer = setTimeout(() => {
      const mine = ++asked;
      if (!text) return showResults([]);
      search(text).then(
        (found) => mine === asked && showResults(found),
        () => mine === asked && showResults([]),
      );
    }, 200);
  });
  byId('picker')?.addEventListener('submit', (event) => event.preventDefault());
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-copy]')) {
    button.addEventListener('click', () => {
      const text = byId(button.dataset.copy ?? '')?.textContent ?? '';
      navigator.clipboard?.writeText(text).then(
        () => {
          button.textContent = 'Скопировано';
        },
        () => undefined,
      );
    });
  }
  const frame = byId<HTMLIFrameElement>('frame-element');
  window.addEventListener('message', (event) => {
    const data = event.data as { type?: string; height?: unknown } | null;
    if (frame && event.source === frame.contentWindow && data?.type === 'gospubliki:resize' && typeof data.height === 'number') {
      frame.height = String(Math.min(Math.max(Math.round(data.height), 40), 2000));
    }
  });
  // The iframe may have loaded and posted its height before this module ran: ask it again now,
  // and whenever it loads a territory.
  const ask = () => frame?.contentWindow?.postMessage({ type: 'gospubliki:measure' }, location.origin);
  frame?.addEventListener('load', ask);
  ask();
}

start();
