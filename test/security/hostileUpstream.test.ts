import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetch } from 'undici';
import { count, type EmulatorControl } from '../helpers/embedded.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
let graph: EmulatorControl;
let iot: EmulatorControl;

beforeAll(async () => {
  gw = await startTestGateway({ size: 150, env: { GRAPH_CACHE_TTL: '0' } });
  graph = gw.graph;
  iot = gw.iot;
});

afterAll(async () => {
  await gw?.close();
});

beforeEach(async () => {
  await graph.faults({ rateTruncate: 0 });
  await iot.faults({ rateTruncate: 0 });
});

async function stillUp(): Promise<void> {
  expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  expect((await gw.gql('{ devices(first: 1) { totalCount } }')).data!.devices.totalCount).toBeGreaterThan(0);
}

describe('what a misbehaving upstream gets', () => {
  it('truncated Graph JSON nulls the live sections with UPSTREAM_BAD_DATA and keeps the page', async () => {
    await graph.faults({ rateTruncate: 1 });
    const res = await gw.gql('{ devices(first: 3, filter: { inSources: [ENTRA, INTUNE] }) { nodes { id name intune { id } } } }');
    expect(res.data!.devices.nodes).toHaveLength(3);
    expect(res.data!.devices.nodes.every((n: { intune: unknown }) => n.intune === null)).toBe(true);
    expect(new Set(res.errors!.map((e) => e.extensions?.code))).toEqual(new Set(['UPSTREAM_BAD_DATA']));
    await graph.faults({ rateTruncate: 0 });
    await stillUp();
  });

  it('truncated IoT JSON fails the refresh and a sync before any write; the last snapshot stays', async () => {
    const before = gw.store.deviceStats().total;
    const writesBefore = count((await iot.stats()).requests, /bulkUpdate/);
    await iot.faults({ rateTruncate: 1 });
    const refresh = await gw.gql('mutation { refreshInventory { status error } }');
    expect(refresh.data!.refreshInventory.status).toBe('FAILED');
    const sync = await gw.gql('mutation { syncDevices { status errors } }');
    expect(sync.data!.syncDevices.status).toBe('FAILED');
    await iot.faults({ rateTruncate: 0 });
    expect(count((await iot.stats()).requests, /bulkUpdate/)).toBe(writesBefore);
    expect(gw.store.deviceStats().total).toBe(before);
    await stillUp();
  });

  it('survives Intune records with missing fields, wrong types and unknown enum values', async () => {
    const [a, b] = gw.emulators!.fleet.managedDevices.filter((d) => d.azureADDeviceId && d.ethernetMacAddress);
    await graph.fleet({ op: 'update', kind: 'intune', id: a!.id, patch: { deviceName: null, serialNumber: 12345, complianceState: 'quantumCompliant', deviceEnrollmentType: 'androidEnterpriseFullyManaged', lastSyncDateTime: 'not a date' } });
    await graph.fleet({ op: 'update', kind: 'intune', id: b!.id, patch: { wiFiMacAddress: 'zz:zz:zz:zz:zz:zz', ethernetMacAddress: '', userPrincipalName: { nested: true } } });
    const refresh = await gw.gql('mutation { refreshInventory { status error } }');
    expect(refresh.data!.refreshInventory).toMatchObject({ status: 'SUCCEEDED' });

    const res = await gw.gql(
      `query($a: String!, $b: String!) {
        a: devices(filter: { text: $a }) { nodes { name attributes { serialNumber { value } } intune { complianceState enrollmentType enrollmentTypeRaw lastSyncAt } } }
        b: devices(filter: { text: $b }) { nodes { macs { raw class } attributes { userPrincipalName { value } } } }
      }`,
      { a: '12345', b: b!.serialNumber },
    );
    const da = res.data!.a.nodes.find((n: any) => n.attributes.serialNumber.value === '12345');
    expect(da).toMatchObject({ intune: { complianceState: 'UNKNOWN', enrollmentType: 'UNKNOWN_FUTURE_VALUE', enrollmentTypeRaw: 'androidEnterpriseFullyManaged', lastSyncAt: null } });
    const db = res.data!.b.nodes[0];
    expect(db.macs).toContainEqual({ raw: 'zz:zz:zz:zz:zz:zz', class: 'INVALID' });
    expect(db.attributes.userPrincipalName.value).toBeNull();
    await stillUp();
  });
});
