import { GraphQLError } from 'graphql';
import type { Budget } from '../edge/rateLimit.js';

/** How many live streams one client may hold open at once. */
export interface StreamLimits {
  /** Per client address (anonymous streams). */
  perAddress: number;
  /** Per API key (streams of a request with a checked key). */
  perKey: number;
}

/**
 * Counts the open live streams of each client (an address, or a key: the rate limiter's budget
 * id, so trusted proxies are honoured the same way) and refuses one more above its limit.
 */
export class StreamCounter {
  private readonly open = new Map<string, number>();

  constructor(private readonly limits: StreamLimits) {}

  /** Takes a stream for the client; returns its release, or throws TOO_MANY_STREAMS (nothing opened). */
  acquire(budget: Pick<Budget, 'id' | 'anonymous'>): () => void {
    const limit = budget.anonymous ? this.limits.perAddress : this.limits.perKey;
    const count = this.open.get(budget.id) ?? 0;
    if (count >= limit) {
      throw new GraphQLError(
        `Too many live streams: ${limit} may be open at once ${budget.anonymous ? 'from one client address' : 'per API key'}; close one (or share one stream per territory and filter) first.`,
        { extensions: { code: 'TOO_MANY_STREAMS', limit, http: { status: 429 } } },
      );
    }
    this.open.set(budget.id, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(budget.id) ?? 1) - 1;
      if (left > 0) this.open.set(budget.id, left);
      else this.open.delete(budget.id);
    };
  }

  /** Streams open for a client. */
  count(id: string): number {
    return this.open.get(id) ?? 0;
  }
}
