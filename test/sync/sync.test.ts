import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetTruth } from '../../src/emulators/fleet/types.js';
import { count, type EmulatorControl } from '../helpers/embedded.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { enrichmentView, readIotInventory } from './helpers.js';

const RUN = `id status dryRun planId errors applied failed
  counts { updates creates skips unchanged skipsByReason { key count } }
  upstream { graphRequests iotRequests iotWrites throttled }
  progress { phase done total }`;

async function sync(gw: TestGateway, input: Record<string, unknown> = {}) {
  const res = await gw.gql(`mutation($input: SyncDevicesInput) { syncDevices(input: $input) { ${RUN} } }`, { input });
  return res;
}

describe('syncDevices on the embedded default', () => {
  let gw: TestGateway;
  let iot: EmulatorControl;
  let graph: EmulatorControl;
  let truth: FleetTruth;

  beforeAll(async () => {
    gw = await startTestGateway({ size: 400, env: { SYNC_CHUNK_SIZE: '50' } });
    iot = gw.iot;
    graph = gw.graph;
    truth = await graph.truth<FleetTruth>();
  });

  afterAll(async () => {
    await gw?.close();
  });

  it('plans, in a dry run, exactly what the ground truth says: updates, creates and skips with reasons', async () => {
    const before = await readIotInventory(gw.emulators!.settings as never);
    const res = await sync(gw, { dryRun: true });
    expect(res.errors).toBeUndefined();
    const run = res.data!.syncDevices;
    expect(run).toMatchObject({ status: 'SUCCEEDED', dryRun: true, applied: 0 });

    const live = truth.intune.filter((t) => t.supersededBy === null && !t.traps.includes('stale'));
    const expectedUpdates = live.reduce((n, t) => n + t.matchableIotDeviceIds.length, 0);
    const expectedCreates = live.filter((t) => t.creatableMac !== null).length;
    expect(run.counts.updates).toBe(expectedUpdates);
    expect(run.counts.creates).toBe(expectedCreates);
    const reasons = Object.fromEntries(run.counts.skipsByReason.map((b: { key: string; count: number }) => [b.key, b.count]));
    for (const reason of ['RANDOMIZED_MAC', 'PLACEHOLDER_MAC', 'STALE', 'AMBIGUOUS', 'NO_MAC']) expect(reasons[reason], reason).toBeGreaterThan(0);

    // A dock's or dongle's MAC is never written to: those machines match (or are created) by Wi-Fi instead.
    const shared = new Set(truth.sharedMacs.map((m) => m.mac));
    const writes = await gw.gql(`query($id: ID!) { syncRun(id: $id) { items(first: 500, actions: [UPDATE, CREATE]) { nodes { iotDeviceId } } } }`, { id: run.id });
    expect(writes.data!.syncRun.items.nodes.filter((n: { iotDeviceId: string }) => shared.has(n.iotDeviceId))).toEqual([]);

    // Nothing was written.
    expect(count((await iot.stats()).requests, /bulkUpdate/)).toBe(0);
    expect(enrichmentView(await readIotInventory(gw.emulators!.settings as never))).toEqual(enrichmentView(before));
  });

  it('lists the plan item by item, with from → to for each attribute', async () => {
    const res = await gw.gql(`{ syncRuns(first: 1) { nodes { id items(first: 5, actions: [UPDATE]) { totalCount nodes { action iotDeviceId outcome changes { attribute iotAttribute from to } device { id } } } } } }`);
    const items = res.data!.syncRuns.nodes[0].items;
    expect(items.totalCount).toBeGreaterThan(0);
    for (const item of items.nodes) {
      expect(item).toMatchObject({ action: 'UPDATE', outcome: 'PLANNED' });
      expect(item.device.id).toBeTruthy();
      expect(item.changes.length).toBeGreaterThan(0);
      expect(item.changes[0]).toMatchObject({ from: null, to: expect.any(String) });
    }
  });

  it('applies a dry run by its planId, changing the IoT inventory exactly as planned', async () => {
    const dry = (await sync(gw, { dryRun: true })).data!.syncDevices;
    const before = await readIotInventory(gw.emulators!.settings as never);
    await iot.reset();
    const itemsRes = await gw.gql(`query($id: ID!) { syncRun(id: $id) { items(first: 500, actions: [UPDATE, CREATE]) { nodes { action iotDeviceId changes { iotAttribute to } } } } }`, { id: dry.id });
    const planned = itemsRes.data!.syncRun.items.nodes as Array<{ action: string; iotDeviceId: string; changes: Array<{ iotAttribute: string; to: string }> }>;

    // A little latency, as on a real network, so that calls sent together are seen together.
    await iot.faults({ latencyMs: 40 });
    const applied = await sync(gw, { planId: dry.planId })
      .then((res) => res.data!.syncDevices)
      .finally(() => iot.faults({ latencyMs: 0 }));
    expect(applied).toMatchObject({ status: 'SUCCEEDED', dryRun: false, planId: dry.planId, failed: 0 });
    expect(applied.applied).toBeGreaterThan(2 * 50);
    expect(applied.applied).toBe(dry.counts.updates + dry.counts.creates);

    const after = enrichmentView(await readIotInventory(gw.emulators!.settings as never));
    const expected = enrichmentView(before);
    for (const item of planned) {
      expected[item.iotDeviceId] = { ...(expected[item.iotDeviceId] ?? {}) };
      for (const c of item.changes) expected[item.iotDeviceId]![`ms_entra_id.${c.iotAttribute}`] = c.to;
    }
    expect(Object.keys(after).length).toBe(Object.keys(before).length + dry.counts.creates);
    expect(after).toEqual(expected);
    const stats = await iot.stats();
    expect(count(stats.requests, /bulkUpdate/, /^200$/)).toBe(Math.ceil(applied.applied / 50));
    // Several calls in flight at once (SYNC_WRITES_IN_FLIGHT, 8 by default), none of them throttled.
    const bulkUpdate = Object.entries(stats.timing).find(([route]) => /bulkUpdate/.test(route))![1];
    expect(bulkUpdate.maxInFlight).toBeGreaterThan(1);
    expect(bulkUpdate.maxInFlight).toBeLessThanOrEqual(8);
    expect(stats.throttled).toBe(0);
  });

  it('writes nothing on a second sync when no source changed, and reads Graph far less', async () => {
    // The reset puts the IoT inventory back as it was, so this full resync writes the whole plan again.
    await iot.reset();
    const full = (await sync(gw, { fullResync: true })).data!.syncDevices;
    expect(full.applied).toBeGreaterThan(0);
    const graphBefore = (await graph.stats()).total;
    const iotBefore = count((await iot.stats()).requests, /bulkUpdate/);
    const again = (await sync(gw)).data!.syncDevices;
    const graphRequests = (await graph.stats()).total - graphBefore;
    expect(again).toMatchObject({ status: 'SUCCEEDED', counts: { updates: 0, creates: 0 }, applied: 0 });
    expect(count((await iot.stats()).requests, /bulkUpdate/) - iotBefore).toBe(0);
    expect(again.upstream.iotWrites).toBe(0);
    expect(again.upstream.graphRequests).toBe(graphRequests);
    expect(graphRequests).toBeLessThanOrEqual(0.1 * full.upstream.graphRequests);
  });

  it('refuses to apply a plan once the inventory changed since it was made', async () => {
    const dry = (await sync(gw, { dryRun: true })).data!.syncDevices;
    const matchable = new Set(truth.intune.filter((t) => t.supersededBy === null && !t.traps.includes('stale') && t.matchableIotDeviceIds.length > 0).map((t) => t.managedDeviceId));
    const device = gw.emulators!.fleet.managedDevices.find((d) => matchable.has(d.id) && d.userPrincipalName)!;
    await graph.fleet({ op: 'update', kind: 'intune', id: device.id, patch: { userPrincipalName: 'someone.else@contoso.com', lastSyncDateTime: new Date().toISOString() } });
    const res = await sync(gw, { planId: dry.planId });
    expect(res.errors?.[0]?.extensions?.code).toBe('PLAN_OUTDATED');
    expect(res.errors?.[0]?.message).toContain('nothing was written');
  });

  it('starts one sync at a time: a concurrent call gets SYNC_IN_PROGRESS, a retried idempotency key gets the same run', async () => {
    await iot.reset();
    const [a, b] = await Promise.all([sync(gw, { idempotencyKey: 'k-1' }), sync(gw)]);
    const outcomes = [a, b].map((r) => r.errors?.[0]?.extensions?.code ?? r.data!.syncDevices.status).sort();
    expect(outcomes).toEqual(['SUCCEEDED', 'SYNC_IN_PROGRESS']);
    const winner = (a.data?.syncDevices ?? b.data!.syncDevices) as { id: string; applied: number };
    expect(count((await iot.stats()).requests, /bulkUpdate/, /^200$/)).toBe(Math.ceil(winner.applied / 50));
    if (a.data) {
      const retried = await sync(gw, { idempotencyKey: 'k-1' });
      expect(retried.data!.syncDevices.id).toBe(a.data.syncDevices.id);
    }
  });

  it('returns at once with wait: false, and the run can be polled to the end', async () => {
    const started = (await sync(gw, { wait: false, dryRun: true })).data!.syncDevices;
    expect(['PLANNING', 'APPLYING', 'SUCCEEDED']).toContain(started.status);
    let status = started.status;
    for (let i = 0; i < 100 && (status === 'PLANNING' || status === 'APPLYING'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await gw.gql(`query($id: ID!) { syncRun(id: $id) { status } }`, { id: started.id })).data!.syncRun.status;
    }
    expect(status).toBe('SUCCEEDED');
  });

  it('aborts before any write when a source cannot be read completely', async () => {
    await graph.faults({ rate503: 1, retryAfterSeconds: 0.05 });
    const statsBefore = await iot.stats();
    try {
      const run = (await sync(gw)).data!.syncDevices;
      expect(run.status).toBe('FAILED');
      expect(run.errors.join(' ')).toContain('nothing was planned or written');
    } finally {
      await graph.faults({ rate503: 0 });
    }
    expect(count((await iot.stats()).requests, /bulkUpdate/)).toBe(count(statsBefore.requests, /bulkUpdate/));
  });
});

describe('syncDevices with faults on', () => {
  it('ends with the same IoT inventory as a clean run', async () => {
    const clean = await startTestGateway({ seed: 9, size: 200 });
    const faulty = await startTestGateway({
      seed: 9,
      size: 200,
      env: { SYNC_CHUNK_SIZE: '20' },
      start: {
        emulators: {
          faults: {
            graph: { rate429: 0.1, rate503: 0.05, rateReset: 0.05, rateBatchItem429: 0.2, retryAfterSeconds: 0.05 },
            iot: { rate429: 0.1, rate503: 0.1, rateReset: 0.05 },
          },
        },
      },
    });
    try {
      // Full resyncs, so the faulty run reads every Ethernet MAC through $batch again and meets the inner 429s.
      const a = (await sync(clean, { fullResync: true })).data!.syncDevices;
      const b = (await sync(faulty, { fullResync: true })).data!.syncDevices;
      expect(a.status).toBe('SUCCEEDED');
      expect(b.status).toBe('SUCCEEDED');
      expect(b.upstream.throttled).toBeGreaterThan(0);
      expect(enrichmentView(await readIotInventory(faulty.emulators!.settings as never))).toEqual(enrichmentView(await readIotInventory(clean.emulators!.settings as never)));
    } finally {
      await clean.close();
      await faulty.close();
    }
  });
});

describe('scheduled sync', () => {
  it('runs on SYNC_INTERVAL, recorded with trigger "schedule"', async () => {
    const gw = await startTestGateway({ size: 80, env: { SYNC_INTERVAL: '500ms' } });
    try {
      let runs: Array<{ trigger: string; status: string }> = [];
      for (let i = 0; i < 100 && !runs.some((r) => r.status === 'SUCCEEDED'); i++) {
        await new Promise((r) => setTimeout(r, 100));
        runs = (await gw.gql('{ syncRuns(first: 5) { nodes { trigger status } } }')).data!.syncRuns.nodes;
      }
      expect(runs.find((r) => r.status === 'SUCCEEDED')).toMatchObject({ trigger: 'schedule' });
    } finally {
      await gw.close();
    }
  });

  it('is off by default', async () => {
    const gw = await startTestGateway({ size: 50 });
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect((await gw.gql('{ syncRuns { nodes { id } } }')).data!.syncRuns.nodes).toEqual([]);
    } finally {
      await gw.close();
    }
  });
});
