import type { FiguresData } from '../view.js';

/**
 * The widget's one request: the persisted document `embed-figures-v1` by GET from the script's own
 * origin (no cookies: `credentials: 'omit'`), for the last 90 days up to today (UTC).
 */

/**
 * Where the script was loaded from: the API it asks. The bundle is a classic script (an IIFE), so
 * it runs from `<script src>`, `async`, `defer` and `type="module"` alike: a classic script knows
 * itself as `document.currentScript` while it runs; a module does not, so it is found by its path.
 * The page's own origin is the last resort (the script served by the page's own host).
 */
export const API_ORIGIN = scriptOrigin();

function scriptOrigin(): string {
  const current = document.currentScript;
  const script = current instanceof HTMLScriptElement && current.src ? current : document.querySelector<HTMLScriptElement>('script[src*="/gospubliki.js"]');
  try {
    return new URL(script?.src ?? '', location.href).origin;
  } catch {
    return location.origin;
  }
}

export type FiguresResult = { kind: 'figures'; data: FiguresData } | { kind: 'unknown' } | { kind: 'invalid'; message: string } | { kind: 'failed' };

export interface FiguresRequest {
  code: string;
  platforms: string[] | null;
  sectors: string[] | null;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The document's URL for a request, as of `now`. */
export function figuresUrl(request: FiguresRequest, days: number, now = new Date()): string {
  const to = day(now);
  const from = day(new Date(Date.parse(`${to}T00:00:00Z`) - days * 86_400_000));
  const variables = { code: request.code, platforms: request.platforms, sectors: request.sectors, from, to };
  return `${API_ORIGIN}/graphql?id=embed-figures-v1&variables=${encodeURIComponent(JSON.stringify(variables))}`;
}

/** Fetches the figures; never throws (a failure is a result). `fresh`: revalidate with the server, past the browser's cache. */
export async function fetchFigures(request: FiguresRequest, days: number, signal: AbortSignal, fresh = false): Promise<FiguresResult> {
  try {
    const response = await fetch(figuresUrl(request, days), {
      credentials: 'omit',
      headers: { accept: 'application/json' },
      signal,
      cache: fresh ? 'no-cache' : 'default',
    });
    const body = (await response.json()) as { data?: { territory: FiguresData | null } | null; errors?: { message: string; extensions?: { code?: string } }[] };
    const invalid = body.errors?.find((error) => error.extensions?.code === 'BAD_USER_INPUT');
    if (invalid) return { kind: 'invalid', message: invalid.message };
    if (body.errors?.length || !body.data) return { kind: 'failed' };
    return body.data.territory ? { kind: 'figures', data: body.data.territory } : { kind: 'unknown' };
  } catch {
    return { kind: 'failed' };
  }
}

/** New stats pushed by `figuresChanged` (the persisted subscription `embed-figures-live-v1`). */
export type LiveStats = FiguresData['stats'];

/**
 * Follows a territory's figures over Server-Sent Events (GET of the persisted subscription, no
 * cookies; the browser's EventSource reconnects by itself after a dropped connection). Calls
 * `onStats` on each event. A stream the server ends (`complete`: a restart or a deploy) is opened
 * again after a few seconds; a refusal (an event with errors, e.g. too many streams) ends it for
 * good. Returns its close.
 */
export function followFigures(request: FiguresRequest, onStats: (stats: LiveStats) => void): () => void {
  const variables = { code: request.code, platforms: request.platforms, sectors: request.sectors };
  const url = `${API_ORIGIN}/graphql?id=embed-figures-live-v1&variables=${encodeURIComponent(JSON.stringify(variables))}`;
  let source: EventSource | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const stop = () => {
    stopped = true;
    clearTimeout(retry);
    source?.close();
  };
  const open = () => {
    if (stopped) return;
    const current = new EventSource(url);
    source = current;
    current.addEventListener('next', (event) => {
      try {
        const body = JSON.parse((event as MessageEvent<string>).data) as { data?: { figuresChanged: { stats: LiveStats } } | null; errors?: unknown[] };
        if (body.errors?.length || !body.data) return stop();
        onStats(body.data.figuresChanged.stats);
      } catch {
        stop();
      }
    });
    current.addEventListener('complete', () => {
      current.close();
      if (!stopped) retry = setTimeout(open, 2000 + Math.random() * 3000);
    });
  };
  open();
  return stop;
}
