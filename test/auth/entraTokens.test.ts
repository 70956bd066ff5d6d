import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialError, SigningKeysUnavailableError } from '../../src/auth/errors.js';
import { createEntraTokenVerifier } from '../../src/auth/jwt.js';
import { DEFAULT_API_CLIENT_ID, type ApiTokenOptions, type TokenAuthority } from '../../src/emulators/login/authority.js';
import { createDispatcher } from '../../src/sources/http/dispatcher.js';
import { control, count } from '../helpers/embedded.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from '../helpers/gateway.js';

/**
 * Entra ID access tokens for the gateway's API, minted by the login emulator and checked by the gateway against the
 * JWKS the emulator serves, as a tenant's would be: roles from the `roles` claim, and every kind of forgery refused.
 */

const AUDIENCE = 'api://entra-iot-gateway';
/** The gateway API's own app registration (AUTH_CLIENT_ID): v2 tokens carry it as their audience. */
const API_CLIENT_ID = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
const READER = ['Gateway.Reader'];
const OPERATOR = ['Gateway.Operator'];

let gw: TestGateway;
let authority: TokenAuthority;
let login: ReturnType<typeof control>;

beforeAll(async () => {
  // No JWKS cooldown: a rotated key is fetched on the first token that names it (production waits 30 s between fetches).
  gw = await startTestGateway({ size: 80, env: { AUTH_CLIENT_ID: API_CLIENT_ID }, start: { jwksCooldownMs: 0 } });
  authority = gw.emulators!.authority;
  login = control(gw.emulators!.login.origin, gw.emulators!.settings.caFile);
});
afterAll(async () => {
  await login?.close();
  await gw?.close();
});

const token = (options: Partial<ApiTokenOptions> = {}): Promise<string> => authority.issueFor({ audience: AUDIENCE, kind: 'user', roles: READER, ...options });
const withToken = (query: string, bearer: string): Promise<GraphqlResponse> => gw.gql(query, undefined, { authorization: `Bearer ${bearer}` });
const STATUS = '{ inventoryStatus { ready } }';

/** Every refusal: 401, UNAUTHENTICATED with the reason, an invalid_token challenge, and the token echoed nowhere. */
async function expectRefused(bearer: string, reason: string): Promise<void> {
  const res = await withToken(STATUS, bearer);
  expect(res.status, reason).toBe(401);
  expect(res.data).toBeUndefined();
  expect(res.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason });
  const [, payload = '', signature = ''] = bearer.split('.');
  const answer = JSON.stringify(res);
  for (const part of [bearer, payload, signature].filter((p) => p.length > 8)) expect(answer).not.toContain(part);
}

describe('Entra ID tokens the gateway accepts', () => {
  it('a user with Gateway.Reader can query, and is named by UPN in the request log', async () => {
    const bearer = await token({ user: { upn: 'adele.vance@contoso.onmicrosoft.com' } });
    const res = await gw.gql('{ devices(first: 3) { totalCount nodes { id } } }', undefined, { authorization: `Bearer ${bearer}`, 'x-request-id': 'adele-1' });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data!.devices.nodes).toHaveLength(3);
    expect(gw.logs).toContainEqual(expect.objectContaining({ requestId: 'adele-1', msg: 'request', principal: 'adele.vance@contoso.onmicrosoft.com', role: 'reader' }));
  });

  it('a user with Gateway.Reader may not sync: 403 FORBIDDEN', async () => {
    const before = gw.store.listSyncRuns({ first: 500 }).runs.length;
    const res = await withToken('mutation { syncDevices(input: { dryRun: true }) { id } }', await token());
    expect(res.status).toBe(403);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(gw.store.listSyncRuns({ first: 500 }).runs.length).toBe(before);
  });

  it('a user with Gateway.Operator can sync, and the ledger records the UPN as actor', async () => {
    const bearer = await token({ roles: OPERATOR, user: { upn: 'megan.bowen@contoso.onmicrosoft.com' } });
    const res = await withToken('mutation { syncDevices(input: { dryRun: true }) { id status actor } }', bearer);
    expect(res.errors).toBeUndefined();
    expect(res.data!.syncDevices).toMatchObject({ status: 'SUCCEEDED', actor: 'megan.bowen@contoso.onmicrosoft.com' });
    expect(gw.store.getSyncRun(res.data!.syncDevices.id)?.actor).toBe('megan.bowen@contoso.onmicrosoft.com');
  }, 60_000);

  it('an application granted Gateway.Operator (client credentials) is named by its client id', async () => {
    const clientId = '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9';
    const res = await withToken('mutation { syncDevices(input: { dryRun: true }) { actor } }', await token({ kind: 'app', roles: OPERATOR, clientId }));
    expect(res.errors).toBeUndefined();
    expect(res.data!.syncDevices.actor).toBe(`app:${clientId}`);
  }, 60_000);

  it('takes v1 tokens (sts.windows.net issuer, Application ID URI audience) and v2 tokens (client id audience)', async () => {
    const v1 = await token({ version: 1 });
    expect(decodeJwt(v1)).toMatchObject({ iss: `https://sts.windows.net/${authority.tenantId}/`, aud: AUDIENCE, ver: '1.0' });
    expect((await withToken(STATUS, v1)).status).toBe(200);
    const v2 = await token({ version: 2, audience: API_CLIENT_ID });
    expect(decodeJwt(v2)).toMatchObject({ iss: `${gw.emulators!.login.origin}/${authority.tenantId}/v2.0`, aud: API_CLIENT_ID, ver: '2.0' });
    expect((await withToken(STATUS, v2)).status).toBe(200);
  });

  it('forgives a minute of clock skew, no more', async () => {
    expect((await withToken(STATUS, await token({ lifetimeSeconds: -20 }))).status).toBe(200);
    expect((await withToken(STATUS, await token({ notBeforeSeconds: 20 }))).status).toBe(200);
  });

  it('a valid token without a gateway app role is authenticated but forbidden everything', async () => {
    for (const roles of [[], ['Device.Read.All'], ['gateway.reader']]) {
      const res = await withToken('{ devices(first: 1) { totalCount } }', await token({ roles }));
      expect(res.status, roles.join()).toBe(403);
      expect(res.errors?.[0]?.message).toMatch(/needs the reader role; alex\.wilber@contoso\.onmicrosoft\.com has no gateway role/);
    }
  });
});

describe('tokens the gateway refuses', () => {
  /** A genuine token's header and claims, to forge from. */
  async function genuine(): Promise<{ header: Record<string, unknown>; claims: Record<string, unknown> }> {
    const real = await token({ roles: OPERATOR });
    return { header: decodeProtectedHeader(real) as Record<string, unknown>, claims: decodeJwt(real) as Record<string, unknown> };
  }

  it('signed with another key under the tenant key id', async () => {
    const { header, claims } = await genuine();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = await new SignJWT(claims).setProtectedHeader({ ...header, alg: 'RS256' }).sign(privateKey);
    await expectRefused(forged, 'signature');
  });

  it('signed with another key under a key id the tenant does not publish', async () => {
    const { claims } = await genuine();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'not-a-tenant-key' }).sign(privateKey);
    await expectRefused(forged, 'unknown-signing-key');
  });

  it('with alg: none', async () => {
    const { claims } = await genuine();
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    await expectRefused(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`, 'algorithm');
    await expectRefused(`${b64({ alg: 'none', typ: 'JWT', kid: authority.kid })}.${b64(claims)}.c2ln`, 'algorithm');
  });

  it('HS256-signed with the public key as the secret', async () => {
    const { header, claims } = await genuine();
    const jwk = authority.jwks().keys[0]!;
    const pem = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    for (const secret of [Buffer.from(pem), Buffer.from(JSON.stringify(jwk)), Buffer.from(jwk.n!, 'base64url')]) {
      const forged = await new SignJWT(claims).setProtectedHeader({ ...header, alg: 'HS256' }).sign(secret);
      await expectRefused(forged, 'algorithm');
    }
  });

  it('for another audience, including the Graph token the gateway itself holds', async () => {
    await expectRefused(await token({ audience: 'api://someone-elses-api' }), 'audience');
    const graph = await authority.issue(gw.emulators!.settings.AZURE_CLIENT_ID);
    await expectRefused(graph.token, 'audience');
    const res = await withToken(STATUS, graph.token);
    expect(res.errors?.[0]?.message).toContain(`request one for ${AUDIENCE} or ${API_CLIENT_ID}`);
  });

  it('from another tenant or authority', async () => {
    await expectRefused(await token({ issuer: 'https://sts.windows.net/11111111-2222-4333-8444-555555555555/' }), 'issuer');
    // The real cloud's v2 issuer is not the emulated tenant's: the gateway trusts its own authority host only.
    await expectRefused(await token({ issuer: `https://login.microsoftonline.com/${authority.tenantId}/v2.0` }), 'issuer');
  });

  it('expired, or not valid yet', async () => {
    await expectRefused(await token({ lifetimeSeconds: -600 }), 'expired');
    await expectRefused(await token({ notBeforeSeconds: 600 }), 'not-yet-valid');
  });

  it('an ID token presented as an access token', async () => {
    await expectRefused(await token({ tokenType: 'id', audience: API_CLIENT_ID }), 'not-an-access-token');
  });

  it('garbage', async () => {
    for (const garbage of ['garbage', 'a.b.c', 'e30.e30.e30', '....']) await expectRefused(garbage, 'malformed');
    // A plausible header over a garbage body: the signature is checked before anything in the body is read.
    await expectRefused('eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln', 'signature');
    const res = await gw.gql(STATUS, undefined, { authorization: 'Bearer' });
    expect(res.status).toBe(401);
  });

  it('logs each refusal with its reason and never the token', async () => {
    const expired = await token({ lifetimeSeconds: -600 });
    await withToken(STATUS, expired);
    expect(gw.logs).toContainEqual(expect.objectContaining({ msg: 'credential refused', reason: 'expired' }));
    const text = JSON.stringify(gw.logs);
    expect(text).not.toContain(expired);
    expect(text).not.toContain(expired.split('.')[2]);
  });
});

describe('signing key rotation', () => {
  const keyFetches = async (): Promise<number> => count((await login.stats()).requests, /discovery\/v2\.0\/keys/);

  it('verifies tokens signed with a new key after fetching the keys again, and keeps the old one while published', async () => {
    const before = await token();
    expect((await withToken(STATUS, before)).status).toBe(200);
    const fetchesBefore = await keyFetches();

    const oldKid = authority.kid;
    const newKid = authority.rotateSigningKey();
    expect(newKid).not.toBe(oldKid);
    const after = await token();
    expect(decodeProtectedHeader(after).kid).toBe(newKid);
    expect((await withToken(STATUS, after)).status).toBe(200);
    expect(await keyFetches()).toBe(fetchesBefore + 1);
    // Cached now: no fetch per request.
    expect((await withToken(STATUS, await token())).status).toBe(200);
    expect(await keyFetches()).toBe(fetchesBefore + 1);
    // Entra keeps the previous key published for a while: tokens issued before the rotation still work.
    expect((await withToken(STATUS, before)).status).toBe(200);

    // Once the old key is retired from the JWKS, its tokens stop working.
    authority.rotateSigningKey({ retirePrevious: true });
    await withToken(STATUS, await token());
    await expectRefused(before, 'unknown-signing-key');
  });

  it('answers 503 (not 401) when a new key cannot be fetched: the token may be fine', async () => {
    authority.rotateSigningKey();
    const bearer = await token();
    await login.faults({ rate503: 1 });
    try {
      const res = await withToken(STATUS, bearer);
      expect(res.status).toBe(503);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', source: 'entra' });
    } finally {
      await login.faults({ rate503: 0 });
    }
    expect((await withToken(STATUS, bearer)).status).toBe(200);
  });
});

describe('the verifier on its own', () => {
  it('finds the tenant id of a tenant configured by domain, for the issuer check', async () => {
    const dispatcher = createDispatcher({ extraCaFile: gw.emulators!.settings.caFile });
    try {
      const verify = createEntraTokenVerifier({ authorityHost: gw.emulators!.login.origin, tenant: authority.tenantDomain!, audiences: [AUDIENCE], dispatcher, jwksCooldownMs: 0 });
      const claims = await verify(await token({ version: 1 }));
      expect(claims.tid).toBe(authority.tenantId);
      await expect(verify(await token({ issuer: 'https://sts.windows.net/11111111-2222-4333-8444-555555555555/' }))).rejects.toMatchObject({ reason: 'issuer' });
    } finally {
      await dispatcher.close();
    }
  });

  it('says the keys are unavailable, not that the token is bad, when the authority cannot be reached', async () => {
    const dispatcher = createDispatcher({});
    try {
      const verify = createEntraTokenVerifier({ authorityHost: 'https://127.0.0.1:9', tenant: authority.tenantId, audiences: [AUDIENCE], dispatcher });
      const err = await verify(await token()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SigningKeysUnavailableError);
      // Garbage is refused without a network round trip.
      await expect(verify('garbage')).rejects.toBeInstanceOf(CredentialError);
    } finally {
      await dispatcher.close();
    }
  });

  it('mints with the default client the emulator names', async () => {
    expect(decodeJwt(await token())).toMatchObject({ azp: DEFAULT_API_CLIENT_ID, scp: 'access_as_user', roles: READER });
  });
});
