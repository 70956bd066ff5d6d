import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fetch } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { enrichmentView, readIotInventory } from './helpers.js';

const root = path.resolve(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
const dirs: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** `npm run emulators` in a child: it outlives the gateway processes we kill, as a real tenant would. */
async function startEmulators(): Promise<Record<string, string>> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/emulators/cli.ts', '--size', '300', '--seed', '11', '--latency', '15'], {
    cwd: root,
    env: { PATH: process.env.PATH, DATA_DIR: tempDir('eig-crash-emu-') },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.push(child);
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulators exited with ${code}`)));
  });
  return JSON.parse(line);
}

/** The gateway as `npm start` runs it, in live mode against the emulators. Resolves with its URL. */
async function startGatewayProcess(settings: Record<string, string>, dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      ...Object.fromEntries(Object.entries(settings).filter(([k]) => /^[A-Z_]+$/.test(k))),
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      REFRESH_INTERVAL: '0',
      LOG_LEVEL: 'warn',
      // Small chunks: the apply takes many calls, so there is a moment to kill it in.
      SYNC_CHUNK_SIZE: '4',
      // Live mode must be told how callers authenticate; this test is about crashes, not credentials.
      AUTH_MODE: 'off',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (l) => {
      const m = /playground\s+(http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(l);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
  });
  for (let i = 0; i < 600; i++) {
    if ((await fetch(`${url}/readyz`)).status === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url };
}

async function gql(url: string, query: string, variables?: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return res.json();
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('syncDevices killed mid-apply', () => {
  it('is marked interrupted after a restart, and the next sync converges to the inventory of an uninterrupted run', async () => {
    const [tenantA, tenantB] = await Promise.all([startEmulators(), startEmulators()]);

    // Uninterrupted reference run against an identical tenant.
    const reference = await startGatewayProcess(tenantB, tempDir('eig-crash-ref-'));
    const ref = await gql(reference.url, 'mutation { syncDevices { status applied } }');
    expect(ref.data.syncDevices.status).toBe('SUCCEEDED');
    reference.child.kill('SIGTERM');

    // The run we kill.
    const dataDir = tempDir('eig-crash-gw-');
    const first = await startGatewayProcess(tenantA, dataDir);
    const started = await gql(first.url, 'mutation { syncDevices(input: { wait: false }) { id } }');
    const runId: string = started.data.syncDevices.id;
    let progress = { status: 'PLANNING', done: 0, total: 0 };
    for (let i = 0; i < 600 && !(progress.status === 'APPLYING' && progress.done >= 8); i++) {
      const r = await gql(first.url, 'query($id: ID!) { syncRun(id: $id) { status progress { done total } } }', { id: runId });
      progress = { status: r.data.syncRun.status, ...r.data.syncRun.progress };
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(progress.status).toBe('APPLYING');
    expect(progress.done).toBeLessThan(progress.total);
    const exited = new Promise((r) => first.child.once('exit', r));
    first.child.kill('SIGKILL');
    await exited;
    const halfway = await readIotInventory(tenantA);
    expect(enrichmentView(halfway)).not.toEqual(enrichmentView(await readIotInventory(tenantB)));

    // Restart on the same DATA_DIR: the ledger shows the run interrupted; the next sync finishes the job.
    const second = await startGatewayProcess(tenantA, dataDir);
    const ledger = await gql(second.url, 'query($id: ID!) { syncRun(id: $id) { status errors } }', { id: runId });
    expect(ledger.data.syncRun.status).toBe('INTERRUPTED');
    const resumed = await gql(second.url, 'mutation { syncDevices { status failed } }');
    expect(resumed.data.syncDevices).toEqual({ status: 'SUCCEEDED', failed: 0 });

    const a = await readIotInventory(tenantA);
    const b = await readIotInventory(tenantB);
    expect(new Set(a.map((x) => x.deviceid)).size).toBe(a.length);
    expect(a.length).toBe(b.length);
    expect(enrichmentView(a)).toEqual(enrichmentView(b));
    second.child.kill('SIGTERM');
  }, 180_000);
});
