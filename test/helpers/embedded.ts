import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fetch } from 'undici';
import type { TenantSettings } from '../../src/config.js';
import { generateFleet } from '../../src/emulators/fleet/generate.js';
import type { StatsSnapshot } from '../../src/emulators/http/stats.js';
import { startEmulators, tenantSettingsOf, type EmulatorSettings, type RunningEmulators, type StartEmulatorsOptions } from '../../src/emulators/start.js';
import { createDispatcher } from '../../src/sources/http/dispatcher.js';

export const TEST_NOW = new Date('2026-11-01T00:00:00Z');

/** Emulators on 127.0.0.1 in a temporary DATA_DIR, removed again by `close()`. */
export async function startTestEmulators(options: Partial<StartEmulatorsOptions> & { seed?: number; size?: number } = {}): Promise<RunningEmulators & { dataDir: string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'eig-test-'));
  const fleet = options.fleet ?? generateFleet({ seed: options.seed ?? 1, size: options.size ?? 300, now: TEST_NOW });
  const emulators = await startEmulators({ ...options, dataDir, fleet });
  return {
    ...emulators,
    dataDir,
    close: async () => {
      await emulators.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function tenantOf(settings: EmulatorSettings, patch: Partial<TenantSettings> = {}): TenantSettings {
  return { ...tenantSettingsOf(settings), ...patch };
}

/** Talks to an emulator's `/_emulator/` control plane. */
export type EmulatorControl = ReturnType<typeof control>;

export function control(origin: string, caFile: string) {
  const dispatcher = createDispatcher({ extraCaFile: caFile });
  async function call<T>(method: string, route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${origin}/_emulator/${route}`, {
      method,
      dispatcher,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`control ${method} ${route}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
  return {
    stats: () => call<StatsSnapshot>('GET', 'stats'),
    faults: (patch: Record<string, number>) => call<Record<string, number>>('POST', 'faults', patch),
    reset: () => call<unknown>('POST', 'reset', {}),
    truth: <T>() => call<T>('GET', 'truth'),
    fleet: (mutation: Record<string, unknown>) => call<unknown>('POST', 'fleet', mutation),
    close: () => dispatcher.close(),
  };
}

/** Sum of a stats map's counts, optionally for routes matching `route` and statuses matching `status`. */
export function count(map: Record<string, Record<string, number>>, route: RegExp = /./, status: RegExp = /./): number {
  let n = 0;
  for (const [r, byStatus] of Object.entries(map)) {
    if (!route.test(r)) continue;
    for (const [s, c] of Object.entries(byStatus)) if (status.test(s)) n += c;
  }
  return n;
}
