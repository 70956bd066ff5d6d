import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfidentialClientApplication, LogLevel, type Configuration } from '@azure/msal-node';
import type { Dispatcher } from 'undici';
import { AuthError, NetworkError } from '../errors.js';
import { createMsalNetworkModule } from './msalNetwork.js';

export interface TokenProvider {
  getAccessToken(): Promise<string>;
}

export interface MsalTokenProviderOptions {
  tenantId: string;
  clientId: string;
  clientSecret?: string | undefined;
  /** A PEM file holding the certificate and its private key. */
  clientCertificatePath?: string | undefined;
  /** e.g. https://login.microsoftonline.com, or the emulator's https origin. */
  authorityHost: string;
  /** The resource whose `.default` scope is requested: the Graph origin in live mode. */
  graphResource?: string;
  dispatcher: Dispatcher;
}

/** msal's own hosts, whose metadata it knows; any other host must be declared a known authority. */
const MSAL_KNOWN_HOSTS = new Set(['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net', 'login.microsoftonline.us', 'login.chinacloudapi.cn']);

function certificateCredential(file: string): NonNullable<Configuration['auth']['clientCertificate']> {
  const pem = readFileSync(file, 'utf8');
  const certPem = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)?.[0];
  const keyPem = pem.match(/-----BEGIN (?:RSA )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA )?PRIVATE KEY-----/)?.[0];
  if (!certPem || !keyPem) throw new Error(`AZURE_CLIENT_CERTIFICATE_PATH must hold a PEM certificate and its private key: ${file}`);
  const cert = new X509Certificate(certPem);
  return {
    thumbprintSha256: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
    privateKey: keyPem,
    // Sending the chain lets Entra accept a certificate rotated under subject-name/issuer trust.
    x5c: certPem,
  };
}

/**
 * One ConfidentialClientApplication for the process: msal caches the app token and renews it when fewer than
 * five minutes remain, so every Graph call reuses it.
 */
export function createMsalTokenProvider(options: MsalTokenProviderOptions): TokenProvider {
  const host = new URL(options.authorityHost);
  const authority = `${host.origin}/${options.tenantId}`;
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: options.clientId,
      authority,
      // For a host msal does not know (the emulator, a sovereign proxy) it reads the tenant's OpenID metadata
      // from the host itself instead of asking the public cloud's instance discovery.
      knownAuthorities: MSAL_KNOWN_HOSTS.has(host.hostname) ? [] : [host.host],
      ...(options.clientSecret
        ? { clientSecret: options.clientSecret }
        : { clientCertificate: certificateCredential(options.clientCertificatePath ?? '') }),
    },
    system: {
      networkClient: createMsalNetworkModule(options.dispatcher),
      loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined },
    },
  });
  const scopes = [`${(options.graphResource ?? 'https://graph.microsoft.com').replace(/\/+$/, '')}/.default`];

  // msal answers from its cache, but each call still builds a request and looks the token up: about 0.13 ms, twice
  // per Graph call, on the path of every $batch envelope of a refresh. The token is held here while more than
  // msal's own renewal margin remains, then asked of msal again, which renews it.
  let held: { token: string; renewAt: number } | null = null;
  return {
    async getAccessToken() {
      if (held && Date.now() < held.renewAt) return held.token;
      try {
        const result = await app.acquireTokenByClientCredential({ scopes });
        if (!result?.accessToken) throw new Error('the token endpoint answered without an access token');
        const expiresAt = result.expiresOn?.getTime() ?? 0;
        held = { token: result.accessToken, renewAt: expiresAt - RENEWAL_MARGIN_MS };
        return result.accessToken;
      } catch (err) {
        throw toTokenError(err, authority);
      }
    },
  };
}

/** msal renews an app token when fewer than five minutes remain; a held token goes back to msal a minute before. */
const RENEWAL_MARGIN_MS = 6 * 60_000;

/** msal errors carry `errorCode` (e.g. invalid_client) and a description; we keep the code and the AADSTS number only. */
function toTokenError(err: unknown, authority: string): Error {
  const e = err as { errorCode?: string; errorMessage?: string; status?: number; message?: string };
  const path = `${new URL(authority).pathname}/oauth2/v2.0/token`;
  const aadsts = /AADSTS\d+/.exec(e.errorMessage ?? e.message ?? '')?.[0];
  if (e.errorCode && e.errorCode !== 'endpoints_resolution_error' && !/network|fetch/i.test(e.errorCode)) {
    return new AuthError('login', e.status ?? 400, {
      method: 'POST',
      path,
      code: e.errorCode,
      detail: aadsts ? `${aadsts} (check AZURE_TENANT_ID, AZURE_CLIENT_ID and the client credential)` : 'token request refused',
      cause: err,
    });
  }
  return new NetworkError('login', `could not reach the token endpoint (${e.errorCode ?? 'network error'})`, { method: 'POST', path, cause: err });
}
