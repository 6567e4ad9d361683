import { GraphQLError, GraphQLScalarType, type ValueNode } from 'graphql';
import { LocalDateResolver } from 'graphql-scalars';

/** The days the API accepts: wide enough for any figure, narrow enough for date arithmetic. */
export const EARLIEST_DATE = '1900-01-01';
export const LATEST_DATE = '2999-12-31';

function inRange(value: string): string {
  if (value < EARLIEST_DATE || value > LATEST_DATE) {
    throw new GraphQLError(`Date ${value} is out of range: use a day between ${EARLIEST_DATE} and ${LATEST_DATE}.`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return value;
}

/** graphql-scalars' LocalDate (`YYYY-MM-DD`, a real calendar day), limited to 1900–2999. */
export const DateScalar = new GraphQLScalarType({
  ...LocalDateResolver.toConfig(),
  name: 'Date',
  parseValue: (value: unknown) => inRange(LocalDateResolver.parseValue(value) as string),
  parseLiteral: (ast: ValueNode, variables?: Record<string, unknown> | null) => inRange(LocalDateResolver.parseLiteral(ast, variables) as string),
});
