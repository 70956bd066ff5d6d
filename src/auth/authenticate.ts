import type { IncomingHttpHeaders } from 'node:http';
import type { JWTPayload } from 'jose';
import type { AuthSettings } from '../config.js';
import type { Store } from '../store/types.js';
import { findApiKey } from './apiKeys.js';
import { readCredential } from './credentials.js';
import { CredentialError } from './errors.js';
import type { EntraTokenVerifier } from './jwt.js';
import { ANONYMOUS, type Principal } from './principal.js';
import { roleFromAppRoles } from './roles.js';

export interface Authenticator {
  /** The caller of a request; throws CredentialError (401) or SigningKeysUnavailableError (503). */
  authenticate(headers: IncomingHttpHeaders): Promise<Principal>;
}

/**
 * One credential per request: an API key, looked up in the store on every request (so a revoked key stops
 * working at once, with no cache to outlive it), or an Entra ID access token. With AUTH_MODE=off nothing is
 * checked and every caller is the anonymous operator.
 */
export function createAuthenticator(deps: { settings: AuthSettings; store: Store; verifyToken: EntraTokenVerifier }): Authenticator {
  if (deps.settings.mode === 'off') return { authenticate: async () => ANONYMOUS };
  return {
    async authenticate(headers) {
      const credential = readCredential(headers);
      if (credential.kind === 'apiKey') {
        const found = findApiKey(deps.store, credential.key);
        if (!found.ok) {
          throw new CredentialError('unknown-key', 'the API key is not valid: it is unknown or has been revoked', 'apiKey', found.revoked ? { revokedKey: found.revoked.name } : {});
        }
        return { kind: 'apiKey', name: `apikey:${found.record.name}`, role: found.record.role };
      }
      return principalFromClaims(await deps.verifyToken(credential.token), deps.settings.appRoles);
    },
  };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/**
 * A user or an application. Microsoft's rule: an app-only token has no `scp` (and says `idtyp: app` when that
 * optional claim is configured). A user is named by UPN (v1 `upn`, v2 `preferred_username`), an app by client id.
 */
export function principalFromClaims(claims: JWTPayload, appRoles: AuthSettings['appRoles']): Principal {
  const role = roleFromAppRoles(claims.roles, appRoles);
  if (claims.idtyp === 'app' || claims.scp === undefined) {
    return { kind: 'app', name: `app:${text(claims.azp) ?? text(claims.appid) ?? 'unknown'}`, role };
  }
  const name = text(claims.upn) ?? text(claims.preferred_username) ?? text(claims.unique_name) ?? text(claims.email) ?? `oid:${text(claims.oid) ?? 'unknown'}`;
  return { kind: 'user', name, role };
}
