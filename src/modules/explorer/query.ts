import { badUserInput } from '../common/errors.js';

/**
 * The query string of the explorer page `/t/{code}`: how its children are ranked (`sort`, `dir`)
 * and which platforms compliance requires (`required`, comma-separated codes).
 */

/** The orders the children table offers, by their names in the URL, with the TerritoryOrder field each one is. */
export const SORTS = { name: 'NAME', subscribers: 'SUBSCRIBERS', coverage: 'COVERAGE', compliance: 'COMPLIANCE', growth: 'GROWTH' } as const;
export type Sort = keyof typeof SORTS;

/** Compliance's required platforms unless the URL says otherwise: the two platforms every state body is asked to run (VK and OK). */
export const DEFAULT_REQUIRED = ['VK', 'OK'] as const;

/** By default the laggards come first: by compliance, ascending. */
export const DEFAULT_SORT: Sort = 'compliance';

export interface ExplorerQuery {
  sort: Sort;
  direction: 'ASC' | 'DESC';
  required: string[];
}

/** The page's parameters (defaults where absent); BAD_USER_INPUT for an unknown sort or direction. */
export function explorerQuery(search: URLSearchParams): ExplorerQuery {
  const sort = search.get('sort') ?? DEFAULT_SORT;
  if (!Object.hasOwn(SORTS, sort)) throw badUserInput(`sort: one of ${Object.keys(SORTS).join(', ')}`, 'sort');
  const dir = (search.get('dir') ?? 'asc').toLowerCase();
  if (dir !== 'asc' && dir !== 'desc') throw badUserInput('dir: asc or desc', 'dir');
  const given = search.getAll('required');
  const required = (given.length ? given.join(',') : DEFAULT_REQUIRED.join(','))
    .split(',')
    .map((code) => code.trim().toUpperCase())
    .filter(Boolean);
  return { sort: sort as Sort, direction: dir === 'asc' ? 'ASC' : 'DESC', required: required.length ? required : [...DEFAULT_REQUIRED] };
}

/** The URL of the page with other parameters (those at their defaults left out). */
export function explorerHref(code: string, query: ExplorerQuery): string {
  const params = new URLSearchParams();
  if (query.sort !== DEFAULT_SORT) params.set('sort', query.sort);
  if (query.direction !== 'ASC') params.set('dir', 'desc');
  if (query.required.join(',') !== DEFAULT_REQUIRED.join(',')) params.set('required', query.required.join(','));
  const search = params.toString();
  return `/t/${encodeURIComponent(code)}${search ? `?${search.replaceAll('%2C', ',')}` : ''}`;
}
