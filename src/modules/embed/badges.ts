import { logger } from '../../logger.js';
import type { Stats } from '../figures/fold.js';
import { BADGE_COLORS, type Badge, renderBadge } from './badge.js';
import { findTerritory, isBadUserInput, loadStats } from './figures.js';
import { formatCompact, formatNumber, formatShare, type Lang, langOf } from './format.js';
import { embedQuery } from './query.js';
import { cachedResponse } from './responses.js';

/** The two badges of a territory: its subscribers, and its coverage (organisations with pages of all). */
export type BadgeKind = 'subscribers' | 'organisations';

const DEFAULT_LABELS: Record<BadgeKind, Record<Lang, string>> = {
  subscribers: { ru: 'подписчики', en: 'subscribers' },
  organisations: { ru: 'организации на площадках', en: 'organisations with pages' },
};

/** Longest `label` a badge takes (characters). */
const MAX_LABEL = 60;

const SVG = 'image/svg+xml; charset=utf-8';

/** What a badge of `kind` says about a territory's stats. */
export function figureBadge(kind: BadgeKind, stats: Stats, label: string, lang: Lang, name: string): Badge {
  if (kind === 'subscribers') {
    return {
      label,
      message: formatCompact(stats.subscribers, lang),
      color: BADGE_COLORS.figure,
      title: `${name}: ${label} ${formatNumber(stats.subscribers, lang)}`,
    };
  }
  const share = stats.organisations ? formatShare(stats.organisationsWithPages / stats.organisations, lang) : '—';
  const counts = `${formatNumber(stats.organisationsWithPages, lang)} / ${formatNumber(stats.organisations, lang)}`;
  return { label, message: `${counts} (${share})`, color: BADGE_COLORS.figure, title: `${name}: ${label} ${counts} (${share})` };
}

/**
 * `GET /embed/v1/territories/{code}/{kind}.svg`: the badge, cached (`max-age`, ETag, 304); a
 * malformed code, an unknown platform or sector or too long a label is a 400 badge, an unknown
 * code a 404 badge, a failure a 503 badge.
 */
export async function badgeResponse(request: Request, rawCode: string, kind: BadgeKind, maxAge: number): Promise<Response> {
  const params = new URL(request.url).searchParams;
  const lang = langOf(params.get('lang'));
  const label = params.get('label')?.trim() || DEFAULT_LABELS[kind][lang];
  const error = (status: number, message: string) =>
    cachedResponse(request, renderBadge({ label: 'госпаблики', message, color: BADGE_COLORS.error }), SVG, { status, maxAge, headers: CORS });
  if (label.length > MAX_LABEL) return error(400, `label > ${MAX_LABEL}`);
  try {
    const query = embedQuery(rawCode, params);
    const territory = await findTerritory(query.code);
    if (!territory) return error(404, lang === 'en' ? 'unknown territory' : 'нет такой территории');
    const stats = await loadStats(territory, query);
    return cachedResponse(request, renderBadge(figureBadge(kind, stats, label, lang, territory.name)), SVG, { maxAge, headers: CORS });
  } catch (caught) {
    if (isBadUserInput(caught)) return error(400, lang === 'en' ? 'bad request' : 'неверный запрос');
    logger.error({ err: caught, path: new URL(request.url).pathname }, 'an embed badge failed');
    return cachedResponse(
      request,
      renderBadge({ label: 'госпаблики', message: lang === 'en' ? 'unavailable' : 'недоступно', color: BADGE_COLORS.error }),
      SVG,
      {
        status: 503,
        maxAge: 0,
        headers: CORS,
      },
    );
  }
}

/** Badges are images any page may show, and read with `fetch` from any origin. */
const CORS = { 'access-control-allow-origin': '*' };
