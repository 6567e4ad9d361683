import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { type DocumentNode, GraphQLError, type GraphQLSchema, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { EdgeConfig } from './config.js';
import { operationCost, tooComplex } from './cost.js';
import { metrics } from './metrics.js';
import { type BudgetFor, type RateDecision, type RateLimits, rateHeaders } from './rateLimit.js';

/**
 * Limits checked before anything runs: graphql-armor's depth, aliases, tokens and directives
 * (at parse and validation; their refusals are turned into `QUERY_TOO_COMPLEX` with the limit),
 * then, with the request's variables, the cost of the operation that is about to execute
 * (cost.ts) and the client's budget of cost points (rateLimit.ts). A refusal answers without
 * executing anything; every executed answer carries `extensions.cost` (the cost and the limit).
 */
export function armorPlugins(config: EdgeConfig): Plugin[] {
  const refusal = (limit: string, n: number) => (context: ValidationContext | null, error: GraphQLError) => {
    metrics.limitRefusals.inc({ limit });
    const refused = tooComplex(error.message.replace(/^Syntax Error: /, ''), { limit: n, rule: limit });
    if (!context) throw refused; // the token limit runs in the parser: throwing stops the parse
    context.reportError(refused);
  };
  return [
    maxTokensPlugin({ n: config.maxTokens, propagateOnRejection: false, onReject: [refusal('tokens', config.maxTokens)] }),
    maxDepthPlugin({ n: config.maxDepth, flattenFragments: true, propagateOnRejection: false, onReject: [refusal('depth', config.maxDepth)] }),
    maxAliasesPlugin({ n: config.maxAliases, propagateOnRejection: false, onReject: [refusal('aliases', config.maxAliases)] }),
    maxDirectivesPlugin({ n: config.maxDirectives, propagateOnRejection: false, onReject: [refusal('directives', config.maxDirectives)] }),
  ] as Plugin[];
}

const decisions = new WeakMap<Request, RateDecision>();

type Refuse = (result: { errors: GraphQLError[] }) => void;

export function costPlugin(config: EdgeConfig, rates: RateLimits, budgetFor: BudgetFor): Plugin<{ request: Request }> {
  const guard = (args: GuardedOperation, refuse: Refuse) => guardOperation(config, rates, budgetFor, args, refuse);
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const cost = await guard(args, setResultAndStopExecution);
      if (cost === undefined) return;
      return {
        onExecuteDone({ result, setResult }) {
          if (!('data' in result) && !('errors' in result)) return; // a stream: no cost extension
          const single = result as { extensions?: Record<string, unknown> };
          setResult({ ...result, extensions: { ...single.extensions, cost: { requested: cost, limit: config.maxCost } } } as typeof result);
        },
      };
    },
    // A subscription (SSE or WebSocket) is costed and charged like a query, once, when it opens.
    async onSubscribe({ args, setResultAndStopExecution }) {
      await guard(args, setResultAndStopExecution);
    },
    onResponse({ request, response }) {
      const decision = decisions.get(request);
      if (!decision) return;
      for (const [name, value] of Object.entries(rateHeaders(decision))) {
        if (!response.headers.has(name)) response.headers.set(name, value);
      }
    },
  };
}

/** What the guard reads of an operation about to execute or subscribe. */
interface GuardedOperation {
  schema: GraphQLSchema;
  document: DocumentNode;
  variableValues?: Record<string, unknown> | null;
  operationName?: string | null;
  contextValue: unknown;
}

/** The operation's cost when it may run; undefined when it was refused (through `refuse`). */
async function guardOperation(
  config: EdgeConfig,
  rates: RateLimits,
  budgetFor: BudgetFor,
  args: GuardedOperation,
  refuse: Refuse,
): Promise<number | undefined> {
  const context = args.contextValue as unknown as { request: Request } & Record<string, unknown>;
  let cost: number;
  try {
    cost = operationCost(args.schema, args.document, args.variableValues ?? undefined, args.operationName, context);
  } catch (error) {
    // An argument the cost could not be read from is an invalid request: refuse it as such.
    const message = error instanceof Error ? error.message : String(error);
    refuse({ errors: [new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } })] });
    return undefined;
  }
  if (config.maxCost > 0 && cost > config.maxCost) {
    metrics.limitRefusals.inc({ limit: 'cost' });
    refuse({
      errors: [
        tooComplex(
          `The query's cost is ${cost}, above the limit of ${config.maxCost}: ask for smaller pages (first/last), fewer nested lists or shorter histories.`,
          {
            cost,
            limit: config.maxCost,
          },
        ),
      ],
    });
    return undefined;
  }
  const budget = await budgetFor(context.request, context);
  const decision = await rates.consume(budget, cost);
  if (decision) decisions.set(context.request, decision);
  if (decision && !decision.allowed) {
    metrics.rateRefusals.inc({ client: budget.anonymous ? 'anonymous' : 'key' });
    refuse({
      errors: [
        new GraphQLError(`Rate limit: ${decision.limit} cost points per window; this query costs ${cost}. Try again in ${decision.resetSeconds} s.`, {
          extensions: {
            code: 'RATE_LIMITED',
            cost,
            limit: decision.limit,
            retryAfter: decision.resetSeconds,
            http: { status: 429, headers: { 'Retry-After': String(decision.resetSeconds), ...rateHeaders(decision) } },
          },
        }),
      ],
    });
    return undefined;
  }
  return cost;
}
