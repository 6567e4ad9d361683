import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import { createContext, type Context } from './context.js';
import { logger } from './logger.js';
import { schema } from './schema/index.js';

/** Every response carries the request id it was logged under (taken from `x-request-id` when sent). */
function requestIdPlugin(): Plugin {
  const ids = new WeakMap<Request, string>();
  return {
    onRequest({ request }) {
      ids.set(request, request.headers.get('x-request-id') ?? randomUUID());
    },
    onResponse({ request, response }) {
      const id = ids.get(request);
      if (id) response.headers.set('x-request-id', id);
    },
  };
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
    maskError(error, message) {
      // GraphQL's own errors (syntax, validation, variable coercion) and the API's expected errors
      // (a GraphQLError with extensions.code) reach the client as they are; anything else is
      // logged with the request id and shown as a generic message.
      if (error instanceof GraphQLError) {
        const original = error.originalError;
        if (!original || original instanceof GraphQLError || error.extensions?.code) return error;
        logger.error({ err: original, path: error.path }, 'unexpected error while resolving a request');
        return new GraphQLError(message, { nodes: error.nodes, path: error.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      }
      logger.error({ err: error }, 'unexpected error while handling a request');
      return new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    },
  },
  plugins: [requestIdPlugin()],
});
