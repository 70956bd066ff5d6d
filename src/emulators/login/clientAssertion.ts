import { X509Certificate } from 'node:crypto';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { stsErrors, type AadstsError } from './aadstsErrors.js';
import type { AppRegistration } from './authority.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Entra tolerates this much clock skew on `nbf`. */
const SKEW_SECONDS = 300;

interface AssertionClaims {
  aud?: string | string[];
  iss?: string;
  sub?: string;
  exp?: number;
  nbf?: number;
}

function hexThumbprint(b64url: string): string {
  return Buffer.from(b64url, 'base64url').toString('hex').toUpperCase();
}

/**
 * Checks a certificate client assertion (RFC 7523) the way Entra does, in Entra's order: the header names a
 * key the app registered (by `x5t#S256` from msal-node's PS256 path or `x5t` from its RS256 path), the
 * signature verifies with that certificate, iss and sub are the client id, aud is this tenant's token
 * endpoint on any host (the client addressed us by 127.0.0.1 or localhost), and the lifetime holds.
 * Returns the error to answer, or null when the assertion is good.
 */
export async function checkClientAssertion(
  assertion: string,
  app: AppRegistration,
  isTokenEndpointForTenant: (audience: string) => boolean,
): Promise<AadstsError | null> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(assertion);
  } catch {
    return stsErrors.assertionMalformed();
  }
  const x5tS256 = typeof header['x5t#S256'] === 'string' ? header['x5t#S256'] : undefined;
  const x5t = typeof header.x5t === 'string' ? header.x5t : undefined;
  const thumbprint = x5tS256 ?? x5t;
  if (!thumbprint) return stsErrors.assertionMalformed();
  const presented = hexThumbprint(thumbprint);

  if (!app.certificatePem) return stsErrors.assertionKeyNotFound(app.clientId, presented);
  const cert = new X509Certificate(app.certificatePem);
  const registered = (x5tS256 ? cert.fingerprint256 : cert.fingerprint).replace(/:/g, '');
  if (registered !== presented) return stsErrors.assertionKeyNotFound(app.clientId, presented);

  let claims: AssertionClaims;
  try {
    const { payload } = await compactVerify(assertion, cert.publicKey, { algorithms: ['RS256', 'PS256'] });
    claims = JSON.parse(Buffer.from(payload).toString('utf8')) as AssertionClaims;
  } catch {
    return stsErrors.assertionBadSignature(presented);
  }

  const clientId = app.clientId.toLowerCase();
  if (claims.iss?.toLowerCase() !== clientId || claims.sub?.toLowerCase() !== clientId) return stsErrors.assertionClientMismatch();
  const audiences = Array.isArray(claims.aud) ? claims.aud : claims.aud === undefined ? [] : [claims.aud];
  if (!audiences.some(isTokenEndpointForTenant)) return stsErrors.assertionAudience();

  const now = Math.floor(Date.now() / 1000);
  const nbf = claims.nbf ?? 0;
  if (typeof claims.exp !== 'number' || claims.exp <= now || nbf > now + SKEW_SECONDS) {
    return stsErrors.assertionTime(new Date(now * 1000), new Date(nbf * 1000), new Date((claims.exp ?? 0) * 1000));
  }
  return null;
}
