import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fetch } from 'undici';
import { createApiKey } from '../../src/auth/apiKeys.js';
import { loadConfig } from '../../src/config.js';
import { generateFleet } from '../../src/emulators/fleet/generate.js';
import { startGateway, type Gateway, type StartOptions } from '../../src/server.js';
import { control, type EmulatorControl } from './embedded.js';

export interface GraphqlResponse<T = Record<string, any>> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: { code?: string; [k: string]: unknown } }>;
}

export interface TestGateway extends Gateway {
  /**
   * POSTs to /graphql. Without `headers` the request carries the operator key below; with them it carries exactly
   * those (besides content-type): `{}` sends no credential, `{ authorization: 'Bearer …' }` another one.
   */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphqlResponse<T>>;
  /** An operator API key made for the test (named `test-operator`). */
  operatorKey: string;
  /** `{ 'x-api-key': operatorKey }`, for tests that call fetch themselves. */
  authHeaders: Record<string, string>;
  /** Every log line the gateway wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  /** The embedded Graph and IoT Security emulators' control planes (stats, faults, reset, truth); closed by close(). */
  graph: EmulatorControl;
  iot: EmulatorControl;
}

/**
 * The whole gateway in-process on the embedded emulators: real clients, real HTTP on 127.0.0.1, a temporary
 * DATA_DIR. Limits are raised unless a test asks for tight ones, so refreshes take seconds.
 */
export async function startTestGateway(
  options: { seed?: number; size?: number; env?: Record<string, string>; start?: StartOptions } = {},
): Promise<TestGateway> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'eig-gw-'));
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', REFRESH_INTERVAL: '0', LOG_LEVEL: 'info', ...options.env });
  const logs: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  // Today's fleet: staleness is judged against the real clock, so the fleet's dates must be recent too.
  const fleet = generateFleet({ seed: options.seed ?? 1, size: options.size ?? 300 });
  const gateway = await startGateway(config, {
    loopbackOnly: true,
    logDestination: destination,
    ...options.start,
    emulators: { fleet, limits: { intune: { limit: 20_000, windowMs: 20_000 }, intuneTenant: { limit: 40_000, windowMs: 20_000 } }, ...options.start?.emulators },
    sources: { graphLimits: { intune: { limit: 18_000, windowMs: 20_000 } }, ...options.start?.sources },
  });
  const emulators = gateway.emulators;
  if (!emulators) throw new Error('startTestGateway: the gateway started without its embedded emulators');
  const graph = control(emulators.graph.origin, emulators.settings.caFile);
  const iot = control(emulators.iot.origin, emulators.settings.caFile);
  const operatorKey = createApiKey(gateway.store, { name: 'test-operator', role: 'operator' }).key;
  const authHeaders = { 'x-api-key': operatorKey };
  return {
    ...gateway,
    logs,
    graph,
    iot,
    operatorKey,
    authHeaders,
    async gql(query, variables, headers) {
      const res = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(headers ?? authHeaders) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as GraphqlResponse;
      return { ...body, status: res.status } as never;
    },
    close: async () => {
      await Promise.all([graph.close(), iot.close()]);
      await gateway.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
