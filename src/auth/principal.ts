import type { Role } from './roles.js';

/** Who is calling: from an Entra ID token, an API key, or nobody at all when AUTH_MODE=off. */
export interface Principal {
  kind: 'user' | 'app' | 'apiKey' | 'anonymous';
  /**
   * The caller as logs and the sync ledger name it: a user's UPN, `app:<client id>` for an application, and
   * `apikey:<name>` for a key, so a key named like a person is never mistaken for one.
   */
  name: string;
  /** Null: authenticated, but granted neither role (a token without the gateway's app roles). */
  role: Role | null;
}

/** AUTH_MODE=off: every request is served as this caller. */
export const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous', name: 'anonymous', role: 'operator' });

/** What the sync ledger records as `actor`: nobody (null) when no credential was checked. */
export function actorOf(principal: Principal): string | null {
  return principal.kind === 'anonymous' ? null : principal.name;
}
