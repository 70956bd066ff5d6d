/**
 * The inventory refresh alone, measured: `npm run bench:refresh -- --size 100000 [--time-scale 10]`. The same
 * machinery as `npm run bench` (bench/run.ts): emulators and gateway in child processes, the gateway's startup
 * refresh timed and its upstream calls counted by the emulators. Writes bench/results/refresh-<size>.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { emulatorLimits, syncBound } from './lib/bounds.js';
import { count, ROOT, startEmulatorProcess, upstreamDelta } from './lib/emulatorProcess.js';
import { forkGateway } from './lib/gatewayProcess.js';
import type { StatsSnapshot } from '../src/emulators/http/stats.js';

const { values } = parseArgs({ options: { size: { type: 'string' }, seed: { type: 'string' }, 'time-scale': { type: 'string' }, latency: { type: 'string' } } });
const size = Number(values.size ?? 100_000);
const scale = Number(values['time-scale'] ?? 10);
const latencyMs = Number(values.latency ?? 0);
const empty: StatsSnapshot = { total: 0, requests: {}, throttled: 0, faultsInjected: 0, batches: { count: 0, items: 0, sizes: {} }, batchItems: {}, timing: {} };

async function main(): Promise<void> {
  const emuDir = mkdtempSync(path.join(tmpdir(), 'eig-bench-emu-'));
  const gwDir = mkdtempSync(path.join(tmpdir(), 'eig-bench-gw-'));
  const emulators = await startEmulatorProcess({ size, seed: Number(values.seed ?? 1), timeScale: scale, latencyMs, jitterMs: 0, dataDir: emuDir });
  const gateway = forkGateway();
  try {
    const started = await gateway.start({ settings: emulators.settings, dataDir: gwDir, timeScale: scale });
    const graph = upstreamDelta(empty, await emulators.stats('graph'));
    const iot = upstreamDelta(empty, await emulators.stats('iot'));
    const refresh = started.refresh;
    const records = Object.fromEntries(refresh.sources.map((s) => [s.source, s.records]));
    const bound = syncBound(
      {
        entraPages: count(graph.byRoute, /^GET \/v1\.0\/devices(\/delta)?$/),
        intunePages: count(graph.byRoute, /^GET \/v1\.0\/deviceManagement\/managedDevices$/),
        hydrationGets: records.intune ?? 0,
        iotPages: count(iot.byRoute, /device\/list$/),
        writeCalls: 0,
      },
      emulatorLimits(scale),
      latencyMs,
    );
    const result = {
      scenario: 'inventory refresh',
      size,
      timeScale: scale,
      latencyMs,
      machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, load: loadavg() },
      refresh: { status: refresh.status, durationMs: refresh.durationMs, devices: refresh.deviceCount, sources: refresh.sources },
      wallMsIncludingStartup: Math.round(started.startupMs),
      boundMs: Math.round(bound.totalMs),
      // A small fleet fits in the first rate window: with no latency its bound is 0 and no ratio is meaningful.
      ratioToBound: bound.totalMs > 0 ? Number(((refresh.durationMs ?? 0) / bound.totalMs).toFixed(2)) : null,
      upstream: { graphHttpRequests: graph.requests, graphBatches: graph.batches, graphBatchItems: graph.batchItems, graphThrottled: graph.throttled, iotRequests: iot.requests, iotThrottled: iot.throttled },
      peakRssMiB: started.memory.maxRssMiB,
    };
    mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(path.join(ROOT, `bench/results/refresh-${size}.json`), JSON.stringify(result, null, 2) + '\n');
    console.table({
      devices: result.refresh.devices,
      'refresh (ms)': result.refresh.durationMs,
      'bound (ms)': result.boundMs,
      'ratio to bound': result.ratioToBound,
      'Graph HTTP requests': result.upstream.graphHttpRequests,
      '$batch envelopes': result.upstream.graphBatches,
      'Graph 429s': result.upstream.graphThrottled,
      'IoT requests': result.upstream.iotRequests,
      'peak RSS (MiB)': result.peakRssMiB,
    });
  } finally {
    await gateway.close();
    await emulators.close();
    rmSync(gwDir, { recursive: true, force: true });
    rmSync(emuDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
