/**
 * Why a request's credential was refused. The reason goes to the caller (extensions.reason) and to the log; the
 * credential itself goes nowhere.
 */
export type CredentialFailure =
  | 'missing'
  | 'unsupported-scheme'
  | 'malformed'
  | 'unknown-key'
  | 'signature'
  | 'algorithm'
  | 'unknown-signing-key'
  | 'expired'
  | 'not-yet-valid'
  | 'audience'
  | 'issuer'
  | 'not-an-access-token';

/**
 * The request carries no credential, or one the gateway does not accept (→ HTTP 401). The message is written for
 * the caller and never quotes the credential, a claim value or a key.
 */
export class CredentialError extends Error {
  override name = 'CredentialError';
  constructor(
    readonly reason: CredentialFailure,
    message: string,
    /** The scheme that was tried, for the WWW-Authenticate challenge (RFC 6750 wants error="invalid_token" for a refused bearer token). */
    readonly scheme: 'bearer' | 'apiKey' | null = null,
    /** For the log only (a revoked key's name): the caller is told no more than the message. */
    readonly logFields: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * Entra ID's signing keys (or its OpenID metadata) could not be fetched (→ HTTP 503). The token may well be good:
 * answering 401 would tell a caller to throw away a valid token over our outage.
 */
export class SigningKeysUnavailableError extends Error {
  override name = 'SigningKeysUnavailableError';
}
