import { expect } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

/** Every tenant setting (live mode), with made-up secrets a test can look for in messages. */
export const LIVE_ENV = Object.freeze({
  AZURE_TENANT_ID: '7d5c3c2e-1f4b-4c8e-9a2d-3b6f0e1a9c41',
  AZURE_CLIENT_ID: 'b3e1f0a2-6c4d-4e7f-8a9b-0c1d2e3f4a5b',
  AZURE_CLIENT_SECRET: 'client-secret-value-0123456789',
  IOT_BASE_URL: 'https://acme.iot.paloaltonetworks.com',
  IOT_CUSTOMER_ID: 'acme',
  IOT_KEY_ID: 'key-id',
  IOT_ACCESS_KEY: 'iot-access-key-value-0123456789',
});

/** The message loadConfig refuses `env` with; fails the test if it accepts it. */
export function refusalOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected loadConfig to refuse this environment');
}
