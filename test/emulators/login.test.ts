import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { fetch, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/emulators/http/faults.js';
import { startEmulator, type RunningEmulator } from '../../src/emulators/http/server.js';
import { TokenAuthority } from '../../src/emulators/login/authority.js';
import { createClientCertificate, type ClientCertificate } from '../../src/emulators/login/clientCertificate.js';
import { createLoginService } from '../../src/emulators/login/loginService.js';
import { createEmulatorTls } from '../../src/emulators/tls.js';
import { createDispatcher } from '../../src/sources/http/dispatcher.js';
import { createMsalNetworkModule } from '../../src/sources/graph/msalNetwork.js';

const TENANT = '11111111-2222-3333-4444-555555555555';
const DOMAIN = 'contoso.onmicrosoft.com';
const SECRET_APP = 'aaaaaaaa-0000-0000-0000-000000000001';
const CERT_APP = 'aaaaaaaa-0000-0000-0000-000000000002';
const SECRET = 'Zx8Q~not-a-real-secret-but-long-enough';
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

let login: RunningEmulator;
let authority: TokenAuthority;
let injector: FaultInjector;
let dispatcher: Dispatcher;
let cert: ClientCertificate;

beforeAll(async () => {
  const tls = await createEmulatorTls();
  cert = await createClientCertificate(CERT_APP);
  authority = new TokenAuthority({
    tenantId: TENANT,
    tenantDomain: DOMAIN,
    apps: [
      { clientId: SECRET_APP, displayName: 'gateway (secret)', clientSecret: SECRET, roles: ['Device.Read.All', 'DeviceManagementManagedDevices.Read.All'] },
      { clientId: CERT_APP, displayName: 'gateway (certificate)', certificatePem: cert.certPem, roles: ['Device.Read.All'] },
    ],
  });
  injector = new FaultInjector();
  login = await startEmulator(createLoginService(authority, { injector }), { tls, injector });
  dispatcher = createDispatcher({ extraCaPem: tls.caPem });
});

afterAll(async () => {
  await login?.close();
  await dispatcher?.close();
});

/** A fresh app per scenario: msal caches tokens and throttling per instance. */
function msalApp(auth: Omit<Configuration['auth'], 'authority' | 'knownAuthorities'>, tenant = TENANT): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: { ...auth, authority: `${login.origin}/${tenant}`, knownAuthorities: [new URL(login.origin).host] },
    system: { networkClient: createMsalNetworkModule(dispatcher) },
  });
}

async function msalFailure(app: ConfidentialClientApplication, scopes = [GRAPH_SCOPE]): Promise<{ errorCode: string; message: string }> {
  try {
    await app.acquireTokenByClientCredential({ scopes });
  } catch (e) {
    const err = e as { errorCode: string; message: string };
    return { errorCode: err.errorCode, message: err.message };
  }
  throw new Error('expected msal to fail');
}

function tokenRequest(form: Record<string, string>, init: { tenant?: string; headers?: Record<string, string> } = {}) {
  return fetch(`${login.origin}/${init.tenant ?? TENANT}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...init.headers },
    body: new URLSearchParams(form).toString(),
    dispatcher,
  });
}

describe('login emulator with msal-node', () => {
  it('issues a Graph app token for a client secret', async () => {
    const result = await msalApp({ clientId: SECRET_APP, clientSecret: SECRET }).acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] });
    expect(result?.accessToken).toBeTruthy();
    const verified = await authority.verify(result!.accessToken);
    expect(verified.ok).toBe(true);
    if (!verified.ok) return;
    expect(verified.claims).toMatchObject({
      aud: 'https://graph.microsoft.com',
      iss: `https://sts.windows.net/${TENANT}/`,
      appid: SECRET_APP,
      appidacr: '1',
      idtyp: 'app',
      tid: TENANT,
      ver: '1.0',
      roles: ['Device.Read.All', 'DeviceManagementManagedDevices.Read.All'],
    });
    expect(verified.claims.exp - verified.claims.iat).toBe(3599);
  });

  it('issues a token for a certificate credential (PS256 assertion with x5t#S256)', async () => {
    const app = msalApp({ clientId: CERT_APP, clientCertificate: { thumbprintSha256: cert.thumbprintSha256, privateKey: cert.privateKeyPem } });
    const result = await app.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] });
    const verified = await authority.verify(result!.accessToken);
    expect(verified.ok && verified.claims.appidacr).toBe('2');
  });

  it('accepts the legacy SHA-1 thumbprint path (RS256 assertion with x5t)', async () => {
    const app = msalApp({ clientId: CERT_APP, clientCertificate: { thumbprint: cert.thumbprintSha1, privateKey: cert.privateKeyPem } });
    const result = await app.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] });
    expect(result?.accessToken).toBeTruthy();
  });

  it('rejects an assertion signed with a key that is not the registered certificate', async () => {
    const other = await createClientCertificate(CERT_APP);
    const failure = await msalFailure(
      msalApp({ clientId: CERT_APP, clientCertificate: { thumbprintSha256: cert.thumbprintSha256, privateKey: other.privateKeyPem } }),
    );
    expect(failure.errorCode).toBe('invalid_client');
    expect(failure.message).toContain('700027');
  });

  it('accepts the tenant domain in place of the tenant id', async () => {
    const result = await msalApp({ clientId: SECRET_APP, clientSecret: SECRET }, DOMAIN).acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] });
    expect(result?.accessToken).toBeTruthy();
  });

  it('answers a wrong secret with invalid_client and never echoes the secret', async () => {
    const wrong = 'Wr0ng~secret-value-that-must-not-leak';
    const failure = await msalFailure(msalApp({ clientId: SECRET_APP, clientSecret: wrong }));
    expect(failure.errorCode).toBe('invalid_client');
    expect(failure.message).toContain('7000215');
    expect(failure.message).not.toContain(wrong);
    expect(failure.message).not.toContain(SECRET);
  });

  it('answers an unknown client with unauthorized_client', async () => {
    const failure = await msalFailure(msalApp({ clientId: 'bbbbbbbb-0000-0000-0000-00000000000f', clientSecret: SECRET }));
    expect(failure.errorCode).toBe('unauthorized_client');
    expect(failure.message).toContain('700016');
  });

  it('answers a scope other than Graph .default with invalid_scope', async () => {
    const app = msalApp({ clientId: SECRET_APP, clientSecret: SECRET });
    expect(await msalFailure(app, ['https://management.azure.com/.default'])).toMatchObject({ errorCode: 'invalid_scope' });
    const needsDefault = await msalFailure(msalApp({ clientId: SECRET_APP, clientSecret: SECRET }), ['https://graph.microsoft.com/Device.Read.All']);
    expect(needsDefault.errorCode).toBe('invalid_scope');
    expect(needsDefault.message).toContain('1002012');
  });

  it('fails OIDC discovery for an unknown tenant, as msal does against Entra', async () => {
    const failure = await msalFailure(msalApp({ clientId: SECRET_APP, clientSecret: SECRET }, 'no-such-tenant.onmicrosoft.com'));
    expect(failure.errorCode).toBe('endpoints_resolution_error');
  });

  it('answers an unknown tenant at the token endpoint with invalid_request AADSTS90002', async () => {
    // With metadata configured msal skips discovery and posts straight to the token endpoint, as it does for login.microsoftonline.com.
    const tenant = 'no-such-tenant.onmicrosoft.com';
    const base = `${login.origin}/${tenant}`;
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: SECRET_APP,
        clientSecret: SECRET,
        authority: base,
        knownAuthorities: [new URL(login.origin).host],
        authorityMetadata: JSON.stringify({
          token_endpoint: `${base}/oauth2/v2.0/token`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          issuer: `${base}/v2.0`,
          jwks_uri: `${base}/discovery/v2.0/keys`,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        }),
      },
      system: { networkClient: createMsalNetworkModule(dispatcher) },
    });
    const failure = await msalFailure(app);
    expect(failure.errorCode).toBe('invalid_request');
    expect(failure.message).toContain('90002');
  });
});

describe('login emulator over raw HTTP', () => {
  it('shapes errors like the STS: AADSTS text, codes, trace and correlation ids', async () => {
    const res = await tokenRequest(
      { grant_type: 'client_credentials', client_id: SECRET_APP, client_secret: 'nope', scope: GRAPH_SCOPE },
      { headers: { 'client-request-id': 'c0ffee00-0000-0000-0000-000000000001' } },
    );
    expect(res.status).toBe(401);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [7000215], correlation_id: 'c0ffee00-0000-0000-0000-000000000001' });
    expect(body.error_description).toMatch(/^AADSTS7000215: .*\r\nTrace ID: .+\r\nCorrelation ID: c0ffee00-.+\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/s);
    expect(body.error_uri).toBe('https://login.microsoftonline.com/error?code=7000215');
    expect(JSON.stringify(body)).not.toContain('nope');
  });

  it('accepts HTTP Basic client authentication', async () => {
    const basic = Buffer.from(`${encodeURIComponent(SECRET_APP)}:${encodeURIComponent(SECRET)}`).toString('base64');
    const res = await tokenRequest({ grant_type: 'client_credentials', scope: GRAPH_SCOPE }, { headers: { Authorization: `Basic ${basic}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    expect(typeof body.access_token).toBe('string');
  });

  it('rejects other grants, missing parameters, several scopes and GET', async () => {
    const other = await tokenRequest({ grant_type: 'password', client_id: SECRET_APP, scope: GRAPH_SCOPE });
    expect([other.status, ((await other.json()) as { error: string }).error]).toEqual([400, 'unsupported_grant_type']);

    const noCredential = await tokenRequest({ grant_type: 'client_credentials', client_id: SECRET_APP, scope: GRAPH_SCOPE });
    expect(noCredential.status).toBe(401);
    expect(((await noCredential.json()) as { error_codes: number[] }).error_codes).toEqual([7000218]);

    const twoScopes = await tokenRequest({ grant_type: 'client_credentials', client_id: SECRET_APP, client_secret: SECRET, scope: `${GRAPH_SCOPE} openid` });
    expect([twoScopes.status, ((await twoScopes.json()) as { error: string }).error]).toEqual([400, 'invalid_scope']);

    const get = await fetch(`${login.origin}/${TENANT}/oauth2/v2.0/token`, { dispatcher });
    expect(((await get.json()) as { error_codes: number[] }).error_codes).toEqual([900561]);
  });

  it('serves OIDC metadata on the origin the client used, and keys that verify issued tokens', async () => {
    const config = (await (await fetch(`${login.origin}/${DOMAIN}/v2.0/.well-known/openid-configuration`, { dispatcher })).json()) as Record<string, string>;
    expect(config.token_endpoint).toBe(`${login.origin}/${TENANT}/oauth2/v2.0/token`);
    expect(config.issuer).toBe(`${login.origin}/${TENANT}/v2.0`);

    const jwks = (await (await fetch(config.jwks_uri!, { dispatcher })).json()) as { keys: [] };
    const { token } = await authority.issue(SECRET_APP);
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks));
    expect(payload.appid).toBe(SECRET_APP);

    const discovery = (await (
      await fetch(`${login.origin}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${login.origin}/${TENANT}/oauth2/v2.0/authorize`)}`, {
        dispatcher,
      })
    ).json()) as { tenant_discovery_endpoint: string; metadata: Array<{ aliases: string[] }> };
    expect(discovery.tenant_discovery_endpoint).toBe(`${login.origin}/${TENANT}/v2.0/.well-known/openid-configuration`);
    expect(discovery.metadata[0]!.aliases).toEqual([new URL(login.origin).host]);
  });

  it('answers 503 with Retry-After at rateTokenFailure', async () => {
    injector.set({ rateTokenFailure: 1, retryAfterSeconds: 2 });
    try {
      const res = await tokenRequest({ grant_type: 'client_credentials', client_id: SECRET_APP, client_secret: SECRET, scope: GRAPH_SCOPE });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('2');
      expect(((await res.json()) as { error: string }).error).toBe('temporarily_unavailable');
    } finally {
      injector.set({ rateTokenFailure: 0, retryAfterSeconds: 1 });
    }
  });

  it('reset restores the token lifetime', async () => {
    authority.setTokenLifetime(120);
    const short = await tokenRequest({ grant_type: 'client_credentials', client_id: SECRET_APP, client_secret: SECRET, scope: GRAPH_SCOPE });
    expect(((await short.json()) as { expires_in: number }).expires_in).toBe(120);
    await fetch(`${login.origin}/_emulator/reset`, { method: 'POST', dispatcher });
    const restored = await tokenRequest({ grant_type: 'client_credentials', client_id: SECRET_APP, client_secret: SECRET, scope: GRAPH_SCOPE });
    expect(((await restored.json()) as { expires_in: number }).expires_in).toBe(3599);
  });
});
