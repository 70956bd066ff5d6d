import { createRemoteJWKSet, customFetch, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { fetch, type Dispatcher } from 'undici';
import { CredentialError, SigningKeysUnavailableError } from './errors.js';

export interface EntraTokenVerifierOptions {
  /** `https://login.microsoftonline.com`, a sovereign cloud's host, or the login emulator's origin. */
  authorityHost: string;
  /** The tenant's id (a GUID) or one of its verified domains. */
  tenant: string;
  /** Accepted `aud` values: the API's Application ID URI, and its client id (v2 tokens carry that). */
  audiences: readonly string[];
  /** Trusts EXTRA_CA_FILE (the emulator's CA, a TLS-inspecting proxy's), like every other upstream call. */
  dispatcher: Dispatcher;
  /**
   * Least time between two JWKS fetches that tokens with an unknown `kid` cause. A token signed with a key the
   * tenant just rotated to makes jose fetch the keys again, but a stream of forged `kid`s must not turn the gateway
   * into a fetch loop against Entra. @default 30 s (jose's)
   */
  jwksCooldownMs?: number;
}

/** Verifies an Entra ID access token for the gateway's API and returns its claims, or throws why not. */
export type EntraTokenVerifier = (token: string) => Promise<JWTPayload>;

/** Entra's own libraries allow five minutes; a minute is plenty for hosts that keep time. */
const CLOCK_TOLERANCE_SECONDS = 60;
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const TENANT_ID = new RegExp(`^${GUID.source}$`, 'i');
/** Entra signs access tokens with RS256 only; anything else (`none`, HS256 keyed with the public key) is an attack. */
const ALGORITHMS = ['RS256'];

type JoseFetch = NonNullable<Parameters<typeof createRemoteJWKSet>[1]>[typeof customFetch];

/**
 * Checks the signature against the tenant's published keys (fetched from `{host}/{tenant}/discovery/v2.0/keys`,
 * cached, and fetched again when a token names a key not yet seen, which is how Entra's key rotation reaches us),
 * the algorithm, the issuer (the v2 `{host}/{tid}/v2.0` and the v1 `https://sts.windows.net/{tid}/`, as Entra
 * issues both depending on the API's accessTokenAcceptedVersion), the audience, the lifetime, and that it is an
 * access token at all.
 */
export function createEntraTokenVerifier(options: EntraTokenVerifierOptions): EntraTokenVerifier {
  const host = options.authorityHost.replace(/\/+$/, '');
  const tenant = encodeURIComponent(options.tenant);
  const audiences = [...options.audiences];

  const viaDispatcher = async (url: string, init: { method?: string; headers?: Headers; signal?: AbortSignal }): Promise<Response> => {
    let res;
    try {
      res = await fetch(url, { method: init.method ?? 'GET', headers: init.headers ? Object.fromEntries(init.headers) : undefined, signal: init.signal, redirect: 'manual', dispatcher: options.dispatcher });
    } catch (err) {
      throw new SigningKeysUnavailableError(`${url} could not be reached`, { cause: err });
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new SigningKeysUnavailableError(`${url} answered HTTP ${res.status}`);
    }
    // undici's Response is the one Node's global fetch returns; only the type names differ.
    return res as unknown as Response;
  };

  const jwks = createRemoteJWKSet(new URL(`${host}/${tenant}/discovery/v2.0/keys`), {
    [customFetch]: viaDispatcher as unknown as JoseFetch,
    cooldownDuration: options.jwksCooldownMs ?? 30_000,
    timeoutDuration: 5_000,
  });

  const issuersOf = (tid: string): string[] => [`${host}/${tid}/v2.0`, `https://sts.windows.net/${tid}/`];
  // Issuers name the tenant by id. Configured by domain, the id comes from the tenant's OpenID metadata, once; a
  // failed lookup is not cached, so the next request tries again.
  let issuers: Promise<string[]> | null = TENANT_ID.test(options.tenant) ? Promise.resolve(issuersOf(options.tenant.toLowerCase())) : null;
  const acceptedIssuers = (): Promise<string[]> =>
    (issuers ??= (async () => {
      const res = await viaDispatcher(`${host}/${tenant}/v2.0/.well-known/openid-configuration`, {});
      const issuer = ((await res.json().catch(() => ({}))) as { issuer?: unknown }).issuer;
      const tid = typeof issuer === 'string' ? GUID.exec(issuer)?.[0] : undefined;
      if (!tid) throw new SigningKeysUnavailableError(`the OpenID metadata of ${options.tenant} names no tenant id`);
      return issuersOf(tid.toLowerCase());
    })().catch((err: unknown) => {
      issuers = null;
      throw err;
    }));

  return async (token) => {
    // Shape and algorithm first: garbage and `alg: none` are refused without a network round trip.
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new CredentialError('malformed', 'the bearer token is not a well-formed JWT', 'bearer');
    }
    if (typeof alg !== 'string') throw new CredentialError('malformed', 'the bearer token is not a well-formed JWT', 'bearer');
    if (!ALGORITHMS.includes(alg)) throw new CredentialError('algorithm', 'the bearer token must be signed with RS256', 'bearer');

    const issuer = await acceptedIssuers();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        algorithms: ALGORITHMS,
        issuer,
        audience: audiences,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'iat'],
      }));
    } catch (err) {
      throw refusal(err, audiences);
    }
    // An ID token for the same app passes every check above; only access tokens name the client that asked
    // (v2 `azp`, v1 `appid`).
    if (typeof payload.azp !== 'string' && typeof payload.appid !== 'string') {
      throw new CredentialError('not-an-access-token', 'the bearer token is not an access token (an ID token?); request an access token for the gateway API', 'bearer');
    }
    return payload;
  };
}

/** jose's verdict in words for the caller; never a claim's value or the token. */
function refusal(err: unknown, audiences: readonly string[]): Error {
  if (err instanceof CredentialError || err instanceof SigningKeysUnavailableError) return err;
  const refuse = (reason: ConstructorParameters<typeof CredentialError>[0], message: string) => new CredentialError(reason, message, 'bearer');
  if (err instanceof errors.JWTExpired) return refuse('expired', 'the bearer token has expired; get a new one');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf' || err.claim === 'iat') return refuse('not-yet-valid', 'the bearer token is not valid yet (check the clock of the machine that asked for it)');
    if (err.claim === 'aud') return refuse('audience', `the bearer token is for another API; request one for ${audiences.join(' or ')}`);
    if (err.claim === 'iss') return refuse('issuer', "the bearer token was not issued by this gateway's Entra ID tenant");
    return refuse('malformed', `the bearer token's ${err.claim} claim is missing or invalid`);
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return refuse('algorithm', 'the bearer token must be signed with RS256');
  if (err instanceof errors.JWSSignatureVerificationFailed) return refuse('signature', "the bearer token's signature does not verify against the tenant's signing keys");
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
    return refuse('unknown-signing-key', 'the bearer token names a signing key the tenant does not publish');
  }
  // The keys could not be fetched or read: not the caller's fault.
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || (err instanceof errors.JOSEError && err.code === 'ERR_JOSE_GENERIC')) {
    return new SigningKeysUnavailableError('the signing keys could not be read', { cause: err });
  }
  return refuse('malformed', 'the bearer token is not a well-formed JWT');
}
