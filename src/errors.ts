import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { AuthError, NetworkError, NotFoundError, SourceError, ThrottledError, UpstreamDataError } from './sources/errors.js';

/** Every code a client of the gateway can see. One place, so dashboards and scripts can switch on them. */
export enum GatewayErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  NOT_READY = 'NOT_READY',
  UPSTREAM_UNAVAILABLE = 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_THROTTLED = 'UPSTREAM_THROTTLED',
  UPSTREAM_AUTH_FAILED = 'UPSTREAM_AUTH_FAILED',
  UPSTREAM_BAD_DATA = 'UPSTREAM_BAD_DATA',
  LIMIT_EXCEEDED = 'LIMIT_EXCEEDED',
  SYNC_IN_PROGRESS = 'SYNC_IN_PROGRESS',
  PLAN_OUTDATED = 'PLAN_OUTDATED',
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

function fromSource(err: SourceError): { code: GatewayErrorCode; message: string; extensions: Record<string, unknown> } {
  const extensions = { source: err.source };
  if (err instanceof ThrottledError) return { code: GatewayErrorCode.UPSTREAM_THROTTLED, message: `${err.source} is throttling the gateway; try again shortly`, extensions };
  if (err instanceof AuthError) return { code: GatewayErrorCode.UPSTREAM_AUTH_FAILED, message: `${err.source} refused the gateway's credentials (${err.code ?? err.status})`, extensions };
  if (err instanceof NotFoundError) return { code: GatewayErrorCode.NOT_FOUND, message: `${err.source} has no such record`, extensions };
  if (err instanceof UpstreamDataError) return { code: GatewayErrorCode.UPSTREAM_BAD_DATA, message: `${err.source} answered with data the gateway cannot use`, extensions };
  if (err instanceof NetworkError) return { code: GatewayErrorCode.UPSTREAM_UNAVAILABLE, message: `${err.source} could not be reached`, extensions };
  return { code: GatewayErrorCode.UPSTREAM_UNAVAILABLE, message: `${err.source} failed to answer`, extensions };
}

/**
 * Apollo's formatError: deliberate errors and upstream failures keep a clear message and a code; GraphQL's own
 * validation errors pass; everything else is masked, so no stack, path or upstream text reaches a client.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { locations: formatted.locations, path: formatted.path };
  if (original instanceof GatewayError) {
    return { ...base, message: original.message, extensions: { ...original.extensions, code: original.code } };
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
