import type { BudgetFor } from '../edge/rateLimit.js';
import type { LiveFigures } from './hub.js';
import type { StreamCounter } from './limits.js';

/** What a `figuresChanged` subscription needs from the API serving it. */
export interface Live {
  figures: LiveFigures;
  streams: StreamCounter;
  /** Who a request is (its client address or key), as the rate limiter counts them. */
  budgetFor: BudgetFor;
}

const byRequest = new WeakMap<Request, Live>();

/** Binds a request (HTTP, or a WebSocket's subscription) to the live figures of its API. */
export function bindLive(request: Request, live: Live): void {
  byRequest.set(request, live);
}

/** The live figures a request was bound to; undefined when it was not (a schema used without the API). */
export function liveOf(request: Request): Live | undefined {
  return byRequest.get(request);
}
