import { GraphQLError } from 'graphql';

/**
 * The one way to build an error the client must fix: a GraphQLError with `extensions.code`
 * `BAD_USER_INPUT` (which Yoga shows as it is, see src/yoga.ts) and a message saying what to
 * change. `argument` names the offending argument or input field (`filter.sectors`, `first`…)
 * in `extensions.argument`; `extensions` adds anything else a client can act on.
 */
export function badUserInput(message: string, argument?: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(argument ? { argument } : {}), ...extensions } });
}
