/**
 * `npm run bench [-- --quick] [--sizes 1000,10000,100000] [--time-scale 10] [--latency 30] [--jitter 10]
 *  [--duration 20] [--connections 10] [--naive-seconds 20] [--seed 1]`
 *
 * Per fleet size: the emulators in a child process (latency per request, every throttling window divided by the
 * time scale), the gateway in another child in live mode against them (its budgets scaled alike), this process
 * driving both and running the naive baselines and autocannon. Scenarios: query fan-out, full sync, re-sync with no
 * changes, dashboard reads, and growth across sizes. Prints the tables and writes bench/results/bench[-quick].json
 * and .md. Not part of `npm test`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gatewayBudgets } from './lib/bounds.js';
import { ROOT, startEmulatorProcess } from './lib/emulatorProcess.js';
import { forkGateway } from './lib/gatewayProcess.js';
import { naiveSources } from './lib/naive.js';
import { processMemory } from './lib/rss.js';
import { goals, renderReport, type SizeResult } from './lib/report.js';
import { runLoad, type LoadResult } from './scenarios/dashboard.js';
import { runFanOut } from './scenarios/fanOut.js';
import { runNaiveSync, runSync } from './scenarios/fullSync.js';
import { growth } from './scenarios/growth.js';
import { compareResync } from './scenarios/resync.js';

const USAGE = `usage: npm run bench -- [--quick] [--sizes 1000,10000,100000] [--time-scale 10] [--latency 30] [--jitter 10]
                        [--duration 20] [--connections 10] [--naive-seconds 20] [--seed 1] [--scenarios fanout,naive,dashboard]
  --quick        sizes 1000,10000, 5 s loads, naive GETs capped at 5 s (under 5 minutes)
  --scenarios    besides the full sync and the re-sync, which always run: fanout, naive (the naive sync), dashboard;
                 "none" for the syncs alone`;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    sizes: { type: 'string' },
    'time-scale': { type: 'string' },
    latency: { type: 'string' },
    jitter: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
    'naive-seconds': { type: 'string' },
    seed: { type: 'string' },
    scenarios: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function num(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!(n >= 0) || !Number.isFinite(n)) {
    console.error(`--${name} must be a non-negative number (got "${raw}")\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

const quick = values.quick ?? false;
const settings = {
  mode: quick ? 'quick' : 'full',
  sizes: (values.sizes ?? (quick ? '1000,10000' : '1000,10000,100000')).split(',').map((s) => num('sizes', s.trim(), 0)),
  timeScale: num('time-scale', values['time-scale'], 10),
  latencyMs: num('latency', values.latency, 30),
  jitterMs: num('jitter', values.jitter, 10),
  durationS: num('duration', values.duration, quick ? 5 : 20),
  warmupS: quick ? 1 : 2,
  connections: num('connections', values.connections, 10),
  naiveCapMs: num('naive-seconds', values['naive-seconds'], quick ? 5 : 20) * 1000,
  fanOutPages: quick ? 3 : 5,
  seed: num('seed', values.seed, 1),
  chunkSize: 200,
  scenarios: (values.scenarios ?? 'fanout,naive,dashboard').split(',').map((x) => x.trim()).filter((x) => x !== '' && x !== 'none'),
};
for (const name of settings.scenarios) {
  if (!['fanout', 'naive', 'dashboard'].includes(name)) {
    console.error(`--scenarios: unknown "${name}"\n${USAGE}`);
    process.exit(2);
  }
}
const runs = (name: string): boolean => settings.scenarios.includes(name);

const log = (line: string): void => void process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const load = (): number[] => loadavg().map((l) => Number(l.toFixed(2)));
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function runSize(size: number): Promise<SizeResult> {
  const largest = size === Math.max(...settings.sizes);
  const emuDir = mkdtempSync(path.join(tmpdir(), 'eig-bench-emu-'));
  const gwDir = mkdtempSync(path.join(tmpdir(), 'eig-bench-gw-'));
  const loads: Record<string, number[]> = { start: load() };
  log(`size ${size}: starting the emulators (time scale ${settings.timeScale}, latency ${settings.latencyMs}±${settings.jitterMs} ms)`);
  const emulators = await startEmulatorProcess({ size, seed: settings.seed, timeScale: settings.timeScale, latencyMs: settings.latencyMs, jitterMs: settings.jitterMs, dataDir: emuDir });
  const gateway = forkGateway();
  const naive = naiveSources(emulators.settings, gatewayBudgets(settings.timeScale));
  try {
    const started = await gateway.start({ settings: emulators.settings, dataDir: gwDir, timeScale: settings.timeScale });
    log(`size ${size}: gateway up, startup refresh ${started.refresh.status} in ${secs(started.refresh.durationMs ?? 0)} (${started.refresh.deviceCount} devices)`);

    const full = await runSync({ gateway, emulators, fullResync: true, timeScale: settings.timeScale, latencyMs: settings.latencyMs, chunkSize: settings.chunkSize });
    loads.fullSync = load();
    log(`size ${size}: full sync ${full.status} in ${secs(full.wallMs)} (bound ${secs(full.bound.totalMs)}, ratio ${full.ratio.toFixed(2)}), peak RSS ${full.peakRssMiB} MiB`);

    const resync = compareResync(
      await runSync({ gateway, emulators, fullResync: false, timeScale: settings.timeScale, latencyMs: settings.latencyMs, chunkSize: settings.chunkSize }),
      full,
    );
    log(`size ${size}: re-sync ${resync.sync.status} in ${secs(resync.sync.wallMs)}, ${resync.sync.graph.requests} Graph requests, ${resync.iotWrites} IoT writes`);

    const fanOut = runs('fanout') ? await runFanOut({ url: started.url, emulators, naive, pages: settings.fanOutPages, latencyMs: settings.latencyMs }) : undefined;
    if (fanOut) log(`size ${size}: fan-out ${fanOut.summary.coldRequests} Graph requests cold, ${fanOut.summary.naiveRequests} naive`);

    const dashboard: LoadResult[] = [];
    for (const query of runs('dashboard') ? (['page', 'pageFresh', 'stats', ...(largest ? (['statsFiltered'] as const) : [])] as const) : []) {
      loads[`dashboard-${query}`] = load();
      const r = await runLoad(started.url, query, { connections: settings.connections, durationS: settings.durationS, warmupS: settings.warmupS, gatewayCpuMs: () => gateway.cpuMs() });
      dashboard.push(r);
      log(`size ${size}: ${query} ${r.rps.toFixed(0)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms (answer cache: ${r.cache ?? 'not used'})`);
    }
    const memory = processMemory(gateway.pid);
    await gateway.close();

    if (runs('naive')) log(`size ${size}: naive sync read (GETs capped at ${secs(settings.naiveCapMs)})`);
    const naiveSync = runs('naive') ? await runNaiveSync({ naive, ours: full, capMs: settings.naiveCapMs, timeScale: settings.timeScale }) : undefined;
    loads.end = load();
    return { size, startup: { ms: started.startupMs, refresh: started.refresh }, full, resync, fanOut, dashboard, naiveSync, gatewayPeakRssMiB: memory?.peakRssMiB ?? full.peakRssMiB, loads };
  } finally {
    await gateway.close().catch(() => undefined);
    await naive.close().catch(() => undefined);
    await emulators.close();
    rmSync(gwDir, { recursive: true, force: true });
    rmSync(emuDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const began = performance.now();
  const results: SizeResult[] = [];
  for (const size of settings.sizes) results.push(await runSize(size));
  const steps = growth(
    results.map((r) => ({
      size: r.size,
      devices: r.full.devices,
      fullSyncMs: r.full.wallMs,
      fullSyncCpuMs: r.full.cpu.totalMs,
      boundMs: r.full.bound.totalMs,
      fullSyncAtPublishedMs: r.full.atPublishedMs,
      boundAtPublishedMs: r.full.boundAtPublished.totalMs,
      peakRssMiB: r.full.peakRssMiB,
      pageP50Ms: r.dashboard.find((d) => d.query === 'pageFresh')?.p50Ms ?? NaN,
      pageP99Ms: r.dashboard.find((d) => d.query === 'pageFresh')?.p99Ms ?? NaN,
    })),
  );
  const wallMs = performance.now() - began;
  const report = {
    benchmark: 'entra-iot-gateway',
    finishedAt: new Date().toISOString(),
    wallMs: Math.round(wallMs),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform, loadAtEnd: load() },
    settings,
    sizes: results,
    growth: steps,
    goals: goals(results, steps),
  };
  const markdown = renderReport(report);
  console.log(markdown);
  const out = path.join(ROOT, 'bench/results');
  mkdirSync(out, { recursive: true });
  const name = settings.mode === 'quick' ? 'bench-quick' : 'bench';
  // The phase timelines of every sync are kept; the raw per-call events are not (they are only summed).
  writeFileSync(path.join(out, `${name}.json`), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(path.join(out, `${name}.md`), markdown + '\n');
  log(`done in ${secs(wallMs)}; wrote bench/results/${name}.json and .md`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
