import { GraphQLError } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import { createContext, type Context } from './context.js';
import { logger } from './logger.js';
import { requestLogPlugin } from './requestLog.js';
import { schema } from './schema/index.js';

/**
 * Logs the resolver errors the client will only see as a generic message, with the request id
 * (expected errors carry extensions.code and are not logged).
 */
function unexpectedErrorLogPlugin(): Plugin<Context> {
  return {
    onExecute() {
      return {
        onExecuteDone({ args, result }) {
          const errors = 'errors' in result && Array.isArray(result.errors) ? (result.errors as GraphQLError[]) : [];
          for (const error of errors) {
            if (isExpected(error)) continue;
            logger.error({ requestId: args.contextValue.requestId, path: error.path, err: error.originalError ?? error }, 'unexpected error while resolving a request');
          }
        },
      };
    },
  };
}

/** GraphQL's own errors (syntax, validation, variables) and the API's errors with extensions.code. */
function isExpected(error: GraphQLError): boolean {
  const original = error.originalError;
  return !original || original instanceof GraphQLError || Boolean(error.extensions?.code);
}

/** The GraphQL endpoint (tests call `yoga.fetch`; the server mounts it on /graphql). */
export const yoga = createYoga<Record<string, never>, Context>({
  schema,
  context: createContext,
  graphiql: { title: 'Gospubliki', defaultQuery: '{\n  territory(code: "17000000") {\n    name\n    level\n    parent { code name level }\n  }\n}\n' },
  landingPage: false,
  logging: {
    debug: (...args) => logger.debug(args.map(String).join(' ')),
    info: (...args) => logger.info(args.map(String).join(' ')),
    warn: (...args) => logger.warn(args.map(String).join(' ')),
    error: (...args) => logger.error(args.map(String).join(' ')),
  },
  maskedErrors: {
    // Expected errors reach the client as they are; anything else becomes a generic message
    // (already logged with the request id by unexpectedErrorLogPlugin).
    maskError(error, message) {
      if (error instanceof GraphQLError && isExpected(error)) return error;
      const located = error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {};
      return new GraphQLError(message, { ...located, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    },
  },
  plugins: [requestLogPlugin(), unexpectedErrorLogPlugin()],
});
