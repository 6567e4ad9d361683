import type { Plugin } from 'graphql-yoga';
import { logger } from '../../logger.js';
import { type BudgetFor, type RateDecision, type RateLimits, rateHeaders } from '../edge/rateLimit.js';
import { badgeResponse } from './badges.js';
import { bundle, type Entry } from './bundle.js';
import { type FileName, servedFile } from './files.js';
import { frameResponse } from './frame.js';
import { landingResponse } from './landing.js';
import { cachedResponse, DEFAULT_MAX_AGE } from './responses.js';
import type { EmbedCache } from './serverCache.js';

/** What the embeds need from the process. */
export interface EmbedDeps {
  /** `Cache-Control: max-age` of badges, iframe pages and scripts (seconds; default 300). */
  maxAge?: number;
}

/** What the embeds share with the GraphQL edge: the rate budgets and the server-side cache. */
export interface EmbedEdge {
  rates: RateLimits;
  budgetFor: BudgetFor;
  cache: EmbedCache;
}

/**
 * Cost points an embed that reads figures (a badge, an iframe page) takes from the client's rate
 * budget, cached or not: about what the GraphQL query of the same figures costs.
 */
export const EMBED_COST = 10;

type Route = (request: Request, match: RegExpExecArray, maxAge: number) => Promise<Response>;

const JS = 'text/javascript; charset=utf-8';

/** Scripts may be loaded as modules from any origin (module scripts are fetched with CORS). */
const ANY_ORIGIN = { 'access-control-allow-origin': '*' };

function script(entry: Entry): Route {
  return async (request, _match, maxAge) => cachedResponse(request, (await bundle(entry)).code, JS, { maxAge, headers: ANY_ORIGIN });
}

function file(name: FileName): Route {
  return async (request, _match, maxAge) => {
    const { text, type } = await servedFile(name);
    return cachedResponse(request, text, type, { maxAge, headers: ANY_ORIGIN });
  };
}

/** The answer over the rate budget: 429 with Retry-After. */
function tooManyRequests(decision: RateDecision): Response {
  return new Response(`Rate limit: ${decision.limit} cost points per window (an embed costs ${EMBED_COST}). Try again in ${decision.resetSeconds} s.\n`, {
    status: 429,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'retry-after': String(decision.resetSeconds),
      'cache-control': 'no-store',
      ...rateHeaders(decision),
      ...ANY_ORIGIN,
    },
  });
}

/** A path segment decoded; null when it is not valid percent-encoding. */
function segment(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** Routes whose answers read figures: rate-limited and served through the server-side cache. */
const FIGURES = new Set<Route>();
function figures(route: Route): Route {
  FIGURES.add(route);
  return route;
}

const ROUTES: [RegExp, Route][] = [
  [/^\/$/, (request) => landingResponse(request)],
  [/^\/landing\.js$/, script('landing')],
  [/^\/landing\.css$/, file('landing.css')],
  [/^\/favicon\.(svg|ico)$/, file('favicon.svg')],
  [/^\/embed\/v1\/gospubliki\.js$/, script('widget')],
  [/^\/embed\/v1\/frame\.css$/, file('frame.css')],
  [/^\/embed\/v1\/frame\.js$/, file('frame.js')],
  [
    /^\/embed\/v1\/territories\/([^/]+)\/(subscribers|organisations)\.svg$/,
    figures((request, match, maxAge) => badgeResponse(request, segment(match[1]) ?? '', match[2] as 'subscribers' | 'organisations', maxAge)),
  ],
  [/^\/embed\/v1\/territories\/([^/]+)$/, figures((request, match, maxAge) => frameResponse(request, segment(match[1]) ?? '', maxAge))],
  [/^\/schema\.graphql$/, file('schema')],
  [/^\/docs\/readme$/, file('readme')],
];

/**
 * Every route of the embeds and the landing page, answered before GraphQL: `/`, `/landing.js`,
 * `/embed/v1/gospubliki.js`, the badges `/embed/v1/territories/{code}/subscribers.svg` and
 * `organisations.svg`, the iframe page `/embed/v1/territories/{code}` (with `frame.css`, `frame.js`),
 * `/schema.graphql` and `/docs/readme`. Other paths go on to Yoga.
 */
export function embedPlugin(deps: EmbedDeps = {}, edge?: EmbedEdge): Plugin {
  const maxAge = deps.maxAge ?? DEFAULT_MAX_AGE;
  return {
    async onRequest({ request, url, endResponse, serverContext }) {
      let found: [RegExpExecArray, Route] | undefined;
      for (const [pattern, route] of ROUTES) {
        const match = pattern.exec(url.pathname);
        if (match) {
          found = [match, route];
          break;
        }
      }
      if (!found) return;
      const [match, route] = found;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new Response('only GET and HEAD\n', { status: 405, headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' } }));
        return;
      }
      try {
        if (!edge || !FIGURES.has(route)) return endResponse(await route(request, match, maxAge));
        const budget = await edge.budgetFor(request, serverContext);
        const decision = await edge.rates.consume(budget, EMBED_COST);
        if (decision && !decision.allowed) return endResponse(tooManyRequests(decision));
        const response = await edge.cache.answer(request, (plain) => route(plain, match, maxAge));
        if (decision) for (const [name, value] of Object.entries(rateHeaders(decision))) response.headers.set(name, value);
        endResponse(response);
      } catch (error) {
        logger.error({ err: error, path: url.pathname }, 'an embed route failed');
        endResponse(new Response('unavailable\n', { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } }));
      }
    },
  };
}
