import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmulatorControl } from '../helpers/embedded.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
let graph: EmulatorControl;
let iot: EmulatorControl;

const ATTRIBUTES = ['deviceName', 'osGroup', 'osVersion', 'ethernetMac', 'wifiMac', 'userEmail', 'entraDeviceId', 'enrollmentType', 'userPrincipalName', 'model', 'manufacturer', 'serialNumber'];
const attributeSelection = ATTRIBUTES.map((a) => `${a} { value source observedAt }`).join(' ');

beforeAll(async () => {
  gw = await startTestGateway({ size: 400, env: { GRAPH_CACHE_TTL: '0' } });
  graph = gw.graph;
  iot = gw.iot;
});

afterAll(async () => {
  await gw?.close();
});

beforeEach(async () => {
  await graph.reset();
  await iot.reset();
});

describe('devices: a dashboard page', () => {
  it('returns 100 devices with the twelve attributes and where each came from', async () => {
    const res = await gw.gql(`{ devices(first: 100) { totalCount nodes { id sources attributes { ${attributeSelection} } } pageInfo { hasNextPage endCursor } } }`);
    expect(res.errors).toBeUndefined();
    const { nodes, totalCount, pageInfo } = res.data!.devices;
    expect(nodes).toHaveLength(100);
    expect(totalCount).toBe(gw.store.deviceStats().total);
    expect(pageInfo.hasNextPage).toBe(true);
    for (const node of nodes) {
      for (const name of ATTRIBUTES) {
        const attr = node.attributes[name];
        expect(attr, name).toBeDefined();
        if (attr.value !== null) expect(node.sources).toContain(attr.source);
      }
    }
    const named = nodes.filter((n: any) => n.attributes.deviceName.value);
    expect(named.length).toBeGreaterThan(90);
  });

  it('sends every live Graph read of a page to $batch, in as few envelopes as 20 per batch allows', async () => {
    const res = await gw.gql(`{ devices(first: 100) { nodes { entraObjectIds intuneIds entra { id displayName trustType } intune { id deviceName ethernetMacAddress complianceState } } } }`);
    expect(res.errors).toBeUndefined();
    const nodes = res.data!.devices.nodes as Array<{ entraObjectIds: string[]; intuneIds: string[]; entra: unknown; intune: unknown }>;
    const subRequests = nodes.filter((n) => n.entraObjectIds.length > 0).length + nodes.filter((n) => n.intuneIds.length > 0).length;
    expect(subRequests).toBeGreaterThan(100);
    for (const n of nodes) {
      expect(n.entra === null).toBe(n.entraObjectIds.length === 0);
      expect(n.intune === null).toBe(n.intuneIds.length === 0);
    }
    const stats = await graph.stats();
    expect(Object.keys(stats.requests)).toEqual(['POST /v1.0/$batch']);
    expect(stats.batches.count).toBe(Math.ceil(subRequests / 20));
    expect(stats.batches.items).toBe(subRequests);
  });

  it('answers a repeated page from the shared cache without asking Graph again', async () => {
    const cached = await startTestGateway({ size: 120 });
    const query = `{ devices(first: 30) { nodes { entra { id } intune { id } } } }`;
    await cached.gql(query);
    const graphAgain = cached.graph;
    await graphAgain.reset();
    const second = await cached.gql(query);
    const stats = await graphAgain.stats();
    await cached.close();
    expect(second.errors).toBeUndefined();
    expect(stats.total).toBe(0);
  });

  it('keeps the page and nulls only the live sections when Graph fails, with a located error each', async () => {
    await graph.faults({ rateReset: 1 });
    const res = await gw.gql(`{ devices(first: 5, filter: { inSources: [ENTRA, INTUNE, IOT] }) { nodes { id name entra { id } intune { id } iot { hostname } } } }`);
    const nodes = res.data!.devices.nodes as Array<{ id: string; name: string; entra: unknown; intune: unknown; iot: { hostname: string } | null }>;
    expect(nodes).toHaveLength(5);
    for (const n of nodes) {
      expect(n.entra).toBeNull();
      expect(n.intune).toBeNull();
      expect(n.iot).not.toBeNull();
    }
    expect(res.errors!.length).toBe(10);
    for (const e of res.errors!) {
      expect(e.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(e.path?.slice(0, 2)).toEqual(['devices', 'nodes']);
      expect(['entra', 'intune']).toContain(e.path?.[3]);
      expect(e.message).not.toMatch(/127\.0\.0\.1|stack|at /);
    }
  });
});

describe('devices: filters, order and paging', () => {
  it('finds Intune devices that IoT Security has not seen', async () => {
    const res = await gw.gql(`{ devices(first: 500, filter: { inSources: [INTUNE], notInSources: [IOT] }) { totalCount nodes { sources match { status reason } } } }`);
    const { nodes, totalCount } = res.data!.devices;
    expect(totalCount).toBeGreaterThan(0);
    expect(nodes).toHaveLength(totalCount);
    for (const n of nodes) {
      expect(n.sources).toContain('INTUNE');
      expect(n.sources).not.toContain('IOT');
      expect(n.match.reason).not.toBeNull();
    }
  });

  it('pages through everything exactly once', async () => {
    const seen = new Set<string>();
    let after: string | null = null;
    let total = 0;
    for (let i = 0; i < 100; i++) {
      const res: any = await gw.gql(`query($after: String) { devices(first: 97, after: $after, orderBy: { field: NAME, direction: DESC }) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }`, { after });
      total = res.data.devices.totalCount;
      for (const n of res.data.devices.nodes) seen.add(n.id);
      if (!res.data.devices.pageInfo.hasNextPage) break;
      after = res.data.devices.pageInfo.endCursor;
    }
    expect(seen.size).toBe(total);
  });

  it('filters by text, OS group, match status and MAC class', async () => {
    const matched = await gw.gql(`{ devices(first: 5, filter: { matchStatuses: [MATCHED], macClasses: [GLOBAL], osGroups: ["windows"] }) { nodes { match { status } macs { class } attributes { osGroup { value } serialNumber { value } } } } }`);
    const [first] = matched.data!.devices.nodes;
    expect(first.match.status).toBe('MATCHED');
    expect(first.attributes.osGroup.value.toLowerCase()).toBe('windows');
    const serial = first.attributes.serialNumber.value as string;
    const bySerial = await gw.gql(`query($t: String) { devices(filter: { text: $t }) { nodes { attributes { serialNumber { value } } } } }`, { t: serial.toLowerCase() });
    expect(bySerial.data!.devices.nodes.map((n: any) => n.attributes.serialNumber.value)).toContain(serial);
  });

  it('refuses a page over 500, a malformed cursor and a malformed MAC with BAD_USER_INPUT', async () => {
    for (const q of ['{ devices(first: 501) { totalCount } }', '{ devices(after: "not-a-cursor") { totalCount } }', '{ deviceByMac(mac: "zz:zz") { id } }']) {
      const res = await gw.gql(q);
      expect(res.errors?.[0]?.extensions?.code, q).toBe('BAD_USER_INPUT');
      expect(res.data === null || res.data === undefined || Object.values(res.data).every((v) => v === null)).toBe(true);
    }
  });
});

describe('device, deviceByMac, deviceStats, macConflicts', () => {
  it('finds a device by any notation of its MAC, and explains its match', async () => {
    const page = await gw.gql(`{ devices(first: 1, filter: { matchStatuses: [MATCHED] }) { nodes { id macs { mac role } } } }`);
    const device = page.data!.devices.nodes[0];
    const mac: string = device.macs.find((m: any) => m.role === 'IOT').mac;
    for (const notation of [mac, mac.toUpperCase().replace(/:/g, '-'), mac.replace(/:/g, ''), `${mac.replace(/:/g, '').slice(0, 4)}.${mac.replace(/:/g, '').slice(4, 8)}.${mac.replace(/:/g, '').slice(8)}`]) {
      const res = await gw.gql(`query($m: String!) { deviceByMac(mac: $m) { id match { status explanation links { rule confidence keys { key value } evidence } } } }`, { m: notation });
      expect(res.data!.deviceByMac.id, notation).toBe(device.id);
      const link = res.data!.deviceByMac.match.links.find((l: any) => l.rule.startsWith('INTUNE_IOT'));
      expect(link.evidence.length).toBeGreaterThan(1);
      expect(link.keys).toContainEqual({ key: 'mac', value: expect.stringMatching(/^[0-9a-f:]{17}$/) });
    }
    const byId = await gw.gql(`query($id: ID!) { device(id: $id) { id iot { deviceId hostname } } }`, { id: device.id });
    expect(byId.data!.device.iot.deviceId).toBe(mac);
  });

  it('reads one IoT asset live, and refuses a second live read in the same request', async () => {
    const page = await gw.gql(`{ devices(first: 2, filter: { inSources: [IOT] }) { nodes { id } } }`);
    const [a, b] = page.data!.devices.nodes;
    const one = await gw.gql(`query($id: ID!) { device(id: $id) { iot(live: true) { deviceId } } }`, { id: a.id });
    expect(one.errors).toBeUndefined();
    expect(one.data!.device.iot.deviceId).toBeTruthy();
    const two = await gw.gql(`query($a: ID!, $b: ID!) { a: device(id: $a) { iot(live: true) { deviceId } } b: device(id: $b) { iot(live: true) { deviceId } } }`, { a: a.id, b: b.id });
    expect(two.errors).toHaveLength(1);
    expect(two.errors![0]!.extensions?.code).toBe('LIMIT_EXCEEDED');
  });

  it('counts what a dashboard draws, consistently with the filters', async () => {
    const res = await gw.gql(`{ deviceStats { total bySourceCoverage { key count } byMatchStatus { key count } byOsGroup { key count } byEnrollmentType { key count } byMacClass { key count } } all: devices { totalCount } iotOnly: devices(filter: { matchStatuses: [IOT_ONLY] }) { totalCount } }`);
    const stats = res.data!.deviceStats;
    expect(stats.total).toBe(res.data!.all.totalCount);
    const sum = (list: Array<{ count: number }>) => list.reduce((n, b) => n + b.count, 0);
    expect(sum(stats.bySourceCoverage)).toBe(stats.total);
    expect(sum(stats.byMatchStatus)).toBe(stats.total);
    expect(stats.byMatchStatus.find((b: any) => b.key === 'IOT_ONLY').count).toBe(res.data!.iotOnly.totalCount);
    expect(stats.bySourceCoverage.map((b: any) => b.key)).toContain('ENTRA+INTUNE+IOT');
  });

  it('lists each shared MAC with the devices that report it', async () => {
    const res = await gw.gql(`{ macConflicts { mac devices { id macs { mac class } } iotAsset { id match { status reason } } } }`);
    const conflicts = res.data!.macConflicts;
    expect(conflicts.length).toBeGreaterThan(0);
    for (const c of conflicts) {
      expect(c.devices.length).toBeGreaterThan(1);
      for (const d of c.devices) expect(d.macs).toContainEqual({ mac: c.mac, class: 'SHARED' });
      if (c.iotAsset) expect(c.iotAsset.match).toEqual({ status: 'AMBIGUOUS', reason: 'MAC_SHARED' });
    }
  });
});

describe('GraphQL errors', () => {
  it('answers a syntax error and an unknown field with GraphQL codes, not a crash', async () => {
    const parse = await gw.gql('{ devices(first: ');
    expect(parse.status).toBe(400);
    expect(parse.errors![0]!.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const unknown = await gw.gql('{ devices { nodes { password } } }');
    expect(unknown.errors![0]!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const healthy = await gw.gql('{ inventoryStatus { ready } }');
    expect(healthy.data!.inventoryStatus.ready).toBe(true);
  });
});

describe('GraphQL answers over HTTP', () => {
  it('tells every cache on the way to keep no answer, an error or a GET included', async () => {
    const post = (query: string) =>
      fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...gw.authHeaders }, body: JSON.stringify({ query }) });
    const page = await post('{ devices(first: 2) { totalCount nodes { id } } }');
    const broken = await post('{ devices(first: ');
    const get = await fetch(`${gw.url}/graphql?query=${encodeURIComponent('{ inventoryStatus { ready } }')}`, { headers: { 'apollo-require-preflight': 'true', ...gw.authHeaders } });
    expect([page.status, broken.status, get.status]).toEqual([200, 400, 200]);
    for (const answer of [page, broken, get]) expect(answer.headers.get('cache-control')).toBe('no-store');
  });
});
