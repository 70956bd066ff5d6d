import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { GatewayErrorCode } from '../errors.js';

function toIso(value: unknown): string {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw new GraphQLError(`DateTime must be an ISO 8601 string such as 2026-11-26T09:48:48Z (got ${JSON.stringify(value)?.slice(0, 40)})`, {
      extensions: { code: GatewayErrorCode.BAD_USER_INPUT },
    });
  }
  return new Date(value).toISOString();
}

export const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An ISO 8601 date and time in UTC.',
  // Upstream values are ISO strings already; a value that is not passes through as null rather than failing a page.
  serialize: (value) => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : null),
  parseValue: toIso,
  parseLiteral: (ast) => toIso(ast.kind === Kind.STRING ? ast.value : undefined),
});
