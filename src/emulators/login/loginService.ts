import type { FaultInjector } from '../http/faults.js';
import { Router, type EmulatorReply, type EmulatorRequest } from '../http/router.js';
import type { EmulatorService } from '../http/server.js';
import { aadstsReply, correlationId, stsErrors, type AadstsError } from './aadstsErrors.js';
import type { TokenAuthority } from './authority.js';
import { instanceDiscovery, openIdConfiguration, signingKeys } from './discovery.js';
import { createTokenHandler } from './tokenEndpoint.js';

export interface LoginServiceOptions {
  /** The shared injector; its `rateTokenFailure` makes the token endpoint answer 503. */
  injector?: FaultInjector;
}

/** AADSTS50000 is the STS's catch-all ("There was an error issuing a token"): used where Entra has no specific error. */
function shellError(status: number, message: string): AadstsError {
  if (status === 429 || status >= 500) return { ...stsErrors.transient(), status };
  return { status, error: 'invalid_request', code: 50000, description: message };
}

/**
 * The Entra ID STS (login.microsoftonline.com) for app-only flows: the client-credentials token endpoint,
 * plus the discovery documents msal-node fetches before it when the authority is not a built-in cloud.
 */
export function createLoginService(authority: TokenAuthority, options: LoginServiceOptions = {}): EmulatorService {
  const token = createTokenHandler(authority, options.injector);
  const router = new Router()
    .add('GET', '/common/discovery/instance', '/common/discovery/instance', instanceDiscovery)
    .add('POST', '/:tenant/oauth2/v2.0/token', '/{tenant}/oauth2/v2.0/token', token)
    .add('GET', '/:tenant/oauth2/v2.0/token', '/{tenant}/oauth2/v2.0/token', (req) => aadstsReply(stsErrors.postOnly(req.method), req))
    .add('GET', '/:tenant/v2.0/.well-known/openid-configuration', '/{tenant}/v2.0/.well-known/openid-configuration', (req) =>
      openIdConfiguration(authority, req),
    )
    .add('GET', '/:tenant/discovery/v2.0/keys', '/{tenant}/discovery/v2.0/keys', (req) => signingKeys(authority, req));

  return {
    name: 'login',
    router,
    errorReply(status: number, _code: string, message: string, req: EmulatorRequest, retryAfterSeconds?: number): EmulatorReply {
      const headers: Record<string, string> = retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) };
      return aadstsReply(shellError(status, message), req, headers);
    },
    commonHeaders(req: EmulatorRequest): Record<string, string> {
      const correlation = correlationId(req);
      return {
        'x-ms-request-id': req.requestId,
        'x-ms-ests-server': '2.1.0 - emulator',
        ...(correlation ? { 'client-request-id': correlation } : {}),
      };
    },
    reset: () => authority.resetTokenLifetime(),
    truth: () => ({}),
  };
}
