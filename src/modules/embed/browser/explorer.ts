import { followFigures } from './api.js';

/*
 * The explorer page's live figures (`/t/assets/explorer.js`, loaded by /t/{code}): the page is
 * complete without it; with it, each `figuresChanged` event of the page's territory re-reads the
 * same page and swaps in the parts marked `data-live-part` whose content changed (figures, history,
 * compliance, children), so the reader's place, focus and form stay as they are. No cookies, no
 * storage, no inline code: the page's CSP allows only our origin.
 */
const main = document.querySelector<HTMLElement>('main[data-territory]');

async function refresh(): Promise<void> {
  const response = await fetch(location.href, { cache: 'no-store', credentials: 'omit' });
  if (!response.ok) return;
  const next = new DOMParser().parseFromString(await response.text(), 'text/html');
  for (const part of document.querySelectorAll<HTMLElement>('[data-live-part]')) {
    const fresh = next.querySelector<HTMLElement>(`[data-live-part="${part.dataset.livePart}"]`);
    if (fresh && fresh.innerHTML !== part.innerHTML) part.innerHTML = fresh.innerHTML;
  }
  document.body.dataset.liveVersion = String(Number(document.body.dataset.liveVersion ?? 0) + 1);
}

let running: Promise<void> | null = null;
let again = false;

/** One refresh at a time; events during one fold into one more. */
function schedule(): void {
  if (running) {
    again = true;
    return;
  }
  running = refresh()
    .catch(() => undefined)
    .finally(() => {
      running = null;
      if (again) {
        again = false;
        schedule();
      }
    });
}

if (main?.dataset.territory) followFigures({ code: main.dataset.territory, platforms: null, sectors: null }, schedule);
