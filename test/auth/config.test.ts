import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { principalFromClaims } from '../../src/auth/authenticate.js';
import { roleFromAppRoles } from '../../src/auth/roles.js';
import { loadConfig } from '../../src/config.js';
import { LIVE_ENV, refusalOf } from '../helpers/configEnv.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every tenant setting, and no AUTH_ setting at all. */
const LIVE = LIVE_ENV;


describe('authentication settings', () => {
  it('embedded mode needs none: auth is on, with the default audience and role names', () => {
    expect(loadConfig({}).auth).toEqual({ mode: 'on', audiences: ['api://entra-iot-gateway'], appRoles: { reader: 'Gateway.Reader', operator: 'Gateway.Operator' } });
  });

  it('live mode with AUTH_MODE unset and no audience refuses to start, saying what to set', () => {
    const message = refusalOf(LIVE);
    expect(message).toContain('live mode needs to know how callers of the gateway authenticate');
    for (const hint of ['AUTH_AUDIENCE', 'AUTH_CLIENT_ID', 'AUTH_MODE=on', 'AUTH_MODE=off', 'npm run apikey']) expect(message).toContain(hint);
    // Secrets of the tenant settings are never echoed.
    expect(message).not.toContain(LIVE.AZURE_CLIENT_SECRET);
    expect(message).not.toContain(LIVE.IOT_ACCESS_KEY);
  });

  it('live mode starts once told: an audience, a client id, or an explicit AUTH_MODE', () => {
    expect(loadConfig({ ...LIVE, AUTH_AUDIENCE: 'api://iot-gateway.contoso.com' }).auth).toMatchObject({ mode: 'on', audiences: ['api://iot-gateway.contoso.com'] });
    expect(loadConfig({ ...LIVE, AUTH_CLIENT_ID: 'A1B2C3D4-0000-4000-8000-000000000001' }).auth.audiences).toEqual(['api://entra-iot-gateway', 'a1b2c3d4-0000-4000-8000-000000000001']);
    expect(loadConfig({ ...LIVE, AUTH_MODE: 'on' }).auth).toMatchObject({ mode: 'on', audiences: ['api://entra-iot-gateway'] });
    // Off only when said so.
    expect(loadConfig({ ...LIVE, AUTH_MODE: 'off' }).auth.mode).toBe('off');
    expect(loadConfig({ ...LIVE, AUTH_MODE: 'OFF' }).auth.mode).toBe('off');
  });

  it('refuses bad values, naming the variable', () => {
    expect(refusalOf({ AUTH_MODE: 'disabled' })).toContain('AUTH_MODE must be on or off (got "disabled")');
    expect(refusalOf({ AUTH_CLIENT_ID: 'gateway-app' })).toContain('AUTH_CLIENT_ID must be the client id (a GUID)');
    expect(refusalOf({ AUTH_AUDIENCE: 'api://a, api://b' })).toContain('AUTH_AUDIENCE must be one Application ID URI');
    expect(refusalOf({ AUTH_READER_ROLE: 'Ops', AUTH_OPERATOR_ROLE: 'Ops' })).toContain('AUTH_READER_ROLE and AUTH_OPERATOR_ROLE must differ');
  });

  it('takes other app role names', () => {
    const { appRoles } = loadConfig({ AUTH_READER_ROLE: 'IoT.Read', AUTH_OPERATOR_ROLE: 'IoT.Sync' }).auth;
    expect(roleFromAppRoles(['IoT.Read'], appRoles)).toBe('reader');
    expect(roleFromAppRoles(['IoT.Read', 'IoT.Sync'], appRoles)).toBe('operator');
    expect(roleFromAppRoles(['Gateway.Operator'], appRoles)).toBeNull();
    expect(roleFromAppRoles('IoT.Sync', appRoles)).toBeNull();
  });

  it('`npm start` in live mode without an AUTH_ setting exits 2 with the message, before listening', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: REPO_ROOT, env: { PATH: process.env.PATH, ...LIVE, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('live mode needs to know how callers of the gateway authenticate');
    expect(stderr).not.toContain('playground');
  }, 30_000);
});

describe('who a token names', () => {
  const roles = { reader: 'Gateway.Reader', operator: 'Gateway.Operator' };

  it('a user by UPN (v1 upn, v2 preferred_username), an app by client id', () => {
    expect(principalFromClaims({ scp: 'access_as_user', upn: 'a@contoso.com', roles: ['Gateway.Reader'] }, roles)).toEqual({ kind: 'user', name: 'a@contoso.com', role: 'reader' });
    expect(principalFromClaims({ scp: 'x', preferred_username: 'b@contoso.com', oid: 'o' }, roles)).toEqual({ kind: 'user', name: 'b@contoso.com', role: null });
    expect(principalFromClaims({ scp: 'x', oid: 'o-1' }, roles)).toMatchObject({ name: 'oid:o-1' });
    expect(principalFromClaims({ azp: 'c-1', roles: ['Gateway.Operator'] }, roles)).toEqual({ kind: 'app', name: 'app:c-1', role: 'operator' });
    expect(principalFromClaims({ appid: 'c-2', idtyp: 'app', scp: 'ignored' }, roles)).toEqual({ kind: 'app', name: 'app:c-2', role: null });
  });
});
