import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePrecedence } from './correlate/precedence.js';
import { DEFAULT_MAPPING, parseMapping, type IotAttributeMapping } from './sync/mapping.js';

/**
 * The only reader of process.env. Settings are parsed and validated once at start; a bad or missing value
 * stops the process with a message that names the variable to set. Secret values are never echoed back.
 */

export interface TenantSettings {
  tenantId: string;
  clientId: string;
  /** Exactly one of the two credentials is set. */
  clientSecret: string | undefined;
  clientCertificatePath: string | undefined;
  authorityHost: string;
  graphBaseUrl: string;
  iotBaseUrl: string;
  iotCustomerId: string;
  iotKeyId: string;
  iotAccessKey: string;
}

/** What one request may ask for; all of it is refused before anything runs (src/limits). */
export interface QueryLimits {
  /** Levels of nested fields (introspection excepted: graphql-js bounds that itself). */
  maxDepth: number;
  /** Aliased fields, counted where each fragment is spread. */
  maxAliases: number;
  /** Field selections, counted where each fragment is spread. */
  maxFields: number;
  /** `first`/`last` of every paged field. */
  maxPageSize: number;
  /** Graph requests (Entra and Intune $batch items) one query may cause, estimated before it runs. */
  maxGraphRequests: number;
  /** Request body, in bytes (413 above). */
  maxBodyBytes: number;
}

/** The page size the resolvers accept at most; QUERY_MAX_PAGE_SIZE can lower it, not raise it. */
export const PAGE_SIZE_CEILING = 500;

/** Who may call the gateway's own API (see README "Authentication"). */
export interface AuthSettings {
  /** `off` serves every caller as an anonymous operator: only ever by an explicit AUTH_MODE=off. */
  mode: 'on' | 'off';
  /**
   * `aud` values an Entra ID token must carry: the Application ID URI (what v1 tokens carry) and, when set, the
   * app registration's client id (what v2 tokens carry).
   */
  audiences: string[];
  /** App role values in the token's `roles` claim that grant the gateway's roles. */
  appRoles: { reader: string; operator: string };
}

export interface GatewayConfig {
  /** `embedded`: no tenant settings, so the gateway starts its own emulators and points the real clients at them. */
  mode: 'embedded' | 'live';
  tenant: TenantSettings | undefined;
  auth: AuthSettings;
  extraCaFile: string | undefined;
  port: number;
  /** Interface to listen on; undefined: all of them. */
  host: string | undefined;
  dataDir: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Inventory refresh period; 0 turns the schedule off (a refresh still runs at start). */
  refreshIntervalMs: number;
  /** The shared cache of live Graph reads behind the Device sections. */
  graphCache: { max: number; ttlMs: number };
  /** Bytes of snapshot-only query answers kept until the store is next written (0: none). */
  answerCacheBytes: number;
  /** `attribute=source,source;…` overrides of the default attribute precedence (intune, entra, iot). */
  attributePrecedence: string | undefined;
  /** The embedded emulators' fleet. */
  embeddedFleet: { seed: number; size: number };
  limits: QueryLimits;
  /** Browser origins allowed to call the API from another origin (CORS); empty: no CORS headers at all. */
  corsOrigins: readonly string[];
  /**
   * A separate listener for /metrics, without authentication, for a scraper on a private network; bound to HOST,
   * else 127.0.0.1. Undefined: /metrics is served on the main port, behind the API's authentication.
   */
  metricsPort: number | undefined;
  sync: {
    /** 0: no scheduled sync (the default); syncs then run only when called. */
    intervalMs: number;
    mapping: IotAttributeMapping;
    chunkSize: number;
    /** bulkUpdate calls in flight at once; the IoT client's pacing keeps them under the API's rate either way. */
    writesInFlight: number;
    staleAfterMs: number;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const TENANT_VARS = [
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PATH',
  'IOT_BASE_URL',
  'IOT_CUSTOMER_ID',
  'IOT_KEY_ID',
  'IOT_ACCESS_KEY',
] as const;

/** Names of the variables that hold secrets: for redaction, never for display of values. */
export const SECRET_VARS = ['AZURE_CLIENT_SECRET', 'IOT_ACCESS_KEY'] as const;

type Env = Record<string, string | undefined>;

function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function httpsUrl(env: Env, name: string, fallback: string | undefined, problems: string[]): string {
  const raw = value(env, name) ?? fallback;
  if (raw === undefined) return '';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`${name} must be an absolute URL such as https://example.com (got a value that does not parse)`);
    return '';
  }
  // Both msal-node and graph-client refuse or misbehave on plain http (no token sent, nextLinks misparsed).
  if (url.protocol !== 'https:') problems.push(`${name} must use https:// (got ${url.protocol}//)`);
  return raw.replace(/\/+$/, '');
}

function port(env: Env, problems: string[]): number {
  const raw = value(env, 'PORT');
  if (raw === undefined) return 4000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    problems.push(`PORT must be a whole number from 0 to 65535 (got "${raw}")`);
    return 4000;
  }
  return n;
}

/** `90s`, `15m`, `2h`, or plain milliseconds; `0`/`off` means never. */
function duration(env: Env, name: string, fallbackMs: number, problems: string[]): number {
  const raw = value(env, name);
  if (raw === undefined) return fallbackMs;
  if (/^(0|off|none)$/i.test(raw)) return 0;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(raw);
  if (!m) {
    problems.push(`${name} must be a duration such as 90s, 15m or 2h, or 0 for off (got "${raw}")`);
    return fallbackMs;
  }
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Math.round(Number(m[1]) * unit);
}

function wholeNumber(env: Env, name: string, fallback: number, problems: string[], min = 0, max = Number.POSITIVE_INFINITY): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name} must be a whole number ${max === Number.POSITIVE_INFINITY ? `of at least ${min}` : `from ${min} to ${max}`} (got "${raw}")`);
    return fallback;
  }
  return n;
}

/** `1048576`, `512KiB` or `1MiB`. */
function byteSize(env: Env, name: string, fallback: number, problems: string[], min: number, max: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const m = /^(\d+)\s*(b|kib|mib)?$/i.exec(raw);
  const n = m ? Number(m[1]) * { b: 1, kib: 1024, mib: 1024 * 1024 }[(m[2] ?? 'b').toLowerCase() as 'b' | 'kib' | 'mib'] : Number.NaN;
  if (!(n >= min && n <= max)) {
    problems.push(`${name} must be a size from ${min} bytes to ${max / (1024 * 1024)}MiB, in bytes or with KiB/MiB, e.g. 1MiB (got "${raw}")`);
    return fallback;
  }
  return n;
}

function queryLimits(env: Env, problems: string[]): QueryLimits {
  return {
    maxDepth: wholeNumber(env, 'QUERY_MAX_DEPTH', 12, problems, 2, 100),
    maxAliases: wholeNumber(env, 'QUERY_MAX_ALIASES', 30, problems, 0, 10_000),
    maxFields: wholeNumber(env, 'QUERY_MAX_FIELDS', 500, problems, 1, 100_000),
    maxPageSize: wholeNumber(env, 'QUERY_MAX_PAGE_SIZE', PAGE_SIZE_CEILING, problems, 1, PAGE_SIZE_CEILING),
    // 1,000: half of Intune's 2,000 requests / 20 s per app, so one query cannot starve the inventory refresh.
    maxGraphRequests: wholeNumber(env, 'MAX_QUERY_GRAPH_REQUESTS', 1000, problems, 0),
    maxBodyBytes: byteSize(env, 'MAX_BODY_BYTES', 1024 * 1024, problems, 1024, 64 * 1024 * 1024),
  };
}

/**
 * Exact origins only: a browser sends `Origin: https://host[:port]`, and a wildcard would let any page read the
 * answers of a user whose browser holds credentials for the API.
 */
function corsOrigins(env: Env, problems: string[]): string[] {
  const raw = value(env, 'CORS_ORIGINS');
  if (raw === undefined) return [];
  const origins: string[] = [];
  for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
      problems.push(`CORS_ORIGINS must list origins such as https://dashboard.example.com, separated by commas (scheme, host and port only; no *, path or query); got "${entry}"`);
      continue;
    }
    origins.push(url.origin);
  }
  return origins;
}

function metricsPort(env: Env, mainPort: number, problems: string[]): number | undefined {
  if (value(env, 'METRICS_PORT') === undefined) return undefined;
  const n = wholeNumber(env, 'METRICS_PORT', 0, problems, 0, 65535);
  if (n !== 0 && n === mainPort) problems.push(`METRICS_PORT must differ from PORT (both are ${n}); unset it to serve /metrics on the main port`);
  return n;
}

function tenantSettings(env: Env, problems: string[]): TenantSettings | undefined {
  const set = TENANT_VARS.filter((name) => value(env, name) !== undefined);
  if (set.length === 0) return undefined;

  const required = ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'IOT_BASE_URL', 'IOT_CUSTOMER_ID', 'IOT_KEY_ID', 'IOT_ACCESS_KEY'];
  const missing = required.filter((name) => value(env, name) === undefined);
  const secret = value(env, 'AZURE_CLIENT_SECRET');
  const certificate = value(env, 'AZURE_CLIENT_CERTIFICATE_PATH');
  if (!secret && !certificate) missing.push('AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH');
  if (missing.length > 0) {
    problems.push(
      `some tenant settings are set (${set.join(', ')}) but not all: set ${missing.join(', ')}` +
        ' (or unset them all to run on the embedded emulators)',
    );
  }
  if (secret && certificate) problems.push('set AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH, not both');
  if (certificate && !existsSync(certificate)) problems.push(`AZURE_CLIENT_CERTIFICATE_PATH names a file that does not exist: ${certificate}`);

  return {
    tenantId: value(env, 'AZURE_TENANT_ID') ?? '',
    clientId: value(env, 'AZURE_CLIENT_ID') ?? '',
    clientSecret: secret,
    clientCertificatePath: certificate,
    authorityHost: httpsUrl(env, 'AZURE_AUTHORITY_HOST', 'https://login.microsoftonline.com', problems),
    graphBaseUrl: httpsUrl(env, 'GRAPH_BASE_URL', 'https://graph.microsoft.com', problems),
    iotBaseUrl: httpsUrl(env, 'IOT_BASE_URL', undefined, problems),
    iotCustomerId: value(env, 'IOT_CUSTOMER_ID') ?? '',
    iotKeyId: value(env, 'IOT_KEY_ID') ?? '',
    iotAccessKey: value(env, 'IOT_ACCESS_KEY') ?? '',
  };
}

export const DEFAULT_AUTH_AUDIENCE = 'api://entra-iot-gateway';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * AUTH_MODE, AUTH_AUDIENCE, AUTH_CLIENT_ID and the app role names. Live mode must be told how its callers
 * authenticate: with none of AUTH_MODE, AUTH_AUDIENCE, AUTH_CLIENT_ID set it refuses to start, because the default
 * audience is a placeholder no tenant issues tokens for until someone registers it, so a silent default would be
 * a gateway nobody can call (or, worse, one that gets switched off in a hurry). The embedded default needs no
 * setting: its demo API key and the emulator's tokens work out of the box.
 */
function authSettings(env: Env, live: boolean, problems: string[]): AuthSettings {
  const rawMode = value(env, 'AUTH_MODE');
  const mode = (rawMode ?? 'on').toLowerCase();
  if (mode !== 'on' && mode !== 'off') problems.push(`AUTH_MODE must be on or off (got "${rawMode}")`);
  const audience = value(env, 'AUTH_AUDIENCE');
  const clientId = value(env, 'AUTH_CLIENT_ID');
  if (audience !== undefined && /\s|,/.test(audience)) problems.push('AUTH_AUDIENCE must be one Application ID URI such as api://entra-iot-gateway (no spaces or commas)');
  if (clientId !== undefined && !GUID.test(clientId)) problems.push(`AUTH_CLIENT_ID must be the client id (a GUID) of the gateway's app registration (got "${clientId}")`);
  if (live && rawMode === undefined && audience === undefined && clientId === undefined) {
    problems.push(
      'live mode needs to know how callers of the gateway authenticate, and none of AUTH_MODE, AUTH_AUDIENCE, AUTH_CLIENT_ID is set: ' +
        "set AUTH_AUDIENCE to the Application ID URI of the gateway's app registration (and AUTH_CLIENT_ID to its client id) to accept Entra ID tokens with app roles, " +
        `or AUTH_MODE=on to keep the defaults (tokens for ${DEFAULT_AUTH_AUDIENCE}, API keys from \`npm run apikey -- create\`), ` +
        'or AUTH_MODE=off to serve every caller without authentication (see README "Authentication")',
    );
  }
  const reader = value(env, 'AUTH_READER_ROLE') ?? 'Gateway.Reader';
  const operator = value(env, 'AUTH_OPERATOR_ROLE') ?? 'Gateway.Operator';
  if (reader === operator) problems.push(`AUTH_READER_ROLE and AUTH_OPERATOR_ROLE must differ (both are "${reader}")`);
  return {
    mode: mode === 'off' ? 'off' : 'on',
    audiences: [audience ?? DEFAULT_AUTH_AUDIENCE, ...(clientId ? [clientId.toLowerCase()] : [])],
    appRoles: { reader, operator },
  };
}

/**
 * What the gateway's command-line clients (`npm run sync`) read from the environment. The API key comes from here
 * and never from a flag, where it would show in the process list and the shell history.
 */
export function loadClientSettings(env: Env = process.env): { apiKey: string | undefined } {
  return { apiKey: value(env, 'GATEWAY_API_KEY') };
}

/** Reads and validates the settings. Throws one ConfigError listing every problem, so one restart fixes them all. */
export function loadConfig(env: Env = process.env): Readonly<GatewayConfig> {
  const problems: string[] = [];
  const tenant = tenantSettings(env, problems);

  const extraCaFile = value(env, 'EXTRA_CA_FILE');
  if (extraCaFile) {
    if (!existsSync(extraCaFile)) problems.push(`EXTRA_CA_FILE names a file that does not exist: ${extraCaFile}`);
    else if (!readFileSync(extraCaFile, 'utf8').includes('-----BEGIN CERTIFICATE-----')) {
      problems.push(`EXTRA_CA_FILE must hold a PEM certificate (-----BEGIN CERTIFICATE-----): ${extraCaFile}`);
    }
  }

  const logLevel = (value(env, 'LOG_LEVEL') ?? 'info') as GatewayConfig['logLevel'];
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) problems.push(`LOG_LEVEL must be debug, info, warn or error (got "${logLevel}")`);

  const mainPort = port(env, problems);
  const config: GatewayConfig = {
    mode: tenant ? 'live' : 'embedded',
    tenant: tenant ? Object.freeze(tenant) : undefined,
    auth: authSettings(env, tenant !== undefined, problems),
    extraCaFile,
    port: mainPort,
    host: value(env, 'HOST'),
    dataDir: path.resolve(value(env, 'DATA_DIR') ?? '.data'),
    logLevel,
    refreshIntervalMs: duration(env, 'REFRESH_INTERVAL', 15 * 60_000, problems),
    graphCache: { max: wholeNumber(env, 'GRAPH_CACHE_MAX', 10_000, problems, 1), ttlMs: duration(env, 'GRAPH_CACHE_TTL', 60_000, problems) },
    answerCacheBytes: wholeNumber(env, 'ANSWER_CACHE_MB', 64, problems, 0, 4096) * 2 ** 20,
    attributePrecedence: value(env, 'ATTRIBUTE_PRECEDENCE'),
    embeddedFleet: { seed: wholeNumber(env, 'EMBEDDED_FLEET_SEED', 1, problems), size: wholeNumber(env, 'EMBEDDED_FLEET_SIZE', 2000, problems) },
    limits: Object.freeze(queryLimits(env, problems)),
    corsOrigins: Object.freeze(corsOrigins(env, problems)),
    metricsPort: metricsPort(env, mainPort, problems),
    sync: {
      intervalMs: duration(env, 'SYNC_INTERVAL', 0, problems),
      mapping: DEFAULT_MAPPING,
      chunkSize: wholeNumber(env, 'SYNC_CHUNK_SIZE', 200, problems, 1),
      writesInFlight: wholeNumber(env, 'SYNC_WRITES_IN_FLIGHT', 8, problems, 1, 16),
      staleAfterMs: duration(env, 'SYNC_STALE_AFTER', 60 * 86_400_000, problems),
    },
  };
  try {
    config.sync.mapping = parseMapping(value(env, 'SYNC_UPDATE_SOURCE'), value(env, 'SYNC_ATTRIBUTE_MAP'));
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (config.attributePrecedence) {
    try {
      parsePrecedence(config.attributePrecedence);
    } catch (e) {
      problems.push(`ATTRIBUTE_PRECEDENCE: ${(e as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return Object.freeze(config);
}
