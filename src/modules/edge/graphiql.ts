import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'graphql-yoga';
import type { DocumentRegistry } from './documents.js';

/**
 * GraphiQL served by the server itself, with no CDN: graphiql 3's UMD bundle and React 18's UMD
 * files from node_modules under `/graphiql/assets/`, a start script (no inline script, so a strict
 * Content-Security-Policy works) that opens one tab per example operation.
 */
const require = createRequire(import.meta.url);
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

const ASSETS = new Map<string, { file: () => string; type: string }>(
  Object.entries({
    'graphiql.min.css': { file: () => path.join(packageDir('graphiql'), 'graphiql.min.css'), type: 'text/css; charset=utf-8' },
    'graphiql.min.js': { file: () => path.join(packageDir('graphiql'), 'graphiql.min.js'), type: 'text/javascript; charset=utf-8' },
    'react.production.min.js': { file: () => path.join(packageDir('react'), 'umd', 'react.production.min.js'), type: 'text/javascript; charset=utf-8' },
    'react-dom.production.min.js': {
      file: () => path.join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'),
      type: 'text/javascript; charset=utf-8',
    },
  }),
); // a Map: a name such as `constructor` or `__proto__` is no asset (an object would find Object's own)
export const GRAPHIQL_ASSETS = '/graphiql/assets/';

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Variables that make each example run on the demo data. */
function sampleVariables(text: string): Record<string, unknown> {
  const today = new Date();
  const variables: Record<string, unknown> = {};
  if (/\$code\b/.test(text)) variables.code = '17000000';
  if (/\$from\b/.test(text)) variables.from = isoDay(new Date(today.getTime() - 84 * 86_400_000));
  if (/\$to\b/.test(text)) variables.to = isoDay(today);
  if (/\$search\b/.test(text)) variables.search = 'петушин';
  if (/\$externalId\b/.test(text)) variables.externalId = 'school-17646101-1';
  if (/\$id\b/.test(text)) variables.id = '';
  return variables;
}

function startScript(registry: DocumentRegistry, defaultQuery: string): string {
  const tabs = [
    { query: defaultQuery },
    ...registry.entries().map(({ id, text }) => ({ query: `# ${id}\n${text}`, variables: JSON.stringify(sampleVariables(text), null, 2) })),
  ];
  return `(function () {
  var tabs = ${JSON.stringify(tabs)};
  var fetcher = GraphiQL.createFetcher({ url: window.location.origin + '/graphql' });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, { fetcher: fetcher, defaultTabs: tabs, defaultEditorToolsVisibility: true, shouldPersistHeaders: false }));
})();
`;
}

/** The page Yoga answers a browser's GET /graphql with (createYoga's `renderGraphiQL`). */
export function graphiqlPage(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${GRAPHIQL_ASSETS}graphiql.min.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="${GRAPHIQL_ASSETS}react.production.min.js"></script>
<script src="${GRAPHIQL_ASSETS}react-dom.production.min.js"></script>
<script src="${GRAPHIQL_ASSETS}graphiql.min.js"></script>
<script src="${GRAPHIQL_ASSETS}start.js"></script>
</body>
</html>
`;
}

export function graphiqlAssetsPlugin(registry: DocumentRegistry, defaultQuery: string): Plugin {
  const files = new Map<string, Buffer>();
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith(GRAPHIQL_ASSETS)) return;
      const name = url.pathname.slice(GRAPHIQL_ASSETS.length);
      const headers = { 'cache-control': 'public, max-age=86400' };
      if (name === 'start.js') {
        endResponse(new fetchAPI.Response(startScript(registry, defaultQuery), { headers: { ...headers, 'content-type': 'text/javascript; charset=utf-8' } }));
        return;
      }
      const asset = ASSETS.get(name);
      if (!asset) {
        endResponse(new fetchAPI.Response('not found\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } }));
        return;
      }
      let body = files.get(name);
      if (!body) {
        body = fs.readFileSync(asset.file());
        files.set(name, body);
      }
      endResponse(new fetchAPI.Response(new Uint8Array(body), { headers: { ...headers, 'content-type': asset.type } }));
    },
  };
}
