/**
 * The gateway under test, alone in its process (its memory is its own; autocannon and the naive clients run in
 * the parent). Started by gatewayProcess.ts, driven over IPC: `start`, `sync`, `memory`, `close`. The gateway runs
 * in live mode against the emulators, as `npm start` would against a tenant, with its rate budgets divided by the
 * same time scale as the emulators' windows.
 *
 * Timing only: a few of the gateway's collaborators (store.saveSnapshot, intune.getNonDefaultFields,
 * iot.listAllDevices, iot.bulkUpdate) are wrapped to note when they start and end; nothing they do is changed.
 */
import { applyProcessDefaults } from '../../src/processDefaults.js';
import { loadConfig } from '../../src/config.js';
import type { EmulatorSettings } from '../../src/emulators/start.js';
import { startGateway, type Gateway } from '../../src/server.js';
import type { GraphCallEvent } from '../../src/sources/graph/graphClient.js';
import type { RefreshRecord, SyncRunRecord } from '../../src/store/types.js';
import { gatewayBudgets } from './bounds.js';
import { ownMemory, type Memory } from './rss.js';

// As `npm start` runs the gateway (src/main.ts).
applyProcessDefaults();

export interface StartArgs {
  settings: EmulatorSettings;
  dataDir: string;
  timeScale: number;
}

export interface StartResult {
  url: string;
  pid: number;
  /** startGateway until its first refresh finished. */
  startupMs: number;
  refresh: RefreshRecord;
  memory: Memory;
}

/** ms from the start of the sync call; null when the phase did not happen. */
export interface Span {
  startMs: number;
  endMs: number;
  calls: number;
  /** The process's CPU time (user + system, every thread) at the span's start and end, from the sync's start. */
  cpuStartMs: number;
  cpuEndMs: number;
  /** The process's peak RSS so far (getrusage), read when the span began and ended: says in which phase it peaked. */
  maxRssMiBAtStart: number;
  maxRssMiBAtEnd: number;
}

export interface SyncMeasurement {
  run: SyncRunRecord;
  refresh: RefreshRecord;
  wallMs: number;
  /** CPU time the gateway process used during the sync (user + system): what the machine's load cannot inflate. */
  cpuMs: number;
  /** The process's peak RSS before the sync started (its startup refresh's). */
  maxRssMiBBefore: number;
  /** Only with --expose-gc (diagnosis): live heap after a forced collection as each step began. */
  liveHeapMiB: Record<string, number>;
  spans: {
    entraRead: Span | null;
    intuneList: Span | null;
    hydration: Span | null;
    iotList: Span | null;
    saveSnapshot: Span | null;
    writes: Span | null;
  };
  /** Graph calls the gateway saw itself make, by kind (the emulator's stats are the reference). */
  graphCalls: { entraPages: number; intunePages: number; batches: number; batchItems: number; singles: number; throttled: number };
  memory: Memory;
}

type Command =
  | { id: number; cmd: 'start'; args: StartArgs }
  | { id: number; cmd: 'sync'; args: { fullResync: boolean } }
  | { id: number; cmd: 'memory' }
  | { id: number; cmd: 'cpu' }
  | { id: number; cmd: 'close' };

let gateway: Gateway | undefined;
let t0 = performance.now();
let cpu0 = 0;
let recording: { events: Array<GraphCallEvent & { end: number }> } | null = null;
const spans = new Map<string, Span>();

/** CPU time of this process so far, in ms. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const maxRssMiB = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

/**
 * Diagnosis only (BENCH_GATEWAY_NODE_ARGS=--expose-gc): the live heap after a full collection at the start of each
 * timed step, so a memory figure can be split into what is held and what the collector has not yet freed. The
 * forced collections cost time: never on for the published figures.
 */
const liveHeap: Record<string, number> = {};
function probeLiveHeap(name: string): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc || name in liveHeap) return;
  gc();
  liveHeap[name] = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
}

function note(name: string, start: number, end: number, cpuStart: number, cpuEnd: number, maxRssMiBAtStart: number): void {
  const s = spans.get(name);
  const maxRssMiBAtEnd = maxRssMiB();
  if (!s) spans.set(name, { startMs: start - t0, endMs: end - t0, calls: 1, cpuStartMs: cpuStart - cpu0, cpuEndMs: cpuEnd - cpu0, maxRssMiBAtStart, maxRssMiBAtEnd });
  else {
    s.endMs = end - t0;
    s.cpuEndMs = cpuEnd - cpu0;
    s.maxRssMiBAtEnd = maxRssMiBAtEnd;
    s.calls++;
  }
}

/** Replaces `obj[key]` (an async function) by one that notes its start and end under `name`. */
function timeAsync<T extends object, K extends keyof T>(obj: T, key: K, name: string): void {
  const original = obj[key] as unknown as (...args: unknown[]) => Promise<unknown>;
  (obj as Record<K, unknown>)[key] = async (...args: unknown[]) => {
    probeLiveHeap(`${name} start`);
    const start = performance.now();
    const cpuStart = cpuMs();
    const rssStart = maxRssMiB();
    try {
      return await original.apply(obj, args);
    } finally {
      note(name, start, performance.now(), cpuStart, cpuMs(), rssStart);
    }
  };
}

function timeSync<T extends object, K extends keyof T>(obj: T, key: K, name: string): void {
  const original = obj[key] as unknown as (...args: unknown[]) => unknown;
  (obj as Record<K, unknown>)[key] = (...args: unknown[]) => {
    probeLiveHeap(`${name} start`);
    const start = performance.now();
    const cpuStart = cpuMs();
    const rssStart = maxRssMiB();
    try {
      return original.apply(obj, args);
    } finally {
      note(name, start, performance.now(), cpuStart, cpuMs(), rssStart);
    }
  };
}

function spanOf(events: Array<GraphCallEvent & { end: number }>, test: (e: GraphCallEvent) => boolean): Span | null {
  const hits = events.filter(test);
  if (hits.length === 0) return null;
  // Graph calls are not on the CPU clock; their spans carry none.
  return { startMs: Math.min(...hits.map((e) => e.end - e.durationMs)) - t0, endMs: Math.max(...hits.map((e) => e.end)) - t0, calls: hits.length, cpuStartMs: NaN, cpuEndMs: NaN, maxRssMiBAtStart: NaN, maxRssMiBAtEnd: NaN };
}

async function start(args: StartArgs): Promise<StartResult> {
  const budgets = gatewayBudgets(args.timeScale);
  const config = loadConfig({
    ...(args.settings as unknown as Record<string, string>),
    DATA_DIR: args.dataDir,
    PORT: '0',
    REFRESH_INTERVAL: '0',
    SYNC_INTERVAL: '0',
    LOG_LEVEL: 'warn',
    // Colleagues are making every GraphQL request need a credential; the benchmark measures the data path.
    AUTH_MODE: 'off',
  });
  const started = performance.now();
  gateway = await startGateway(config, {
    loopbackOnly: true,
    sources: {
      // The gateway's own defaults, every window divided by the time scale (bounds.ts).
      graphLimits: { intune: budgets.intune, directory: budgets.directory },
      iotLimits: { list: budgets.iotList, other: budgets.iotOther },
      onGraphCall: (event) => recording?.events.push({ ...event, end: performance.now() }),
    },
  });
  const startupMs = performance.now() - started;
  timeSync(gateway.store, 'saveSnapshot', 'saveSnapshot');
  timeAsync(gateway.sources.intune, 'getNonDefaultFields', 'hydration');
  timeAsync(gateway.sources.iot, 'listAllDevices', 'iotList');
  timeAsync(gateway.sources.iot, 'bulkUpdate', 'writes');
  return { url: gateway.url, pid: process.pid, startupMs, refresh: gateway.store.latestRefreshes(1)[0]!, memory: ownMemory() };
}

async function sync(fullResync: boolean): Promise<SyncMeasurement> {
  const g = gateway!;
  spans.clear();
  for (const key of Object.keys(liveHeap)) delete liveHeap[key];
  probeLiveHeap('sync start');
  recording = { events: [] };
  t0 = performance.now();
  cpu0 = cpuMs();
  const maxRssAtStart = maxRssMiB();
  const run = await g.sync.start(
    { dryRun: false, createMissing: true, scope: null, planId: null, idempotencyKey: null, fullResync, trigger: 'benchmark', actor: 'bench' },
    true,
  );
  const wallMs = performance.now() - t0;
  const syncCpuMs = cpuMs() - cpu0;
  probeLiveHeap('sync end');
  // The plan starts when the snapshot is saved; its peak shows at the first write (or at the end).
  const maxRssMiBBefore = maxRssAtStart;
  const events = recording.events;
  recording = null;
  const isIntuneList = (e: GraphCallEvent): boolean => e.method === 'GET' && /^\/v1\.0\/deviceManagement\/managedDevices(\?|$)/.test(e.path);
  const isEntraRead = (e: GraphCallEvent): boolean => e.method === 'GET' && /^\/v1\.0\/devices(\/delta)?(\?|$)/.test(e.path);
  const isBatch = (e: GraphCallEvent): boolean => /\/\$batch$/.test(e.path);
  return {
    run,
    refresh: g.store.latestRefreshes(1)[0]!,
    wallMs,
    cpuMs: syncCpuMs,
    maxRssMiBBefore,
    liveHeapMiB: { ...liveHeap },
    spans: {
      entraRead: spanOf(events, isEntraRead),
      intuneList: spanOf(events, isIntuneList),
      hydration: spans.get('hydration') ?? null,
      iotList: spans.get('iotList') ?? null,
      saveSnapshot: spans.get('saveSnapshot') ?? null,
      writes: spans.get('writes') ?? null,
    },
    graphCalls: {
      entraPages: events.filter(isEntraRead).length,
      intunePages: events.filter(isIntuneList).length,
      batches: events.filter(isBatch).length,
      batchItems: events.filter(isBatch).reduce((n, e) => n + e.batchItems, 0),
      singles: events.filter((e) => !isBatch(e) && !isIntuneList(e) && !isEntraRead(e)).length,
      throttled: events.filter((e) => e.status === 429).length,
    },
    memory: ownMemory(),
  };
}

process.on('message', (message: Command) => {
  const reply = (body: { ok: true; result: unknown } | { ok: false; error: string }): void => void process.send!({ id: message.id, ...body });
  const work = async (): Promise<unknown> => {
    switch (message.cmd) {
      case 'start':
        return start(message.args);
      case 'sync':
        return sync(message.args.fullResync);
      case 'memory':
        return ownMemory();
      case 'cpu':
        return cpuMs();
      case 'close':
        await gateway?.close();
        gateway = undefined;
        return null;
    }
  };
  work().then(
    (result) => reply({ ok: true, result }),
    (err: unknown) => reply({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});
process.on('disconnect', () => void (gateway?.close() ?? Promise.resolve()).finally(() => process.exit(0)));
