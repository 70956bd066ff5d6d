import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { LIVE_ENV, refusalOf } from './helpers/configEnv.js';

// Live mode must say how its callers authenticate (test/auth/config.test.ts).
const live = { ...LIVE_ENV, AUTH_AUDIENCE: 'api://entra-iot-gateway' };
describe('loadConfig', () => {
  it('chooses the embedded emulators when no tenant setting is present', () => {
    const config = loadConfig({});
    expect(config.mode).toBe('embedded');
    expect(config.tenant).toBeUndefined();
    expect(config.port).toBe(4000);
  });

  it('runs live with every tenant setting and fills the Microsoft defaults', () => {
    const config = loadConfig(live);
    expect(config.mode).toBe('live');
    expect(config.tenant?.authorityHost).toBe('https://login.microsoftonline.com');
    expect(config.tenant?.graphBaseUrl).toBe('https://graph.microsoft.com');
  });

  it('refuses a partial tenant configuration and names every missing variable', () => {
    const message = refusalOf({ AZURE_TENANT_ID: 't', IOT_KEY_ID: 'k' });
    for (const name of ['AZURE_CLIENT_ID', 'IOT_BASE_URL', 'IOT_CUSTOMER_ID', 'IOT_ACCESS_KEY', 'AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH']) {
      expect(message).toContain(name);
    }
  });

  it('never echoes a secret value in its complaints', () => {
    const message = refusalOf({ ...live, GRAPH_BASE_URL: 'http://graph.local', PORT: 'ninety' });
    expect(message).toContain('GRAPH_BASE_URL must use https://');
    expect(message).toContain('PORT must be a whole number');
    expect(message).not.toContain(LIVE_ENV.AZURE_CLIENT_SECRET);
    expect(message).not.toContain(LIVE_ENV.IOT_ACCESS_KEY);
  });

  it('refuses both a client secret and a certificate, and a certificate file that does not exist', () => {
    expect(refusalOf({ ...live, AZURE_CLIENT_CERTIFICATE_PATH: '/nope/cert.pem' })).toMatch(/not both[\s\S]*does not exist/);
  });

  it('checks that EXTRA_CA_FILE holds a PEM certificate', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
    const bad = path.join(dir, 'ca.txt');
    writeFileSync(bad, 'not a certificate');
    expect(refusalOf({ EXTRA_CA_FILE: bad })).toContain('EXTRA_CA_FILE must hold a PEM certificate');
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });
});
