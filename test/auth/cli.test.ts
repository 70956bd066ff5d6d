import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `npm run apikey` as an operator runs it, in a child process, on the store of a running gateway: keys it makes
 * work at once, keys it revokes stop at once.
 */

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ size: 60 });
});
afterAll(async () => {
  await gw?.close();
});

function apikey(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Only DATA_DIR: the CLI finds the gateway's store there, as it would beside `npm start`.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/apikey.ts', ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, DATA_DIR: gw.config.dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const query = (key: string) => gw.gql('{ inventoryStatus { ready } }', undefined, { 'x-api-key': key });

describe('npm run apikey', () => {
  let ciKey: string;

  it('create prints the key once, on stdout alone, and the gateway accepts it at once', async () => {
    const res = await apikey('create', '--name', 'ci', '--role', 'operator');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^eig_[A-Za-z0-9_-]{43}\n$/);
    expect(res.stderr).toContain('only time the key is shown');
    ciKey = res.stdout.trim();
    expect((await query(ciKey)).status).toBe(200);
    const sync = await gw.gql('mutation { syncDevices(input: { dryRun: true }) { actor } }', undefined, { authorization: `ApiKey ${ciKey}` });
    expect(sync.data?.syncDevices.actor).toBe('apikey:ci');
  }, 60_000);

  it('stores only a hash: the key is nowhere in the store', () => {
    const record = gw.store.listApiKeys().find((k) => k.name === 'ci')!;
    expect(record).toMatchObject({ role: 'operator', revokedAt: null, prefix: ciKey.slice(0, 8) });
    expect(JSON.stringify(gw.store.listApiKeys({ includeRevoked: true }))).not.toContain(ciKey);
  });

  it('list shows names, roles and prefixes, never a key or its hash', async () => {
    const res = await apikey('list');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^NAME\s+ROLE\s+KEY\s+CREATED\s+LAST USED\s+REVOKED$/m);
    expect(res.stdout).toMatch(new RegExp(`^ci\\s+operator\\s+${ciKey.slice(0, 8)}…`, 'm'));
    expect(res.stdout).toMatch(/^demo\s+operator/m);
    expect(res.stdout).not.toContain(ciKey);
    const record = gw.store.listApiKeys().find((k) => k.name === 'ci')!;
    expect(res.stdout).not.toContain(record.hash);

    const json = await apikey('list', '--json');
    const keys = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(keys.find((k) => k.name === 'ci')).toMatchObject({ role: 'operator', lastUsedAt: expect.any(String) });
    expect(keys.every((k) => !('hash' in k))).toBe(true);
  });

  it('refuses a second active key with the same name', async () => {
    const res = await apikey('create', '--name', 'ci', '--role', 'reader');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('an active key is already named "ci"');
    expect(res.stdout).toBe('');
  });

  it('revoke stops the key at once: 401', async () => {
    const res = await apikey('revoke', '--name', 'ci');
    expect(res.code, res.stderr).toBe(0);
    const refused = await query(ciKey);
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'unknown-key' });
    expect(JSON.stringify(refused)).not.toContain(ciKey);
    // The log names the revoked key, so an operator can find the script still using it; never the key.
    expect(gw.logs).toContainEqual(expect.objectContaining({ msg: 'credential refused', revokedKey: 'ci' }));
    expect(JSON.stringify(gw.logs)).not.toContain(ciKey);
  });

  it('a revoked name can be given to a new key; list --all keeps the revoked one', async () => {
    const again = await apikey('create', '--name', 'ci', '--role', 'reader');
    expect(again.code, again.stderr).toBe(0);
    const fresh = again.stdout.trim();
    expect((await query(fresh)).status).toBe(200);
    expect((await query(ciKey)).status).toBe(401);
    const all = await apikey('list', '--all');
    expect(all.stdout.match(/^ci\s/gm)).toHaveLength(2);
    expect((await apikey('list')).stdout.match(/^ci\s/gm)).toHaveLength(1);
  });

  it('answers bad usage with exit 2 and refusals with exit 1', async () => {
    for (const args of [[], ['create', '--name', 'x'], ['create', '--name', 'x', '--role', 'admin'], ['revoke'], ['rotate'], ['list', '--bogus']]) {
      const res = await apikey(...args);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toContain('usage: npm run apikey');
    }
    expect((await apikey('revoke', '--name', 'nobody')).code).toBe(1);
    expect((await apikey('create', '--name', 'has space', '--role', 'reader')).code).toBe(1);
  });
});
