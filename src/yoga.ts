import { randomUUID } from 'node:crypto';
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
      const original = (error as { originalError?: unknown }).originalError;
      // Expected errors carry extensions.code and are shown as they are.
      if ((error as { extensions?: { code?: string } }).extensions?.code) return error as Error;
      logger.error({ err: original ?? error }, 'unexpected error while resolving a request');
      return new Error(message);
    },
  },
  plugins: [requestIdPlugin()],
});
