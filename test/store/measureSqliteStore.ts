/**
 * Measures the SQLite store at volume (not a test: timings depend on the machine). Run:
 *   node --expose-gc --import tsx test/store/measureSqliteStore.ts [deviceCount=100000] [samples=200]
 * It prints saveSnapshot's duration and p50/p99 latencies of the queries the benchmark goals name.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import type { DeviceListArgs, Store } from '../../src/store/types.js';
import { generateDevices, makeRefresh } from './deviceFactory.js';

const deviceCount = Number(process.argv[2] ?? 100_000);
const samples = Number(process.argv[3] ?? 200);

const dir = mkdtempSync(join(tmpdir(), 'store-measure-'));
const store = openSqliteStore(join(dir, 'store.db'));
try {
  const devices = generateDevices(deviceCount);
  let started = performance.now();
  store.saveSnapshot({ devices, iotAssets: [], macConflicts: [] }, makeRefresh('measure', { deviceCount }));
  console.log(`saveSnapshot(${deviceCount}): ${(performance.now() - started).toFixed(0)} ms`);
  started = performance.now();
  store.saveSnapshot({ devices, iotAssets: [], macConflicts: [] }, makeRefresh('measure-2', { deviceCount }));
  console.log(`saveSnapshot(${deviceCount}) over an existing snapshot: ${(performance.now() - started).toFixed(0)} ms`);
  const megabytes = (file: string) => (statSync(file, { throwIfNoEntry: false })?.size ?? 0) / 2 ** 20;
  console.log(`database ${megabytes(join(dir, 'store.db')).toFixed(0)} MB, WAL ${megabytes(join(dir, 'store.db-wal')).toFixed(0)} MB`);

  // Keep a sample and let the fleet go, so that collecting 100k devices' garbage does not land in the timings.
  const sample = Array.from({ length: 1000 }, (_, i) => devices[(i * 7919) % devices.length]!);
  devices.length = 0;
  (globalThis as { gc?: () => void }).gc?.();
  const pick = (i: number) => sample[i % sample.length]!;
  const serial = (i: number) => pick(i).attributes.serialNumber.value ?? 'zzz';
  const page = (args: (i: number) => DeviceListArgs) => (i: number) => store.listDevices(args(i));
  const cases: Array<[string, (i: number) => unknown]> = [
    ['page, no filter, NAME', page(() => ({ first: 50, orderBy: { field: 'NAME', direction: 'ASC' } }))],
    ['page, text "desktop" (broad), NAME', page(() => ({ first: 50, filter: { text: 'desktop' }, orderBy: { field: 'NAME', direction: 'ASC' } }))],
    ['page, text = a serial (selective), NAME', page((i) => ({ first: 50, filter: { text: serial(i) }, orderBy: { field: 'NAME', direction: 'ASC' } }))],
    ['page, text = 4-char serial prefix, NAME', page((i) => ({ first: 50, filter: { text: serial(i).slice(0, 4) }, orderBy: { field: 'NAME', direction: 'ASC' } }))],
    ['page, text = MAC in Intune notation', page((i) => ({ first: 50, filter: { text: pick(i).macs[0]!.mac!.replaceAll(':', '').toUpperCase() } }))],
    ['page, text = no match', page((i) => ({ first: 50, filter: { text: `nothing-${i}` } }))],
    ['page, in intune not iot, NAME', page(() => ({ first: 50, filter: { inSources: ['intune'], notInSources: ['iot'] }, orderBy: { field: 'NAME', direction: 'ASC' } }))],
    ['page, iot only, LAST_SEEN DESC', page(() => ({ first: 50, filter: { inSources: ['iot'], notInSources: ['entra', 'intune'] }, orderBy: { field: 'LAST_SEEN', direction: 'DESC' } }))],
    [
      'page, Windows+matched+randomized MAC, LAST_SEEN DESC',
      page(() => ({ first: 50, filter: { osGroups: ['windows'], matchStatuses: ['matched'], macClasses: ['randomized'] }, orderBy: { field: 'LAST_SEEN', direction: 'DESC' } })),
    ],
    ['deviceStats()', () => store.deviceStats()],
    ['deviceStats(in intune not iot)', () => store.deviceStats({ inSources: ['intune'], notInSources: ['iot'] })],
    ['deviceStats(text "desktop")', () => store.deviceStats({ text: 'desktop' })],
    ['getDevices(50 ids)', (i) => store.getDevices(Array.from({ length: 50 }, (_, k) => pick(i + k).id))],
  ];
  for (const [name, run] of cases) report(name, run, samples);
  reportDeepPage(store);
} finally {
  store.close();
  rmSync(dir, { recursive: true, force: true });
}

function report(name: string, run: (i: number) => unknown, count: number): void {
  for (let i = 0; i < 5; i++) run(i);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    run(i);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2);
  console.log(`${name.padEnd(52)} p50 ${at(0.5).padStart(7)} ms   p99 ${at(0.99).padStart(7)} ms`);
}

/** Keyset pages should cost the same deep in the list as at its start. */
function reportDeepPage(store: Store): void {
  let after: string | null = null;
  let pages = 0;
  const started = performance.now();
  for (;;) {
    const result = store.listDevices({ first: 1000, after, orderBy: { field: 'NAME', direction: 'ASC' } });
    pages++;
    if (!result.hasNextPage) break;
    after = result.endCursor;
  }
  console.log(`walked all devices in ${pages} pages of 1000: ${(performance.now() - started).toFixed(0)} ms`);
}
