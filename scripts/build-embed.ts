import fs from 'node:fs/promises';
import path from 'node:path';
import { buildBundle, ENTRIES, type Entry, WIDGET_BUDGET_GZIP } from '../src/modules/embed/bundle.js';

/**
 * `npm run build`: bundles the browser scripts of the embeds into dist/embed/ and prints their
 * sizes (the server builds the same bundles in memory at its first request, so this is optional:
 * for a CDN, or to see the size). Exits 1 when the widget is over its gzip budget.
 */
const out = path.resolve('dist/embed');
await fs.mkdir(out, { recursive: true });
let over = false;
for (const entry of Object.keys(ENTRIES) as Entry[]) {
  const bundle = await buildBundle(entry);
  const file = path.join(out, entry === 'widget' ? 'gospubliki.js' : `${entry}.js`);
  await fs.writeFile(file, bundle.code);
  console.log(`${path.relative(process.cwd(), file)}: ${Buffer.byteLength(bundle.code)} bytes, ${bundle.gzipBytes} bytes gzipped`);
  if (entry === 'widget' && bundle.gzipBytes > WIDGET_BUDGET_GZIP) {
    console.error(`the widget is over its budget of ${WIDGET_BUDGET_GZIP} bytes gzipped`);
    over = true;
  }
}
process.exit(over ? 1 : 0);
