/**
 * Refresh of a large fleet, measured: `npm run bench:refresh -- --size 100000 [--time-scale 10]`.
 * The emulators run in a child process (so the gateway's memory is the gateway's alone) with the published rate
 * limits, every window divided by --time-scale; the gateway runs in this process in live mode against them,
 * with its own budgets scaled the same way. Prints a table and writes bench/results/refresh-<size>.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { fetch } from 'undici';
import { loadConfig } from '../src/config.js';
import type { StatsSnapshot } from '../src/emulators/http/stats.js';
import { startGateway } from '../src/server.js';
import { createDispatcher } from '../src/sources/http/dispatcher.js';

const { values } = parseArgs({ options: { size: { type: 'string' }, seed: { type: 'string' }, 'time-scale': { type: 'string' } } });
const size = Number(values.size ?? 100_000);
const scale = Number(values['time-scale'] ?? 10);
const root = path.resolve(import.meta.dirname, '..');

async function startEmulatorProcess(dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/emulators/cli.ts', '--size', String(size), '--seed', values.seed ?? '1', '--time-scale', String(scale)], {
    cwd: root,
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, NODE_OPTIONS: '--max-old-space-size=4096' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulators exited with ${code}`)));
  });
  return { child, settings: JSON.parse(line) as Record<string, string> };
}

async function stats(origin: string, caFile: string): Promise<StatsSnapshot> {
  const dispatcher = createDispatcher({ extraCaFile: caFile });
  const res = await fetch(`${origin}/_emulator/stats`, { dispatcher });
  const body = (await res.json()) as StatsSnapshot;
  await dispatcher.close();
  return body;
}

const sum = (m: Record<string, Record<string, number>>): number => Object.values(m).reduce((n, s) => n + Object.values(s).reduce((a, b) => a + b, 0), 0);

async function main(): Promise<void> {
  const emuDir = mkdtempSync(path.join(tmpdir(), 'eig-bench-emu-'));
  const gwDir = mkdtempSync(path.join(tmpdir(), 'eig-bench-gw-'));
  const { child, settings } = await startEmulatorProcess(emuDir);
  try {
    const config = loadConfig({ ...settings, DATA_DIR: gwDir, PORT: '0', REFRESH_INTERVAL: '0', LOG_LEVEL: 'warn' });
    const w = (ms: number): number => Math.round(ms / scale);
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const started = performance.now();
    const gateway = await startGateway(config, {
      loopbackOnly: true,
      sources: {
        graphLimits: { intune: { limit: 1800, windowMs: w(20_000) }, directory: { limit: 7000, windowMs: w(10_000) } },
        iotLimits: { list: { limit: 60, windowMs: w(60_000) }, other: { limit: 180, windowMs: w(60_000) } },
      },
    });
    const wallMs = performance.now() - started;
    clearInterval(sampler);
    const refresh = gateway.store.latestRefreshes(1)[0]!;
    const graphStats = await stats(settings.GRAPH_BASE_URL!, settings.caFile!);
    const iotStats = await stats(settings.IOT_BASE_URL!, settings.caFile!);
    await gateway.close();

    const intuneRecords = refresh.sources.find((s) => s.source === 'intune')!.records;
    const iotRecords = refresh.sources.find((s) => s.source === 'iot')!.records;
    // The bound: the slowest source at its published rate (the three are read at once).
    const boundMs = Math.max((intuneRecords / 2000) * w(20_000), (Math.ceil(iotRecords / 1000) / 60) * w(60_000));
    const result = {
      scenario: 'inventory refresh',
      size,
      timeScale: scale,
      machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      refresh: { status: refresh.status, durationMs: refresh.durationMs, devices: refresh.deviceCount, sources: refresh.sources },
      wallMsIncludingStartup: Math.round(wallMs),
      equivalentAtPublishedLimitsMs: Math.round((refresh.durationMs ?? 0) * scale),
      boundMs: Math.round(boundMs),
      ratioToBound: Number(((refresh.durationMs ?? 0) / boundMs).toFixed(2)),
      upstream: { graphHttpRequests: graphStats.total, graphBatches: graphStats.batches.count, graphBatchItems: graphStats.batches.items, graphThrottled: graphStats.throttled, iotRequests: sum(iotStats.requests), iotThrottled: iotStats.throttled },
      peakRssMiB: Math.round(peakRss / 2 ** 20),
    };
    mkdirSync(path.join(root, 'bench/results'), { recursive: true });
    writeFileSync(path.join(root, `bench/results/refresh-${size}.json`), JSON.stringify(result, null, 2) + '\n');
    console.table({
      devices: result.refresh.devices,
      'refresh (ms)': result.refresh.durationMs,
      'bound (ms)': result.boundMs,
      'ratio to bound': result.ratioToBound,
      'at published limits (min)': (result.equivalentAtPublishedLimitsMs / 60_000).toFixed(1),
      'Graph HTTP requests': result.upstream.graphHttpRequests,
      '$batch envelopes': result.upstream.graphBatches,
      'Graph 429s': result.upstream.graphThrottled,
      'IoT requests': result.upstream.iotRequests,
      'peak RSS (MiB)': result.peakRssMiB,
    });
  } finally {
    child.kill('SIGTERM');
    rmSync(gwDir, { recursive: true, force: true });
    rmSync(emuDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
