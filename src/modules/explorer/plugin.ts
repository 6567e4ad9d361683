import type { Plugin } from 'graphql-yoga';
import { logger } from '../../logger.js';
import { bundle } from '../embed/bundle.js';
import { isBadUserInput } from '../embed/figures.js';
import { territoryCode } from '../territory/code.js';
import { explorerData } from './data.js';
import { EXPLORER_CSP, explorerPage, explorerProblemPage } from './page.js';
import { explorerQuery } from './query.js';
import { EXPLORER_CSS } from './stylesheet.js';

const PAGE = /^\/t\/([^/]+)$/;
const STYLESHEET = '/t/assets/explorer.css';
const SCRIPT = '/t/assets/explorer.js';

function html(body: string, status = 200): Response {
  return new Response(body, {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': EXPLORER_CSP,
      'cache-control': 'no-cache',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    },
  });
}

async function pageResponse(rawCode: string, url: URL): Promise<Response> {
  let code: string;
  try {
    code = territoryCode(decodeURIComponent(rawCode), 'code');
  } catch {
    return html(explorerProblemPage('Неверный код территории', 'Код территории — это RU, код федерального округа или код ОКТМО из 8 или 11 цифр.'), 400);
  }
  try {
    const query = explorerQuery(url.searchParams);
    const data = await explorerData(code, query);
    if (!data) return html(explorerProblemPage('Территория не найдена', `Территории с кодом ${code} нет.`), 404);
    return html(explorerPage(data, query));
  } catch (error) {
    if (isBadUserInput(error)) return html(explorerProblemPage('Неверные параметры', error.message), 400);
    throw error;
  }
}

/**
 * The explorer: `GET /t/{code}` (a territory's page, src/modules/explorer/page.ts), its
 * stylesheet `/t/assets/explorer.css` and its live-figures script `/t/assets/explorer.js`. Answered before GraphQL; other methods get 405.
 */
export function explorerPlugin(): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (!url.pathname.startsWith('/t/')) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new Response('only GET and HEAD\n', { status: 405, headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' } }));
        return;
      }
      try {
        if (url.pathname === STYLESHEET) {
          endResponse(new Response(EXPLORER_CSS, { headers: { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=300' } }));
          return;
        }
        if (url.pathname === SCRIPT) {
          const { code } = await bundle('explorer');
          endResponse(new Response(code, { headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300' } }));
          return;
        }
        const match = PAGE.exec(url.pathname);
        endResponse(match ? await pageResponse(match[1]!, url) : html(explorerProblemPage('Страница не найдена', 'Такой страницы нет.'), 404));
      } catch (error) {
        logger.error({ err: error, path: url.pathname }, 'the explorer page failed');
        endResponse(html(explorerProblemPage('Страница недоступна', 'Не удалось прочитать данные. Попробуйте позже.'), 503));
      }
    },
  };
}
