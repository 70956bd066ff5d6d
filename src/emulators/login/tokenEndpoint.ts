import { createHash, timingSafeEqual } from 'node:crypto';
import type { FaultInjector } from '../http/faults.js';
import type { EmulatorReply, EmulatorRequest } from '../http/router.js';
import { aadstsReply, stsErrors, type AadstsError } from './aadstsErrors.js';
import { GRAPH_APP_ID, GRAPH_RESOURCE, type ClientAuthMethod, type TokenAuthority } from './authority.js';
import { checkClientAssertion, JWT_BEARER } from './clientAssertion.js';

const GRAPH_DEFAULT_SCOPES = new Set([`${GRAPH_RESOURCE}/.default`, `${GRAPH_APP_ID}/.default`]);

const NO_CACHE = { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' };

/** Compares secrets in constant time (hashing first so lengths never leak either). */
function sameSecret(sent: string, registered: string): boolean {
  const a = createHash('sha256').update(sent).digest();
  const b = createHash('sha256').update(registered).digest();
  return timingSafeEqual(a, b);
}

/** RFC 6749 §2.3.1: client_id and secret are form-urlencoded before they are joined and base64-encoded. */
function basicCredentials(header: string | undefined): { clientId: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const unescape = (s: string): string => decodeURIComponent(s.replace(/\+/g, ' '));
  return { clientId: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)) };
}

function checkScope(scope: string): AadstsError | null {
  const scopes = scope.split(/\s+/).filter(Boolean);
  if (scopes.length === 1 && GRAPH_DEFAULT_SCOPES.has(scopes[0]!.toLowerCase())) return null;
  if (scopes.length === 1 && /^(https:\/\/graph\.microsoft\.com|00000003-0000-0000-c000-000000000000)\//i.test(scopes[0]!)) {
    return stsErrors.scopeNeedsDefault(scopes[0]!);
  }
  return stsErrors.invalidScope(scope);
}

/** True when `aud` names this tenant's token endpoint, on whatever host the client used. */
function tokenEndpointMatcher(authority: TokenAuthority): (aud: string) => boolean {
  return (aud) => {
    let url: URL;
    try {
      url = new URL(aud);
    } catch {
      return false;
    }
    const m = /^\/([^/]+)\/oauth2\/(?:v2\.0\/)?token\/?$/i.exec(url.pathname);
    return m !== null && authority.isTenant(decodeURIComponent(m[1]!));
  };
}

/**
 * `POST /{tenant}/oauth2/v2.0/token`, client-credentials grant only. Checks run in the STS's order (tenant,
 * grant, client, scope, credential) so each misconfiguration surfaces as the error Entra would give it.
 * Extra fields msal adds (x-client-*, client_info, telemetry) are ignored, as Entra ignores them.
 */
export function createTokenHandler(authority: TokenAuthority, injector?: FaultInjector): (req: EmulatorRequest) => Promise<EmulatorReply> {
  const isTokenEndpoint = tokenEndpointMatcher(authority);

  return async (req) => {
    const fail = (err: AadstsError, headers?: Record<string, string>): EmulatorReply => aadstsReply(err, req, { ...NO_CACHE, ...headers });

    if (injector?.chance(injector.config.rateTokenFailure)) {
      // msal caches a throttle entry for Retry-After seconds after any 5xx, so the header decides when it retries.
      return fail(stsErrors.transient(), { 'Retry-After': String(injector.config.retryAfterSeconds) });
    }
    const tenant = req.params.tenant ?? '';
    if (!authority.isTenant(tenant)) return fail(stsErrors.tenantNotFound(tenant));

    const form = new URLSearchParams(req.body?.toString('utf8') ?? '');
    const grant = form.get('grant_type');
    if (!grant) return fail(stsErrors.missingParameter('grant_type'));
    if (grant !== 'client_credentials') return fail(stsErrors.unsupportedGrant(grant));

    const basic = basicCredentials(req.headers.authorization);
    const clientId = form.get('client_id') ?? basic?.clientId;
    if (!clientId) return fail(stsErrors.missingParameter('client_id'));
    const app = authority.app(clientId);
    if (!app) return fail(stsErrors.appNotFound(clientId, tenant));

    const scope = form.get('scope');
    if (!scope) return fail(stsErrors.missingParameter('scope'));
    const scopeError = checkScope(scope);
    if (scopeError) return fail(scopeError);

    let method: ClientAuthMethod;
    const secret = form.get('client_secret') ?? basic?.secret;
    const assertion = form.get('client_assertion');
    if (secret !== undefined) {
      if (!app.clientSecret || !sameSecret(secret, app.clientSecret)) return fail(stsErrors.invalidSecret(app.clientId));
      method = 'secret';
    } else if (assertion && form.get('client_assertion_type') === JWT_BEARER) {
      const assertionError = await checkClientAssertion(assertion, app, isTokenEndpoint);
      if (assertionError) return fail(assertionError);
      method = 'certificate';
    } else {
      return fail(stsErrors.missingCredential());
    }

    const { token, expiresIn } = await authority.issue(app.clientId, { method });
    return {
      status: 200,
      headers: { 'Content-Type': 'application/json; charset=utf-8', ...NO_CACHE },
      body: { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token },
    };
  };
}
