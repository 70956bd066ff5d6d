import { GraphQLError, type ASTNode, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { CredentialError, SigningKeysUnavailableError } from './auth/errors.js';
import { AuthError, NetworkError, NotFoundError, SourceError, ThrottledError, UpstreamDataError } from './sources/errors.js';
import { StoreInputError } from './store/errors.js';

/** Every code a client of the gateway can see. One place, so dashboards and scripts can switch on them. */
export enum GatewayErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  NOT_READY = 'NOT_READY',
  UPSTREAM_UNAVAILABLE = 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_THROTTLED = 'UPSTREAM_THROTTLED',
  UPSTREAM_AUTH_FAILED = 'UPSTREAM_AUTH_FAILED',
  UPSTREAM_BAD_DATA = 'UPSTREAM_BAD_DATA',
  /** A query over a limit (depth, aliases, fields, upstream cost, live IoT reads): refused before it runs, HTTP 400. */
  LIMIT_EXCEEDED = 'LIMIT_EXCEEDED',
  /** A request body over MAX_BODY_BYTES (HTTP 413). */
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  SYNC_IN_PROGRESS = 'SYNC_IN_PROGRESS',
  PLAN_OUTDATED = 'PLAN_OUTDATED',
  /** No credential, or one the gateway refuses (HTTP 401). */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** A credential without the role the operation or field needs (HTTP 403, or a field error). */
  FORBIDDEN = 'FORBIDDEN',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/** A deliberate error whose message is written for the caller. */
export class GatewayError extends Error {
  override name = 'GatewayError';
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const badInput = (message: string, extensions: Record<string, unknown> = {}): GatewayError => new GatewayError(GatewayErrorCode.BAD_USER_INPUT, message, extensions);

export const forbidden = (message: string, extensions: Record<string, unknown> = {}): GatewayError => new GatewayError(GatewayErrorCode.FORBIDDEN, message, extensions);

/** A request the gateway answers before GraphQL sees it: status, headers and a GraphQL-shaped body. */
export interface HttpRefusal {
  status: number;
  headers: Record<string, string>;
  body: { errors: Array<{ message: string; extensions: Record<string, unknown> & { code: GatewayErrorCode } }> };
}

const REALM = 'entra-iot-gateway';

/**
 * Authentication failures as HTTP answers: 401 with a Bearer challenge (RFC 6750: `error="invalid_token"` when a
 * bearer token was refused, no error when none was sent) for a missing or refused credential; 503 when Entra ID's
 * signing keys cannot be fetched. Null for anything else, which is a fault of ours.
 */
export function authRefusal(err: unknown): HttpRefusal | null {
  if (err instanceof CredentialError) {
    const challenge = err.scheme === 'bearer' ? `Bearer realm="${REALM}", error="invalid_token"` : `Bearer realm="${REALM}"`;
    return {
      status: 401,
      headers: { 'www-authenticate': challenge },
      body: { errors: [{ message: err.message, extensions: { code: GatewayErrorCode.UNAUTHENTICATED, reason: err.reason } }] },
    };
  }
  if (err instanceof SigningKeysUnavailableError) {
    return {
      status: 503,
      headers: { 'retry-after': '5' },
      body: { errors: [{ message: 'Entra ID signing keys could not be fetched to check the token; try again shortly', extensions: { code: GatewayErrorCode.UPSTREAM_UNAVAILABLE, source: 'entra' } }] },
    };
  }
  return null;
}

/**
 * A GatewayError raised before execution (an operation the caller's role does not allow), carrying the HTTP status
 * Apollo should answer with; formatError unwraps it back to the GatewayError's message and code.
 */
export function beforeExecution(err: GatewayError, status: number, nodes?: ASTNode | readonly ASTNode[]): GraphQLError {
  return new GraphQLError(err.message, { nodes, originalError: err, extensions: { code: err.code, http: { status } } });
}

function fromSource(err: SourceError): { code: GatewayErrorCode; message: string; extensions: Record<string, unknown> } {
  const extensions = { source: err.source };
  if (err instanceof ThrottledError) return { code: GatewayErrorCode.UPSTREAM_THROTTLED, message: `${err.source} is throttling the gateway; try again shortly`, extensions };
  if (err instanceof AuthError) return { code: GatewayErrorCode.UPSTREAM_AUTH_FAILED, message: `${err.source} refused the gateway's credentials (${err.code ?? err.status})`, extensions };
  if (err instanceof NotFoundError) return { code: GatewayErrorCode.NOT_FOUND, message: `${err.source} has no such record`, extensions };
  if (err instanceof UpstreamDataError) return { code: GatewayErrorCode.UPSTREAM_BAD_DATA, message: `${err.source} answered with data the gateway cannot use`, extensions };
  if (err instanceof NetworkError) return { code: GatewayErrorCode.UPSTREAM_UNAVAILABLE, message: `${err.source} could not be reached`, extensions };
  return { code: GatewayErrorCode.UPSTREAM_UNAVAILABLE, message: `${err.source} failed to answer`, extensions };
}

/** A resolver's error arrives wrapped with a path; a GatewayError thrown before execution (a query limit) without one. */
function originalOf(error: unknown): unknown {
  const original = unwrapResolverError(error);
  return original instanceof GraphQLError && original.originalError instanceof GatewayError ? original.originalError : original;
}

/**
 * Apollo's formatError: deliberate errors and upstream failures keep a clear message and a code; GraphQL's own
 * validation errors pass; everything else is masked, so no stack, path or upstream text reaches a client.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = originalOf(error);
  const base = { locations: formatted.locations, path: formatted.path };
  if (original instanceof GatewayError) {
    return { ...base, message: original.message, extensions: { ...original.extensions, code: original.code } };
  }
  // The store names the argument it refused (a cursor, a filter value): the caller's to fix.
  if (original instanceof StoreInputError) {
    return { ...base, message: original.message, extensions: { code: GatewayErrorCode.BAD_USER_INPUT } };
  }
  if (original instanceof SourceError) {
    const { code, message, extensions } = fromSource(original);
    return { ...base, message, extensions: { ...extensions, code } };
  }
  const code = formatted.extensions?.code;
  if (original instanceof GraphQLError || (typeof code === 'string' && code !== GatewayErrorCode.INTERNAL_SERVER_ERROR)) {
    return { ...base, message: formatted.message, extensions: { code: code ?? GatewayErrorCode.INTERNAL_SERVER_ERROR } };
  }
  return { ...base, message: 'Unexpected error', extensions: { code: GatewayErrorCode.INTERNAL_SERVER_ERROR } };
}
