import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startGateway } from '../../src/server.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from '../helpers/gateway.js';

const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

/** A gateway in live mode against another gateway's emulators, with one credential wrong, logging at debug. */
async function liveGatewayWith(settings: Record<string, string>, patch: Record<string, string>, lines: string[]) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'eig-secrets-'));
  const env = Object.fromEntries(Object.entries(settings).filter(([k]) => /^[A-Z_]+$/.test(k)));
  const config = loadConfig({ ...env, ...patch, DATA_DIR: dataDir, PORT: '0', REFRESH_INTERVAL: '0', LOG_LEVEL: 'debug', AUTH_MODE: 'off' });
  const destination = new Writable({
    write(chunk: Buffer, _e, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const gw = await startGateway(config, { loopbackOnly: true, logDestination: destination });
  cleanup.push(async () => {
    await gw.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return gw;
}

describe('secrets', () => {
  it('never reach a log line or an error, through a faulty full sync at debug level and refused credentials', async () => {
    const gw: TestGateway = await startTestGateway({
      size: 200,
      env: { LOG_LEVEL: 'debug', SYNC_CHUNK_SIZE: '20' },
      start: {
        emulators: {
          faults: {
            graph: { rate429: 0.1, rate503: 0.05, rateReset: 0.05, rateBatchItem429: 0.2, rateTruncate: 0.01, retryAfterSeconds: 0.05 },
            iot: { rate429: 0.1, rate503: 0.1, rateReset: 0.05 },
            login: { rateTokenFailure: 0.1, retryAfterSeconds: 0.05 },
          },
        },
      },
    });
    cleanup.push(() => gw.close());
    const settings = gw.emulators!.settings as unknown as Record<string, string>;
    const responses: GraphqlResponse[] = [];

    responses.push(await gw.gql('mutation { syncDevices(input: { fullResync: true }) { status errors upstream { throttled } } }'));
    responses.push(await gw.gql('{ devices(first: 60) { nodes { entra { id } intune { id ethernetMacAddress } iot(live: false) { deviceId } } } }'));
    responses.push(await gw.gql('query { a: device(id: "x") { id } b: deviceByMac(mac: "not-a-mac") { id } }'));

    const wrongSecret = 'wrong-client-secret-0123456789';
    const wrongKey = 'wrong-iot-access-key-0123456789';
    const badLines: string[] = [];
    const badAzure = await liveGatewayWith(settings, { AZURE_CLIENT_SECRET: wrongSecret }, badLines);
    const badIot = await liveGatewayWith(settings, { IOT_ACCESS_KEY: wrongKey }, badLines);
    const refusals = [await badAzure.inventory.refresh(), await badIot.inventory.refresh()];
    expect(refusals.map((r) => r.status)).toEqual(['failed', 'failed']);

    const everything = [
      ...gw.logs.map((l) => JSON.stringify(l)),
      ...badLines,
      ...responses.map((r) => JSON.stringify(r)),
      ...refusals.map((r) => JSON.stringify(r)),
    ].join('\n');
    // The sync and the refusals really happened and were logged at debug level.
    expect(gw.logs.some((l) => l.msg === 'upstream call')).toBe(true);
    expect(everything).toContain('AADSTS7000215');
    for (const secret of [settings.AZURE_CLIENT_SECRET!, settings.IOT_ACCESS_KEY!, wrongSecret, wrongKey]) {
      expect(everything.includes(secret), `a secret of ${secret.length} characters leaked`).toBe(false);
    }
    // No bearer token of any kind: no "Bearer <token>" and nothing shaped like a JWT.
    expect(everything).not.toMatch(/Bearer\s+(?!\[redacted\])[A-Za-z0-9._-]{10,}/);
    expect(everything).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./);
  }, 120_000);
});
