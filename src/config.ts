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

export interface GatewayConfig {
  /** `embedded`: no tenant settings, so the gateway starts its own emulators and points the real clients at them. */
  mode: 'embedded' | 'live';
  tenant: TenantSettings | undefined;
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
  /** `attribute=source,source;…` overrides of the default attribute precedence (intune, entra, iot). */
  attributePrecedence: string | undefined;
  /** The embedded emulators' fleet. */
  embeddedFleet: { seed: number; size: number };
  sync: {
    /** 0: no scheduled sync (the default); syncs then run only when called. */
    intervalMs: number;
    mapping: IotAttributeMapping;
    chunkSize: number;
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

function wholeNumber(env: Env, name: string, fallback: number, problems: string[], min = 0): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    problems.push(`${name} must be a whole number of at least ${min} (got "${raw}")`);
    return fallback;
  }
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

  const config: GatewayConfig = {
    mode: tenant ? 'live' : 'embedded',
    tenant: tenant ? Object.freeze(tenant) : undefined,
    extraCaFile,
    port: port(env, problems),
    host: value(env, 'HOST'),
    dataDir: path.resolve(value(env, 'DATA_DIR') ?? '.data'),
    logLevel,
    refreshIntervalMs: duration(env, 'REFRESH_INTERVAL', 15 * 60_000, problems),
    graphCache: { max: wholeNumber(env, 'GRAPH_CACHE_MAX', 10_000, problems, 1), ttlMs: duration(env, 'GRAPH_CACHE_TTL', 60_000, problems) },
    attributePrecedence: value(env, 'ATTRIBUTE_PRECEDENCE'),
    embeddedFleet: { seed: wholeNumber(env, 'EMBEDDED_FLEET_SEED', 1, problems), size: wholeNumber(env, 'EMBEDDED_FLEET_SIZE', 2000, problems) },
    sync: {
      intervalMs: duration(env, 'SYNC_INTERVAL', 0, problems),
      mapping: DEFAULT_MAPPING,
      chunkSize: wholeNumber(env, 'SYNC_CHUNK_SIZE', 200, problems, 1),
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
