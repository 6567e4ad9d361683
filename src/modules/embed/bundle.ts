import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { etagOf } from './responses.js';

/** Browser scripts, each bundled by esbuild with what it imports: the widget, the landing page's script and the explorer's. */
export const ENTRIES = {
  /** The `<gospubliki-figures>` element (`/embed/v1/gospubliki.js`). */
  widget: fileURLToPath(new URL('./browser/widget.ts', import.meta.url)),
  /** The landing page's picker and previews (`/landing.js`). */
  landing: fileURLToPath(new URL('./browser/landing.ts', import.meta.url)),
  /** The explorer page's live figures (`/t/assets/explorer.js`). */
  explorer: fileURLToPath(new URL('./browser/explorer.ts', import.meta.url)),
} as const;

export type Entry = keyof typeof ENTRIES;

/** Gzip budget of the widget's bundle (bytes): a test fails above it. */
export const WIDGET_BUDGET_GZIP = 15 * 1024;

export interface Bundle {
  code: string;
  etag: string;
  gzipBytes: number;
}

/**
 * Bundles a browser script into one minified classic script (an IIFE: no `import.meta`, no
 * top-level `import`/`export`), which a page may load as `<script src>`, `async`, `defer` or
 * `type="module"` alike (no source map, no eval).
 */
export async function buildBundle(entry: Entry): Promise<Bundle> {
  const result = await build({
    entryPoints: [ENTRIES[entry]],
    bundle: true,
    format: 'iife',
    minify: true,
    target: 'es2021',
    platform: 'browser',
    write: false,
    legalComments: 'eof',
    charset: 'utf8',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  return { code, etag: etagOf(code), gzipBytes: gzipSync(code, { level: 9 }).length };
}

const cached = new Map<Entry, Promise<Bundle>>();

/** A bundle, built once per process (at the first call; a failed build is retried at the next). */
export function bundle(entry: Entry): Promise<Bundle> {
  let found = cached.get(entry);
  if (!found) {
    found = buildBundle(entry);
    found.catch(() => cached.delete(entry));
    cached.set(entry, found);
  }
  return found;
}
