import type { TenantSettings } from '../config.js';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateFleet } from './fleet/generate.js';
import type { Fleet } from './fleet/types.js';
import { createGraphService } from './graph/graphService.js';
import { FaultInjector, type FaultConfig } from './http/faults.js';
import { startEmulator, type RunningEmulator } from './http/server.js';
import { EmulatorStats } from './http/stats.js';
import { createIotService } from './iot/iotService.js';
import { TokenAuthority } from './login/authority.js';
import { createClientCertificate } from './login/clientCertificate.js';
import { createLoginService } from './login/loginService.js';
import { createEmulatorTls } from './tls.js';

/** Every setting a client needs, keyed by the gateway's own environment variable names. */
export interface EmulatorSettings {
  AZURE_TENANT_ID: string;
  AZURE_CLIENT_ID: string;
  AZURE_CLIENT_SECRET: string;
  AZURE_AUTHORITY_HOST: string;
  GRAPH_BASE_URL: string;
  IOT_BASE_URL: string;
  IOT_CUSTOMER_ID: string;
  IOT_KEY_ID: string;
  IOT_ACCESS_KEY: string;
  EXTRA_CA_FILE: string;
  /** Not an env var of the gateway's: the same app's certificate credential, for trying certificate auth. */
  clientCertificateFile: string;
  /** The CA file again under a plain name, for scripts that only want to trust the emulators. */
  caFile: string;
}

/** The tenant settings the real clients need, pointed at these emulators (embedded mode, tests, benchmarks). */
export function tenantSettingsOf(s: EmulatorSettings): TenantSettings {
  return {
    tenantId: s.AZURE_TENANT_ID,
    clientId: s.AZURE_CLIENT_ID,
    clientSecret: s.AZURE_CLIENT_SECRET,
    clientCertificatePath: undefined,
    authorityHost: s.AZURE_AUTHORITY_HOST,
    graphBaseUrl: s.GRAPH_BASE_URL,
    iotBaseUrl: s.IOT_BASE_URL,
    iotCustomerId: s.IOT_CUSTOMER_ID,
    iotKeyId: s.IOT_KEY_ID,
    iotAccessKey: s.IOT_ACCESS_KEY,
  };
}

export interface Limit {
  limit: number;
  windowMs: number;
}

export interface StartEmulatorsOptions {
  /** Where emulators.json, the CA and the client certificate are written. */
  dataDir: string;
  fleet?: Fleet;
  seed?: number;
  size?: number;
  tokenLifetimeSeconds?: number;
  /** Upstream limits; shrink the windows to make tests and benchmarks take seconds instead of minutes. */
  limits?: { intune?: Limit; intuneTenant?: Limit; directory?: Limit; iotList?: Limit; iotOther?: Limit };
  /** Initial faults, per emulator. */
  faults?: { login?: Partial<FaultConfig>; graph?: Partial<FaultConfig>; iot?: Partial<FaultConfig> };
  ports?: { login?: number; graph?: number; iot?: number };
}

export interface RunningEmulators {
  settings: EmulatorSettings;
  fleet: Fleet;
  login: RunningEmulator;
  graph: RunningEmulator;
  iot: RunningEmulator;
  /** Mints and verifies the emulated tenant's tokens (tests use it for expired and forged tokens). */
  authority: TokenAuthority;
  close(): Promise<void>;
}

/** Fixed tenant identity, so a developer's bookmarks and scripts survive restarts; secrets are fresh each start. */
const TENANT_ID = '7d5c3c2e-1f4b-4c8e-9a2d-3b6f0e1a9c41';
const TENANT_DOMAIN = 'contoso.onmicrosoft.com';
const CLIENT_ID = 'b3e1f0a2-6c4d-4e7f-8a9b-0c1d2e3f4a5b';
const CUSTOMER_ID = 'contoso';

/** The published limits, with every window divided by `scale` (benchmarks run hours of throttling in minutes). */
export function scaledLimits(scale = 1): NonNullable<StartEmulatorsOptions['limits']> {
  const w = (ms: number): number => Math.max(1, Math.round(ms / scale));
  return {
    intune: { limit: 2000, windowMs: w(20_000) },
    intuneTenant: { limit: 4000, windowMs: w(20_000) },
    directory: { limit: 8000, windowMs: w(10_000) },
    iotList: { limit: 60, windowMs: w(60_000) },
    iotOther: { limit: 180, windowMs: w(60_000) },
  };
}

export const EMULATOR_APP_ROLES = ['Device.Read.All', 'DeviceManagementManagedDevices.Read.All', 'User.Read.All'];

/**
 * Starts the login, Graph and IoT Security emulators on 127.0.0.1, all over https with one throwaway CA,
 * and writes the settings a client needs to `dataDir/emulators.json`.
 */
export async function startEmulators(options: StartEmulatorsOptions): Promise<RunningEmulators> {
  mkdirSync(options.dataDir, { recursive: true });
  const fleet = options.fleet ?? generateFleet({ seed: options.seed ?? 1, size: options.size ?? 2000 });
  const tls = await createEmulatorTls();
  const clientCert = await createClientCertificate(CLIENT_ID);
  const clientSecret = randomBytes(24).toString('base64url');
  const iotKeyId = randomUUID();
  const iotAccessKey = randomBytes(32).toString('base64url');

  const authority = new TokenAuthority({
    tenantId: TENANT_ID,
    tenantDomain: TENANT_DOMAIN,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3599,
    apps: [
      {
        clientId: CLIENT_ID,
        displayName: 'entra-iot-gateway',
        clientSecret,
        certificatePem: clientCert.certPem,
        roles: EMULATOR_APP_ROLES,
      },
    ],
  });

  const started: RunningEmulator[] = [];
  try {
    const loginInjector = new FaultInjector(options.faults?.login);
    const login = await startEmulator(createLoginService(authority, { injector: loginInjector }), {
      tls,
      port: options.ports?.login,
      injector: loginInjector,
    });
    started.push(login);
    authority.setLoginOrigin(login.origin);

    const graphInjector = new FaultInjector(options.faults?.graph);
    const graphStats = new EmulatorStats();
    const graph = await startEmulator(
      createGraphService({
        fleet,
        authority,
        injector: graphInjector,
        stats: graphStats,
        throttle: { intune: options.limits?.intune, intuneTenant: options.limits?.intuneTenant, directory: options.limits?.directory },
      }),
      { tls, port: options.ports?.graph, injector: graphInjector, stats: graphStats },
    );
    started.push(graph);

    const iot = await startEmulator(
      createIotService({
        fleet,
        customerId: CUSTOMER_ID,
        keyId: iotKeyId,
        accessKey: iotAccessKey,
        limits: { list: options.limits?.iotList, other: options.limits?.iotOther },
      }),
      { tls, port: options.ports?.iot, faults: options.faults?.iot },
    );
    started.push(iot);

    const caFile = path.join(options.dataDir, 'emulator-ca.pem');
    const clientCertificateFile = path.join(options.dataDir, 'emulator-client-cert.pem');
    writeFileSync(caFile, tls.caPem);
    writeFileSync(clientCertificateFile, clientCert.certPem + clientCert.privateKeyPem, { mode: 0o600 });

    const settings: EmulatorSettings = {
      AZURE_TENANT_ID: TENANT_ID,
      AZURE_CLIENT_ID: CLIENT_ID,
      AZURE_CLIENT_SECRET: clientSecret,
      AZURE_AUTHORITY_HOST: login.origin,
      GRAPH_BASE_URL: graph.origin,
      IOT_BASE_URL: iot.origin,
      IOT_CUSTOMER_ID: CUSTOMER_ID,
      IOT_KEY_ID: iotKeyId,
      IOT_ACCESS_KEY: iotAccessKey,
      EXTRA_CA_FILE: caFile,
      clientCertificateFile,
      caFile,
    };
    // The file holds the emulator's throwaway secrets, readable by the owner only.
    writeFileSync(path.join(options.dataDir, 'emulators.json'), JSON.stringify(settings, null, 2) + '\n', { mode: 0o600 });

    return {
      settings,
      fleet,
      login,
      graph,
      iot,
      authority,
      close: async () => {
        await Promise.all(started.map((e) => e.close()));
      },
    };
  } catch (err) {
    await Promise.all(started.map((e) => e.close()));
    throw err;
  }
}
