import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import ipaddr from 'ipaddr.js';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { EdgeConfig } from './config.js';
import { warnRedisDown } from './redis.js';

/** Who pays for a request, and how many cost points per window they have. */
export interface Budget {
  /** The counter's key: `key:<sha256 of the Authorization header>` or `ip:<address>`. */
  id: string;
  points: number;
  /** True for an anonymous client (counted by address). */
  anonymous: boolean;
}

/** The socket address of a Node request, when the server context has one (node:http gives `req`). */
export function socketAddress(serverContext: unknown): string | undefined {
  const req = (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req;
  return req?.socket?.remoteAddress;
}

function normalise(address: string): string {
  const trimmed = address.trim();
  return trimmed.startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice(7) : trimmed;
}

/**
 * The client's address: the socket's, unless it is a trusted proxy; then the right-most address
 * of `X-Forwarded-For` that is not a trusted proxy (what a proxy appended is believed, what the
 * client wrote to the left of it is not).
 */
export function clientAddress(request: Request, socket: string | undefined, trusted: readonly string[]): string {
  const trust = new Set(trusted.map(normalise));
  let address = normalise(socket ?? 'unknown');
  if (!trust.has(address)) return address;
  const forwarded = (request.headers.get('x-forwarded-for') ?? '').split(',').map(normalise).filter(Boolean);
  for (let index = forwarded.length - 1; index >= 0; index--) {
    address = forwarded[index];
    if (!trust.has(address)) return address;
  }
  return address;
}

/**
 * The group a client address is counted in: an IPv4 address alone, an IPv6 address by its /64
 * (one subscriber's network: a client holds a whole /64 and may use any of its addresses).
 */
export function addressGroup(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address); // an IPv4-mapped IPv6 address is its IPv4 address
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${ipaddr.fromByteArray([...parts.flatMap((part) => [part >> 8, part & 0xff]), ...new Array(8).fill(0)]).toString()}/64`;
}

/** The counter key of an anonymous client: `ip:` and its address group. */
export function addressBudgetId(request: Request, serverContext: unknown, trusted: readonly string[]): string {
  return `ip:${addressGroup(clientAddress(request, socketAddress(serverContext), trusted))}`;
}

/** Chooses the budget of a request (swap it for one that knows API keys and their own budgets). */
export type BudgetFor = (request: Request, serverContext: unknown) => Budget | Promise<Budget>;

/**
 * The default: a request with `Authorization: Bearer …` is a key, identified for now by a hash
 * of the header, with `RATE_LIMIT_KEY_POINTS`; any other is its client address with `RATE_LIMIT_POINTS`.
 */
export function defaultBudgetFor(config: EdgeConfig): BudgetFor {
  return (request, serverContext) => {
    const authorization = request.headers.get('authorization');
    if (authorization && /^bearer\s+\S/i.test(authorization)) {
      return { id: `key:${createHash('sha256').update(authorization).digest('hex')}`, points: config.keyRatePoints, anonymous: false };
    }
    return { id: addressBudgetId(request, serverContext, config.trustProxy), points: config.ratePoints, anonymous: true };
  };
}

/** What the counter said: allowed or not, and the RateLimit-* figures. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetSeconds: number;
}

/**
 * Cost points per window and budget, counted in Redis when there is one (with an in-memory
 * stand-in while Redis does not answer), in memory otherwise. A budget of 0 is unlimited.
 */
export class RateLimits {
  private readonly limiters = new Map<number, RateLimiterMemory | RateLimiterRedis>();

  constructor(
    private readonly windowSeconds: number,
    private readonly redis: Redis | undefined,
    private readonly prefix = 'gospubliki:',
  ) {}

  private limiter(points: number): RateLimiterMemory | RateLimiterRedis {
    let limiter = this.limiters.get(points);
    if (!limiter) {
      const options = { points, duration: this.windowSeconds, keyPrefix: `${this.prefix}rate:${points}` };
      limiter = this.redis
        ? new RateLimiterRedis({ ...options, storeClient: this.redis, insuranceLimiter: new RateLimiterMemory(options) })
        : new RateLimiterMemory(options);
      this.limiters.set(points, limiter);
    }
    return limiter;
  }

  /** The budget's state without spending from it: refused when it is spent already (undefined: unlimited or unknown). */
  async peek(budget: Budget): Promise<RateDecision | undefined> {
    if (budget.points <= 0) return undefined;
    try {
      const result = await this.limiter(budget.points).get(budget.id);
      if (!result) return { allowed: true, limit: budget.points, remaining: budget.points, resetSeconds: this.windowSeconds };
      const remaining = Math.max(0, budget.points - result.consumedPoints);
      return { allowed: remaining > 0, limit: budget.points, remaining, resetSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)) };
    } catch (error) {
      warnRedisDown(error, 'rate counter unavailable; requests allowed meanwhile');
      return undefined;
    }
  }

  async consume(budget: Budget, cost: number): Promise<RateDecision | undefined> {
    if (budget.points <= 0) return undefined;
    const spend = Math.max(1, Math.ceil(cost));
    try {
      const result = await this.limiter(budget.points).consume(budget.id, spend);
      return { allowed: true, limit: budget.points, remaining: result.remainingPoints, resetSeconds: Math.ceil(result.msBeforeNext / 1000) };
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        return {
          allowed: false,
          limit: budget.points,
          remaining: Math.max(0, error.remainingPoints),
          resetSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)),
        };
      }
      // The store failed (not a refusal): let the request through rather than fail it.
      warnRedisDown(error, 'rate counter unavailable; requests allowed meanwhile');
      return undefined;
    }
  }
}

/** The RateLimit-* headers (IETF draft) of a decision. */
export function rateHeaders(decision: RateDecision): Record<string, string> {
  return {
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(decision.remaining),
    'RateLimit-Reset': String(decision.resetSeconds),
  };
}
