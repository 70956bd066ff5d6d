import { afterAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

/**
 * A load run at test size, not a timed test: 50 readers for 30 s while syncs run back to back. What it proves is
 * that nobody gets a 5xx; the figures it prints go to the README.
 */
const READERS = 50;
const SECONDS = 30;

const QUERIES = [
  '{ devices(first: 50, filter: { inSources: [INTUNE], notInSources: [IOT] }) { totalCount nodes { id name match { status } } } }',
  '{ deviceStats { total byMatchStatus { key count } bySourceCoverage { key count } } }',
  '{ devices(first: 20, orderBy: { field: LAST_SEEN, direction: DESC }) { nodes { id attributes { serialNumber { value source } } iot { hostname } } } }',
  '{ macConflicts { mac devices { id } } }',
];

let gw: TestGateway;
afterAll(async () => gw?.close());

describe('load', () => {
  it(`serves ${READERS} concurrent readers for ${SECONDS} s while syncs run, with no 5xx`, async () => {
    // IoT latency stretches each sync so reads overlap planning and applying.
    gw = await startTestGateway({ size: 1000, env: { LOG_LEVEL: 'warn', SYNC_CHUNK_SIZE: '25' }, start: { emulators: { faults: { iot: { latencyMs: 20 } } } } });
    const deadline = Date.now() + SECONDS * 1000;
    const statuses = new Map<number, number>();
    const latencies: number[] = [];
    let syncs = 0;

    const syncing = (async () => {
      while (Date.now() < deadline) {
        const res = await gw.gql('mutation { syncDevices(input: { fullResync: true }) { status } }');
        if (res.data?.syncDevices?.status === 'SUCCEEDED') syncs++;
      }
    })();
    const reader = async (n: number): Promise<void> => {
      for (let i = n; Date.now() < deadline; i++) {
        const started = performance.now();
        const res = await gw.gql(QUERIES[i % QUERIES.length]!);
        latencies.push(performance.now() - started);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    };
    await Promise.all([syncing, ...Array.from({ length: READERS }, (_, n) => reader(n))]);

    latencies.sort((a, b) => a - b);
    const q = (p: number): number => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!);
    const figures = { readers: READERS, seconds: SECONDS, requests: latencies.length, perSecond: Math.round(latencies.length / SECONDS), p50ms: q(0.5), p99ms: q(0.99), statuses: Object.fromEntries(statuses), syncsCompleted: syncs };
    console.log(`load: ${JSON.stringify(figures)}`);

    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    expect(statuses.get(200)).toBe(latencies.length);
    expect(syncs).toBeGreaterThan(0);
  }, 120_000);
});
