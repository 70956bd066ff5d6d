import type { IncomingHttpHeaders } from 'node:http';
import { CredentialError } from './errors.js';

export type Credential = { kind: 'bearer'; token: string } | { kind: 'apiKey'; key: string };

const NONE_SENT =
  'this request carries no credential: send an Entra ID access token (Authorization: Bearer <token>) or an API key (x-api-key: <key>, or Authorization: ApiKey <key>)';

/**
 * The one credential a request carries. `Authorization` wins over `x-api-key`, so a token typed into the
 * playground's headers is used rather than the demo key the page adds to every request; a refused Authorization
 * never falls back to the other header.
 */
export function readCredential(headers: IncomingHttpHeaders): Credential {
  const authorization = headers.authorization?.trim();
  if (authorization) {
    const m = /^(\S+)\s+(\S+)$/.exec(authorization);
    const scheme = m?.[1]?.toLowerCase();
    if (scheme === 'bearer') return { kind: 'bearer', token: m![2]! };
    if (scheme === 'apikey') return { kind: 'apiKey', key: m![2]! };
    // Never echo the header: a Basic credential holds a password.
    throw new CredentialError('unsupported-scheme', 'the Authorization header must be "Bearer <Entra ID access token>" or "ApiKey <key>"');
  }
  const apiKey = headers['x-api-key'];
  // Node joins a repeated x-api-key into one "a, b" string; that is no key either.
  if (typeof apiKey === 'string' && apiKey.trim()) return { kind: 'apiKey', key: apiKey.trim() };
  throw new CredentialError('missing', NONE_SENT);
}
