import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
let child: ChildProcess;
let dataDir: string;
let settings: Record<string, string>;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'eig-cli-'));
  child = spawn(process.execPath, ['--import', 'tsx', 'src/emulators/cli.ts', '--size', '300', '--seed', '5'], {
    cwd: root,
    env: { PATH: process.env.PATH, DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const firstLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulators exited with ${code}`)));
  });
  settings = JSON.parse(firstLine);
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

function run(script: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [script], { cwd: root, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (c) => (out += c));
    p.stderr.on('data', (c) => (err += c));
    p.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${script} exited ${code}: ${err}`))));
  });
}

describe('npm run emulators', () => {
  it('prints every client setting as its first stdout line and writes the same to DATA_DIR/emulators.json', () => {
    for (const key of ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_AUTHORITY_HOST', 'GRAPH_BASE_URL', 'IOT_BASE_URL', 'IOT_CUSTOMER_ID', 'IOT_KEY_ID', 'IOT_ACCESS_KEY', 'EXTRA_CA_FILE', 'caFile']) {
      expect(settings[key], key).toBeTruthy();
    }
    expect(JSON.parse(readFileSync(path.join(dataDir, 'emulators.json'), 'utf8'))).toEqual(settings);
  });

  it('listens on 127.0.0.1 only, over https', () => {
    for (const key of ['AZURE_AUTHORITY_HOST', 'GRAPH_BASE_URL', 'IOT_BASE_URL']) {
      const url = new URL(settings[key]!);
      expect(url.protocol).toBe('https:');
      expect(url.hostname).toBe('127.0.0.1');
    }
  });

  it('serves a script that uses only msal-node and graph-client, with the quirks of the real services', async () => {
    const out = await run('examples/plain-clients.mjs', { EMULATORS: path.join(dataDir, 'emulators.json'), NODE_EXTRA_CA_CERTS: settings.caFile! });
    const result = JSON.parse(out.trim().split('\n').at(-1)!);
    expect(result).toMatchObject({ token: true, everyListedEthernetMacNull: true, batch21Status: 400, batch20Answers: 20 });
    expect(result.managedDevices).toBeGreaterThan(200);
    expect(result.oneDeviceWithMac.ethernetMacAddress).toMatch(/^[0-9A-Fa-f:.\-]{12,17}$/);
  });
});
