import type { AuthSettings, TenantSettings } from '../config.js';
import type { Logger } from '../logger.js';
import { createDispatcher } from '../sources/http/dispatcher.js';
import type { Store } from '../store/types.js';
import { createApiKey } from './apiKeys.js';
import { createAuthenticator, type Authenticator } from './authenticate.js';
import { createEntraTokenVerifier } from './jwt.js';

export interface GatewayAuth extends Authenticator {
  /** Embedded mode with auth on: the operator key made at this start, for the banner and the playground. */
  demoApiKey: string | undefined;
  close(): Promise<void>;
}

export interface GatewayAuthOptions {
  settings: AuthSettings;
  /** Whose tokens to accept: the tenant the gateway reads (the emulators' in embedded mode). */
  tenant: Pick<TenantSettings, 'tenantId' | 'authorityHost'>;
  extraCaFile: string | undefined;
  store: Store;
  logger: Logger;
  embedded: boolean;
  /** See EntraTokenVerifierOptions.jwksCooldownMs; tests shorten it to see a key rotation at once. */
  jwksCooldownMs?: number;
}

/** The name of the embedded mode's operator key, replaced at every start. */
export const DEMO_KEY_NAME = 'demo';

/** Wires the authenticator for the server and says at start how callers can authenticate. */
export function createGatewayAuth(options: GatewayAuthOptions): GatewayAuth {
  const { settings, store, logger } = options;
  const dispatcher = createDispatcher({ extraCaFile: options.extraCaFile, connections: 4 });
  const verifyToken = createEntraTokenVerifier({
    authorityHost: options.tenant.authorityHost,
    tenant: options.tenant.tenantId,
    audiences: settings.audiences,
    dispatcher,
    jwksCooldownMs: options.jwksCooldownMs,
  });
  const authenticator = createAuthenticator({ settings, store, verifyToken });

  let demoApiKey: string | undefined;
  if (settings.mode === 'off') {
    logger.warn({ authMode: 'off' }, 'AUTH_MODE=off: no credential is checked and every caller may query, refresh and sync');
  } else {
    // Fresh at each start, so a key printed on yesterday's terminal does not work today.
    if (options.embedded) demoApiKey = createApiKey(store, { name: DEMO_KEY_NAME, role: 'operator', replaceActive: true }).key;
    logger.info(
      { audiences: settings.audiences, appRoles: settings.appRoles, apiKeys: store.listApiKeys().length },
      'callers authenticate with Entra ID access tokens for these audiences or with API keys (npm run apikey)',
    );
  }

  return {
    authenticate: (headers) => authenticator.authenticate(headers),
    demoApiKey,
    close: () => dispatcher.close(),
  };
}
