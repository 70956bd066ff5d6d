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

/**
 * Canonical forms of the instants answered lately. A dashboard page serializes a hundred, the same hundred on every
 * request, and parsing one costs a microsecond. Only strings of an instant's length are kept, and the cache starts
 * over when full: it never holds more than about a megabyte, whatever upstream sends.
 */
const canonical = new Map<string, string | null>();
const CANONICAL_MAX = 10_000;
const INSTANT_MAX_LENGTH = 40;

export const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An ISO 8601 date and time in UTC.',
  // Upstream values are ISO strings already; a value that is not passes through as null rather than failing a page.
  serialize: (value) => {
    if (typeof value !== 'string') return null;
    let iso = canonical.get(value);
    if (iso === undefined) {
      const ms = Date.parse(value);
      iso = Number.isNaN(ms) ? null : new Date(ms).toISOString();
      if (value.length <= INSTANT_MAX_LENGTH) {
        if (canonical.size >= CANONICAL_MAX) canonical.clear();
        canonical.set(value, iso);
      }
    }
    return iso;
  },
  parseValue: toIso,
  parseLiteral: (ast) => toIso(ast.kind === Kind.STRING ? ast.value : undefined),
});
