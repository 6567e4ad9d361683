import type { Plugin } from 'graphql-yoga';
import type { BudgetFor } from '../edge/rateLimit.js';
import { LiveFigures } from './hub.js';
import { StreamCounter, type StreamLimits } from './limits.js';
import { bindLive, type Live } from './service.js';

/** The live figures of one API: its hub, its stream counter and the budget policy naming clients. */
export function createLive(limits: StreamLimits, budgetFor: BudgetFor): Live {
  return { figures: new LiveFigures(), streams: new StreamCounter(limits), budgetFor };
}

/** Binds every HTTP request to the API's live figures, for `figuresChanged` over SSE. */
export function livePlugin(live: Live): Plugin {
  return {
    onRequest({ request }) {
      bindLive(request, live);
    },
  };
}
