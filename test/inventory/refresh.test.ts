import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetTruth } from '../../src/emulators/fleet/types.js';
import { InventoryRefresher } from '../../src/inventory/refresh.js';
import { allDevices } from '../../src/store/allDevices.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import type { SnapshotWrite } from '../../src/store/types.js';
import { scoreCorrelation } from '../correlate/score.js';
import { count, type EmulatorControl } from '../helpers/embedded.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

describe('inventory refresh: correlation scored against the emulators ground truth', () => {
  for (const [seed, size] of [[1, 2000], [42, 1000]] as const) {
    it(`makes no false merge and matches at least 99% of the matchable devices (seed ${seed}, ${size} machines)`, async () => {
      const gw = await startTestGateway({ seed, size });
      const graph = gw.graph;
      try {
        const truth = await graph.truth<FleetTruth>();
        const score = scoreCorrelation(allDevices(gw.store), truth);
        expect(score.falseMerges).toEqual([]);
        expect(score.recall).toBeGreaterThanOrEqual(0.99);
        expect(score.withoutReason).toEqual([]);
      } finally {
        await gw.close();
      }
    });
  }
});

describe('inventory refresh', () => {
  let gw: TestGateway;
  let graph: EmulatorControl;
  let iot: EmulatorControl;

  beforeAll(async () => {
    gw = await startTestGateway({ size: 250 });
    graph = gw.graph;
    iot = gw.iot;
  });

  afterAll(async () => {
    await gw?.close();
  });

  it('keeps ids stable and re-reads no Intune MAC whose device has not synced since', async () => {
    const before = gw.store.listDevices({ first: 1000 }).devices.map((d) => d.id).sort();
    const res = await gw.gql(`mutation { refreshInventory { status sources { source records complete upstreamCalls } } }`);
    const refresh = res.data!.refreshInventory;
    expect(refresh.status).toBe('SUCCEEDED');
    const intune = refresh.sources.find((s: any) => s.source === 'INTUNE');
    expect(intune).toMatchObject({ complete: true, upstreamCalls: 1 });
    expect(gw.store.listDevices({ first: 1000 }).devices.map((d) => d.id).sort()).toEqual(before);
  });

  it('reads the MAC again for a device whose lastSyncDateTime moved', async () => {
    const device = gw.emulators!.fleet.managedDevices.find((d) => d.ethernetMacAddress)!;
    await graph.fleet({ op: 'update', kind: 'intune', id: device.id, patch: { lastSyncDateTime: new Date().toISOString(), ethernetMacAddress: 'F8BC12000001' } });
    const res = await gw.gql(`mutation { refreshInventory { status sources { source upstreamCalls } } }`);
    expect(res.data!.refreshInventory.sources.find((s: any) => s.source === 'INTUNE').upstreamCalls).toBe(2);
    const found = await gw.gql(`{ deviceByMac(mac: "f8:bc:12:00:00:01") { intuneIds attributes { ethernetMac { value source } } } }`);
    expect(found.data!.deviceByMac).toMatchObject({ intuneIds: [device.id], attributes: { ethernetMac: { value: 'f8:bc:12:00:00:01', source: 'INTUNE' } } });
  });

  it('fails a refresh when one source cannot be read completely, and keeps serving the last snapshot', async () => {
    const before = gw.store.deviceStats().total;
    await iot.faults({ rate503: 1 });
    try {
      const res = await gw.gql(`mutation { refreshInventory { status error sources { source complete error } } }`);
      const refresh = res.data!.refreshInventory;
      expect(refresh.status).toBe('FAILED');
      expect(refresh.error).toContain('the last snapshot was kept');
      expect(refresh.sources.find((s: any) => s.source === 'IOT')).toMatchObject({ complete: false });
      expect(refresh.sources.find((s: any) => s.source === 'IOT').error).toBeTruthy();
    } finally {
      await iot.faults({ rate503: 0 });
    }
    const after = await gw.gql(`{ devices { totalCount } inventoryStatus { ready lastRefresh { status } recentRefreshes(first: 3) { status } } }`);
    expect(after.data!.devices.totalCount).toBe(before);
    expect(after.data!.inventoryStatus).toMatchObject({ ready: true, lastRefresh: { status: 'FAILED' } });
    expect(after.data!.inventoryStatus.recentRefreshes.map((r: any) => r.status)).toContain('SUCCEEDED');
  });

  it('joins a refresh already running instead of starting a second one', async () => {
    const [a, b] = await Promise.all([gw.inventory.refresh(), gw.inventory.refresh()]);
    expect(a.id).toBe(b.id);
  });
});

describe('inventory refresh: a device is built again only when what it is made of changed', () => {
  it('builds none when nothing changed, few when a little did, and saves the snapshot a refresher remembering nothing saves', async () => {
    const gw = await startTestGateway({ size: 300 });
    const lastWrite = () => gw.logs.filter((l) => l.msg === 'inventory refreshed').at(-1)!.written as SnapshotWrite;
    try {
      await gw.inventory.refresh();
      expect(lastWrite()).toMatchObject({ written: 0, built: 0 });

      // A rename, a new IoT hostname, and a dock: one machine starts reporting another's Ethernet MAC, which changes
      // the other machine's device although none of its own records did.
      const now = new Date().toISOString();
      const [renamed, dockOwner, dockGuest] = gw.emulators!.fleet.managedDevices.filter((d) => d.ethernetMacAddress && d.azureADDeviceId);
      await gw.graph.fleet({ op: 'update', kind: 'intune', id: renamed!.id, patch: { deviceName: 'RENAMED-1', lastSyncDateTime: now } });
      await gw.graph.fleet({ op: 'update', kind: 'intune', id: dockGuest!.id, patch: { ethernetMacAddress: dockOwner!.ethernetMacAddress, lastSyncDateTime: now } });
      await gw.sources.iot.bulkUpdate([{ deviceid: gw.emulators!.fleet.iotAssets[0]!.deviceid, hostname: 'renamed-host' }]);
      expect((await gw.inventory.refresh()).status).toBe('succeeded');
      const write = lastWrite();
      expect(write.built).toBeGreaterThanOrEqual(4);
      expect(write.built).toBeLessThan(15);
      const owner = gw.store.getDevice(`entra:${dockOwner!.azureADDeviceId!.toLowerCase()}`)!;
      expect(owner.macs.find((m) => m.role === 'ethernet')!.class).toBe('shared');

      const scratch = openSqliteStore(':memory:');
      await new InventoryRefresher({ sources: gw.sources, store: scratch, logger: gw.logger }).refresh();
      expect(lastWrite().built).toBe(scratch.deviceStats().total);
      expect(allDevices(scratch)).toEqual(allDevices(gw.store));
      scratch.close();
    } finally {
      await gw.close();
    }
  });
});

describe('operations', () => {
  it('hydrates each Intune LIST page as it arrives, before the last page has been answered', async () => {
    // 40 ms a request, as on a network, so that "before" is a matter of round trips rather than of scheduling.
    const slow = await startTestGateway({ size: 2000, start: { emulators: { faults: { graph: { latencyMs: 40 } } } } });
    const slowGraph = slow.graph;
    try {
      const stats = await slowGraph.stats();
      expect(count(stats.requests, /^GET \/v1\.0\/deviceManagement\/managedDevices$/)).toBeGreaterThan(1);
      expect(stats.timing['POST /v1.0/$batch']!.first).toBeLessThan(stats.timing['GET /v1.0/deviceManagement/managedDevices']!.lastAnswered);
    } finally {
      await slow.close();
    }
  });

  it('is live at once and ready only when a snapshot exists', async () => {
    const gw = await startTestGateway({ size: 100, start: { waitForFirstRefresh: false, emulators: { faults: { iot: { latencyMs: 400 } } } } });
    try {
      expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${gw.url}/readyz`)).status).toBe(503);
      const early = await gw.gql('{ devices { totalCount } }');
      expect(early.errors?.[0]?.extensions?.code).toBe('NOT_READY');
      await gw.inventory.refresh();
      expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
    } finally {
      await gw.close();
    }
  });

  it('logs each request with its request id, and never the client secret or the IoT access key', async () => {
    const gw = await startTestGateway({ size: 100 });
    try {
      const res = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'test-req-1', ...gw.authHeaders }, body: JSON.stringify({ query: '{ devices(first: 3) { nodes { entra { id } } } }' }) });
      expect(res.headers.get('x-request-id')).toBe('test-req-1');
      expect(gw.logs.some((l) => l.requestId === 'test-req-1' && l.status === 200)).toBe(true);
      const text = JSON.stringify(gw.logs);
      expect(text).not.toContain(gw.emulators!.settings.AZURE_CLIENT_SECRET);
      expect(text).not.toContain(gw.emulators!.settings.IOT_ACCESS_KEY);
    } finally {
      await gw.close();
    }
  });
});
