import { logger } from '../../logger.js';
import { findTerritory, loadStats } from './figures.js';
import { LANDING_CSP, type LandingData, landingPage } from './landingPage.js';

/** The territory the landing page's previews show first (Vladimir region), or the federation without it. */
const PREVIEW_CODE = '17000000';

/** `GET /`: the landing page with the federation's live figures (not cached: they are live). */
export async function landingResponse(request: Request): Promise<Response> {
  const origin = new URL(request.url).origin;
  let data: LandingData = { origin, federation: null, preview: { code: PREVIEW_CODE, name: 'Владимирская область' } };
  try {
    const [federation, region] = await Promise.all([findTerritory('RU'), findTerritory(PREVIEW_CODE)]);
    const preview = region ?? federation;
    data = {
      origin,
      federation: federation ? { name: federation.name, stats: await loadStats(federation, { platforms: null, sectors: null }) } : null,
      preview: preview ? { code: preview.code, name: preview.name } : data.preview,
    };
  } catch (error) {
    logger.error({ err: error }, 'the landing page could not read the figures');
  }
  return new Response(landingPage(data), {
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': LANDING_CSP,
      'cache-control': 'no-cache',
      'referrer-policy': 'no-referrer',
    },
  });
}
