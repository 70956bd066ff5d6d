import { createHash, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createLocalJWKSet, errors, jwtVerify, SignJWT, type JWK } from 'jose';

/** An app registration in the emulated tenant, with the Graph application permissions it was granted. */
export interface AppRegistration {
  clientId: string;
  displayName: string;
  clientSecret?: string;
  /** PEM of the certificate uploaded to the app (public part only), for client assertions. */
  certificatePem?: string;
  /** Graph application permission names, e.g. "Device.Read.All". */
  roles: string[];
}

export interface TokenAuthorityOptions {
  tenantId: string;
  /** The tenant's verified domain, e.g. `contoso.onmicrosoft.com`: accepted in place of the id in token URLs. */
  tenantDomain?: string;
  apps: AppRegistration[];
  tokenLifetimeSeconds?: number;
  /** Origin of `iss`; Entra v1 app tokens say `https://sts.windows.net`. */
  issuerOrigin?: string;
}

/** The claims of an Entra v1 app-only access token for Graph (the ones callers read). */
export interface AppTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  appid: string;
  app_displayname: string;
  appidacr: '1' | '2';
  idp: string;
  idtyp: 'app';
  oid: string;
  /** Absent when the app holds no application permission, as in Entra's tokens. */
  roles?: string[];
  sub: string;
  tid: string;
  uti: string;
  ver: '1.0';
}

export type VerifyResult = { ok: true; claims: AppTokenClaims } | { ok: false; reason: 'empty' | 'expired' | 'invalid' | 'audience' };

/** How the client proved itself: Entra records it in `appidacr` ("1" secret, "2" certificate). */
export type ClientAuthMethod = 'secret' | 'certificate';

/**
 * A token for the gateway's own API (or any custom API registered in the tenant), as a client holds it after
 * asking the STS for `<audience>/.default` or a delegated scope. Tests mint these instead of running a user sign-in.
 */
export interface ApiTokenOptions {
  /** The API: its Application ID URI (what v1 tokens carry) or its client id (what v2 tokens carry). */
  audience: string;
  /** A signed-in user's delegated token, or an application's own (client credentials). */
  kind: 'user' | 'app';
  /** App roles assigned to the user, or granted to the client app: the `roles` claim (absent when empty, as in Entra). */
  roles?: string[];
  /** Delegated scopes of a user token: the `scp` claim. @default ['access_as_user'] */
  scopes?: string[];
  /** v1 tokens say `iss: https://sts.windows.net/{tid}/`, v2 `{login host}/{tid}/v2.0`. @default 2 */
  version?: 1 | 2;
  /** Overrides the authority's lifetime; negative for a token that is already expired. */
  lifetimeSeconds?: number;
  /** When the token becomes valid, in seconds from now. @default -300 (Entra back-dates nbf by five minutes) */
  notBeforeSeconds?: number;
  /** The user of a user token. @default Alex Wilber of the tenant's domain */
  user?: { upn?: string; name?: string; oid?: string };
  /** The client app that asked for the token (`azp`/`appid`). @default a "gateway client" app of the tenant */
  clientId?: string;
  /** Overrides `iss`, for a token that claims to come from another tenant or authority. */
  issuer?: string;
  /**
   * `id`: the user's ID token instead (no `azp`/`appid`, no `scp`, a `nonce`), which a client app holds beside its
   * access token and must never be able to present as one. @default 'access'
   */
  tokenType?: 'access' | 'id';
}

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function newSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  // Entra's kid is a base64url SHA-1 of the signing certificate; a hash of the public key plays that role.
  const kid = createHash('sha1').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
  return { kid, privateKey, publicKey };
}

/** The client id tokens for custom APIs name by default: a tenant's own client app (a dashboard, a script). */
export const DEFAULT_API_CLIENT_ID = 'd4c1e2f3-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const GRAPH_AUDIENCES = new Set([GRAPH_RESOURCE, `${GRAPH_RESOURCE}/`, GRAPH_APP_ID]);

/** A GUID derived from a name, so a service principal's object id stays the same across runs. */
function stableGuid(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The emulated Entra STS's signing side: issues RS256 app tokens shaped like the ones Graph receives and
 * verifies them for the Graph emulator. One key per authority, so a token from another authority (or a
 * tampered one) fails signature validation exactly as a forged token would.
 */
export class TokenAuthority {
  readonly tenantId: string;
  readonly tenantDomain: string | undefined;
  readonly issuer: string;
  readonly #apps = new Map<string, AppRegistration>();
  /** Signs new tokens. */
  #signing: SigningKey;
  /** Every key the JWKS lists: the signing one and those it replaced (Entra keeps a rotated key published). */
  #published: SigningKey[];
  #verifyKeys: ReturnType<typeof createLocalJWKSet>;
  /**
   * Tokens whose signature, issuer and audience already checked out, with their claims. A $batch envelope's twenty
   * items are each authenticated with the envelope's token, and an RSA verification each made the emulator, not the
   * throttling, decide how fast a burst of envelopes was answered. The lifetime is still checked on every use.
   */
  readonly #verified = new Map<string, AppTokenClaims>();
  /** Where the login emulator listens: the host of v2 issuers, as the OpenID metadata names it. */
  #loginOrigin = 'https://login.microsoftonline.com';
  readonly #initialLifetime: number;
  #lifetime: number;

  constructor(options: TokenAuthorityOptions) {
    this.tenantId = options.tenantId.toLowerCase();
    this.tenantDomain = options.tenantDomain?.toLowerCase();
    this.issuer = `${options.issuerOrigin ?? 'https://sts.windows.net'}/${this.tenantId}/`;
    for (const app of options.apps) this.#apps.set(app.clientId.toLowerCase(), app);
    this.#signing = newSigningKey();
    this.#published = [this.#signing];
    this.#verifyKeys = createLocalJWKSet(this.jwks());
    this.#initialLifetime = options.tokenLifetimeSeconds ?? 3599;
    this.#lifetime = this.#initialLifetime;
  }

  /** The id of the key new tokens are signed with. */
  get kid(): string {
    return this.#signing.kid;
  }

  /** `{login origin}/{tenant}/v2.0`: the issuer of v2 tokens, and of the OpenID metadata. */
  get v2Issuer(): string {
    return `${this.#loginOrigin}/${this.tenantId}/v2.0`;
  }

  /** Called once the login emulator listens, so v2 tokens name the host their metadata is served from. */
  setLoginOrigin(origin: string): void {
    this.#loginOrigin = origin.replace(/\/+$/, '');
  }

  /**
   * Signs with a new key from now on, as Entra does every few weeks. The old key stays in the JWKS (Entra publishes
   * keys before and after their use, so tokens already issued still verify), unless `retirePrevious`.
   */
  rotateSigningKey(options: { retirePrevious?: boolean } = {}): string {
    this.#signing = newSigningKey();
    this.#published = options.retirePrevious ? [this.#signing] : [this.#signing, ...this.#published];
    this.#verifyKeys = createLocalJWKSet(this.jwks());
    // A retired key's tokens must stop verifying at once.
    this.#verified.clear();
    return this.#signing.kid;
  }

  get tokenLifetimeSeconds(): number {
    return this.#lifetime;
  }

  setTokenLifetime(seconds: number): void {
    this.#lifetime = seconds;
  }

  /** Restores the lifetime the authority was created with. */
  resetTokenLifetime(): void {
    this.#lifetime = this.#initialLifetime;
  }

  app(clientId: string): AppRegistration | undefined {
    return this.#apps.get(clientId.toLowerCase());
  }

  /** True for the tenant id or its domain, as the STS accepts either in the URL. */
  isTenant(tenant: string): boolean {
    const t = tenant.toLowerCase();
    return t === this.tenantId || (this.tenantDomain !== undefined && t === this.tenantDomain);
  }

  /**
   * Issues an app token for a registered client. `lifetimeSeconds` overrides the configured lifetime for
   * one token (tests pass a negative value to get a token that is already expired); `audience` mints a token
   * for another resource, the kind a client holds when it asked the STS for the wrong scope.
   */
  async issue(
    clientId: string,
    options: { method?: ClientAuthMethod; lifetimeSeconds?: number; audience?: string } = {},
  ): Promise<{ token: string; expiresIn: number }> {
    const app = this.app(clientId);
    if (!app) throw new Error(`TokenAuthority: no app registration '${clientId}'`);
    const lifetime = options.lifetimeSeconds ?? this.#lifetime;
    const now = Math.floor(Date.now() / 1000);
    const oid = stableGuid(`${this.tenantId}/sp/${app.clientId}`);
    const claims: Omit<AppTokenClaims, 'iat' | 'nbf' | 'exp' | 'aud' | 'iss' | 'sub'> = {
      appid: app.clientId,
      app_displayname: app.displayName,
      appidacr: options.method === 'certificate' ? '2' : '1',
      idp: this.issuer,
      idtyp: 'app',
      oid,
      ...(app.roles.length > 0 ? { roles: [...app.roles] } : {}),
      tid: this.tenantId,
      uti: Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url').slice(0, 22),
      ver: '1.0',
    };
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ typ: 'JWT', alg: 'RS256', x5t: this.kid, kid: this.kid })
      .setAudience(options.audience ?? GRAPH_RESOURCE)
      .setIssuer(this.issuer)
      .setSubject(oid)
      .setIssuedAt(now)
      // Entra back-dates nbf by five minutes to absorb clock skew.
      .setNotBefore(now - 300)
      .setExpirationTime(now + lifetime)
      .sign(this.#signing.privateKey);
    return { token, expiresIn: lifetime };
  }

  /**
   * An access token for a custom API such as the gateway's, signed with the key the JWKS publishes: a user's
   * (`oid`, `upn`/`preferred_username`, `name`, `scp`, `roles`) or an application's (`roles`, `idtyp: app`).
   */
  async issueFor(options: ApiTokenOptions): Promise<string> {
    const version = options.version ?? 2;
    const now = Math.floor(Date.now() / 1000);
    const clientId = options.clientId ?? DEFAULT_API_CLIENT_ID;
    const client = version === 2 ? { azp: clientId, azpacr: '1' } : { appid: clientId, appidacr: '1' };
    const roles = options.roles?.length ? { roles: [...options.roles] } : {};
    let claims: Record<string, unknown>;
    if (options.tokenType === 'id') {
      const upn = options.user?.upn ?? `alex.wilber@${this.tenantDomain ?? 'contoso.onmicrosoft.com'}`;
      const oid = options.user?.oid ?? stableGuid(`${this.tenantId}/user/${upn.toLowerCase()}`);
      claims = { preferred_username: upn, name: options.user?.name ?? 'Alex Wilber', oid, sub: oid, nonce: randomUUID(), ...roles };
    } else if (options.kind === 'user') {
      const upn = options.user?.upn ?? `alex.wilber@${this.tenantDomain ?? 'contoso.onmicrosoft.com'}`;
      const oid = options.user?.oid ?? stableGuid(`${this.tenantId}/user/${upn.toLowerCase()}`);
      const name = options.user?.name ?? 'Alex Wilber';
      const who = version === 2 ? { preferred_username: upn, upn } : { upn, unique_name: upn };
      claims = { ...client, ...who, name, oid, sub: oid, scp: (options.scopes ?? ['access_as_user']).join(' '), ...roles };
    } else {
      const oid = stableGuid(`${this.tenantId}/sp/${clientId}`);
      claims = { ...client, oid, sub: oid, idtyp: 'app', ...roles };
    }
    return new SignJWT({
      ...claims,
      tid: this.tenantId,
      uti: Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url').slice(0, 22),
      ver: version === 2 ? '2.0' : '1.0',
    })
      .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: this.kid, ...(version === 1 ? { x5t: this.kid } : {}) })
      .setAudience(options.audience)
      .setIssuer(options.issuer ?? (version === 2 ? this.v2Issuer : this.issuer))
      .setIssuedAt(now)
      .setNotBefore(now + (options.notBeforeSeconds ?? -300))
      .setExpirationTime(now + (options.lifetimeSeconds ?? this.#lifetime))
      .sign(this.#signing.privateKey);
  }

  /** Validates a bearer token the way Graph's front door does: signature and issuer, then lifetime, then audience. */
  async verify(token?: string): Promise<VerifyResult> {
    if (!token) return { ok: false, reason: 'empty' };
    const known = this.#verified.get(token);
    if (known) return known.exp > Math.floor(Date.now() / 1000) ? { ok: true, claims: known } : { ok: false, reason: 'expired' };
    try {
      const { payload } = await jwtVerify(token, this.#verifyKeys, { algorithms: ['RS256'], issuer: this.issuer });
      const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (!audiences.some((a) => a !== undefined && GRAPH_AUDIENCES.has(a))) return { ok: false, reason: 'audience' };
      const claims = payload as unknown as AppTokenClaims;
      // A client holds a handful of tokens at a time; a test that mints thousands only costs a fresh check.
      if (this.#verified.size >= 1_000) this.#verified.clear();
      this.#verified.set(token, claims);
      return { ok: true, claims };
    } catch (e) {
      if (e instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
      return { ok: false, reason: 'invalid' };
    }
  }

  /** The public signing keys, as served at `/{tenant}/discovery/v2.0/keys`: the signing key first. */
  jwks(): { keys: JWK[] } {
    return {
      keys: this.#published.map(({ kid, publicKey }) => {
        const jwk = publicKey.export({ format: 'jwk' });
        return { kty: 'RSA', use: 'sig', kid, x5t: kid, n: jwk.n, e: jwk.e };
      }),
    };
  }
}
