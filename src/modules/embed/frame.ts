import { logger } from '../../logger.js';
import { themeOf } from './attributes.js';
import { asFiguresData, findTerritory, isBadUserInput, loadFigures } from './figures.js';
import { langOf } from './format.js';
import { FRAME_CSP, frameMessagePage, framePage } from './framePage.js';
import { embedQuery } from './query.js';
import { cachedResponse } from './responses.js';
import { figuresView } from './view.js';
import { WORDS } from './words.js';

const HTML = 'text/html; charset=utf-8';

/**
 * `GET /embed/v1/territories/{code}`: the iframe page, under a strict CSP, cached like the badges;
 * 404 for an unknown code, 400 for a malformed code or an unknown platform or sector.
 */
export async function frameResponse(request: Request, rawCode: string, maxAge: number): Promise<Response> {
  const params = new URL(request.url).searchParams;
  const lang = langOf(params.get('lang'));
  const theme = themeOf(params.get('theme'));
  const headers = { 'content-security-policy': FRAME_CSP, 'referrer-policy': 'no-referrer' };
  const message = (status: number, text: string) => cachedResponse(request, frameMessagePage(text, lang, theme), HTML, { status, maxAge, headers });
  try {
    const query = embedQuery(rawCode, params);
    const territory = await findTerritory(query.code);
    if (!territory) return message(404, WORDS[lang].unknown(query.code));
    const figures = await loadFigures(territory, query);
    return cachedResponse(request, framePage(figuresView(asFiguresData(figures), lang), lang, theme), HTML, { maxAge, headers });
  } catch (caught) {
    if (isBadUserInput(caught)) return message(400, `${WORDS[lang].badInput} ${caught.message}`);
    logger.error({ err: caught, path: new URL(request.url).pathname }, 'an embed page failed');
    return cachedResponse(request, frameMessagePage(WORDS[lang].failed, lang, theme), HTML, { status: 503, maxAge: 0, headers });
  }
}
