/**
 * The emulators in a child process (so the gateway's memory and CPU are measured apart from them), started through
 * the same CLI a developer uses: `src/emulators/cli.ts --size N --time-scale S --latency MS --jitter MS`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fetch, type Dispatcher } from 'undici';
import type { EmulatorSettings } from '../../src/emulators/start.js';
import type { StatsSnapshot } from '../../src/emulators/http/stats.js';
import { createDispatcher } from '../../src/sources/http/dispatcher.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface EmulatorOptions {
  size: number;
  seed: number;
  timeScale: number;
  latencyMs: number;
  jitterMs: number;
  dataDir: string;
}

export interface EmulatorProcess {
  settings: EmulatorSettings;
  pid: number;
  /** One emulator's counters since it started (the control plane adds no latency and counts nothing). */
  stats(which: 'graph' | 'iot'): Promise<StatsSnapshot>;
  close(): Promise<void>;
}

/** Children still running when this process exits (a crash, an uncaught error) are not left behind. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export async function startEmulatorProcess(options: EmulatorOptions): Promise<EmulatorProcess> {
  const args = [...(process.env.BENCH_EMULATOR_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? []), '--import', 'tsx', 'src/emulators/cli.ts'];
  args.push('--size', String(options.size), '--seed', String(options.seed), '--time-scale', String(options.timeScale));
  args.push('--latency', String(options.latencyMs), '--jitter', String(options.jitterMs));
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, DATA_DIR: options.dataDir, NODE_OPTIONS: '--max-old-space-size=6144' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulators exited with ${code}: ${stderr}`)));
  });
  const settings = JSON.parse(line) as EmulatorSettings;
  const dispatcher: Dispatcher = createDispatcher({ extraCaFile: settings.caFile, connections: 2 });
  const origins = { graph: settings.GRAPH_BASE_URL, iot: settings.IOT_BASE_URL };

  return {
    settings,
    pid: child.pid!,
    async stats(which) {
      const res = await fetch(`${origins[which]}/_emulator/stats`, { dispatcher });
      if (!res.ok) throw new Error(`emulator stats: ${res.status}`);
      return (await res.json()) as StatsSnapshot;
    },
    async close() {
      await dispatcher.close();
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** What happened upstream between two stats snapshots, by kind. */
export interface UpstreamDelta {
  /** Top-level HTTP requests (a $batch envelope is one). */
  requests: number;
  batches: number;
  batchItems: number;
  /** Top-level requests other than $batch envelopes (single GETs, list pages, writes). */
  singles: number;
  /** 429s met: whole answers and items inside $batch envelopes. */
  throttled: number;
  /** "METHOD route" → count, top-level requests. */
  byRoute: Record<string, number>;
  /** Inner route → count, items inside $batch envelopes. */
  byBatchItemRoute: Record<string, number>;
}

function flatten(m: Record<string, Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).map(([route, byStatus]) => [route, Object.values(byStatus).reduce((a, b) => a + b, 0)]));
}

function minus(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

export function upstreamDelta(before: StatsSnapshot, after: StatsSnapshot): UpstreamDelta {
  const requests = after.total - before.total;
  const batches = after.batches.count - before.batches.count;
  return {
    requests,
    batches,
    batchItems: after.batches.items - before.batches.items,
    singles: requests - batches,
    throttled: after.throttled - before.throttled,
    byRoute: minus(flatten(after.requests), flatten(before.requests)),
    byBatchItemRoute: minus(flatten(after.batchItems), flatten(before.batchItems)),
  };
}

/** Counts of one route family in a delta, e.g. `count(d.byRoute, /device\/bulkUpdate/)`. */
export function count(byRoute: Record<string, number>, pattern: RegExp): number {
  return Object.entries(byRoute).reduce((n, [route, c]) => (pattern.test(route) ? n + c : n), 0);
}
