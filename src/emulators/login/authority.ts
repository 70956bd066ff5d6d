import { createHash, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWK } from 'jose';

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
  readonly kid: string;
  readonly #apps = new Map<string, AppRegistration>();
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;
  readonly #initialLifetime: number;
  #lifetime: number;

  constructor(options: TokenAuthorityOptions) {
    this.tenantId = options.tenantId.toLowerCase();
    this.tenantDomain = options.tenantDomain?.toLowerCase();
    this.issuer = `${options.issuerOrigin ?? 'https://sts.windows.net'}/${this.tenantId}/`;
    for (const app of options.apps) this.#apps.set(app.clientId.toLowerCase(), app);
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.#privateKey = privateKey;
    this.#publicKey = publicKey;
    // Entra's kid is a base64url SHA-1 of the signing certificate; a hash of the public key plays that role.
    this.kid = createHash('sha1').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
    this.#initialLifetime = options.tokenLifetimeSeconds ?? 3599;
    this.#lifetime = this.#initialLifetime;
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
      .sign(this.#privateKey);
    return { token, expiresIn: lifetime };
  }

  /** Validates a bearer token the way Graph's front door does: signature and issuer, then lifetime, then audience. */
  async verify(token?: string): Promise<VerifyResult> {
    if (!token) return { ok: false, reason: 'empty' };
    try {
      const { payload } = await jwtVerify(token, this.#publicKey, { algorithms: ['RS256'], issuer: this.issuer });
      const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (!audiences.some((a) => a !== undefined && GRAPH_AUDIENCES.has(a))) return { ok: false, reason: 'audience' };
      return { ok: true, claims: payload as unknown as AppTokenClaims };
    } catch (e) {
      if (e instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
      return { ok: false, reason: 'invalid' };
    }
  }

  /** The public signing keys, as served at `/{tenant}/discovery/v2.0/keys`. */
  jwks(): { keys: JWK[] } {
    const jwk = this.#publicKey.export({ format: 'jwk' });
    return { keys: [{ kty: 'RSA', use: 'sig', kid: this.kid, x5t: this.kid, n: jwk.n, e: jwk.e }] };
  }
}
