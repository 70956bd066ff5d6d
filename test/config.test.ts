import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const live = {
  AZURE_TENANT_ID: 'tenant',
  AZURE_CLIENT_ID: 'client',
  AZURE_CLIENT_SECRET: 'very-secret-value',
  IOT_BASE_URL: 'https://acme.iot.paloaltonetworks.com',
  IOT_CUSTOMER_ID: 'acme',
  IOT_KEY_ID: 'key-id',
  IOT_ACCESS_KEY: 'access-key-secret',
  // Live mode must say how its callers authenticate (test/auth/config.test.ts).
  AUTH_AUDIENCE: 'api://entra-iot-gateway',
};

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected loadConfig to refuse this environment');
}

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
    const message = problems({ AZURE_TENANT_ID: 't', IOT_KEY_ID: 'k' });
    for (const name of ['AZURE_CLIENT_ID', 'IOT_BASE_URL', 'IOT_CUSTOMER_ID', 'IOT_ACCESS_KEY', 'AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH']) {
      expect(message).toContain(name);
    }
  });

  it('never echoes a secret value in its complaints', () => {
    const message = problems({ ...live, GRAPH_BASE_URL: 'http://graph.local', PORT: 'ninety' });
    expect(message).toContain('GRAPH_BASE_URL must use https://');
    expect(message).toContain('PORT must be a whole number');
    expect(message).not.toContain('very-secret-value');
    expect(message).not.toContain('access-key-secret');
  });

  it('refuses both a client secret and a certificate, and a certificate file that does not exist', () => {
    expect(problems({ ...live, AZURE_CLIENT_CERTIFICATE_PATH: '/nope/cert.pem' })).toMatch(/not both[\s\S]*does not exist/);
  });

  it('checks that EXTRA_CA_FILE holds a PEM certificate', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
    const bad = path.join(dir, 'ca.txt');
    writeFileSync(bad, 'not a certificate');
    expect(problems({ EXTRA_CA_FILE: bad })).toContain('EXTRA_CA_FILE must hold a PEM certificate');
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });
});
