import { decodeJwt } from 'jose';
import { Client, GraphError, PageIterator, type PageCollection } from '@microsoft/microsoft-graph-client';
import { fetch, type Dispatcher } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EntraDeviceRecord, Fleet, FleetUser, ManagedDeviceRecord } from '../../src/emulators/fleet/types.js';
import { createGraphService, type GraphService, type GraphServiceOptions } from '../../src/emulators/graph/graphService.js';
import { FaultInjector } from '../../src/emulators/http/faults.js';
import { startEmulator, type RunningEmulator } from '../../src/emulators/http/server.js';
import { EmulatorStats } from '../../src/emulators/http/stats.js';
import { TokenAuthority } from '../../src/emulators/login/authority.js';
import { createEmulatorTls, type EmulatorTls } from '../../src/emulators/tls.js';
import { createDispatcher } from '../../src/sources/http/dispatcher.js';

const TENANT = '11111111-2222-3333-4444-555555555555';
const FULL_APP = 'aaaaaaaa-0000-0000-0000-00000000000a';
const DEVICE_ONLY_APP = 'aaaaaaaa-0000-0000-0000-00000000000b';
const NO_ROLES_APP = 'aaaaaaaa-0000-0000-0000-00000000000c';
const ENTRA_COUNT = 250;
const MANAGED_COUNT = 30;

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
const guid = (prefix: string, n: number): string => `${prefix}-0000-4000-8000-${hex(n, 12)}`;
const mac = (kind: number, n: number): string => `02:${hex(kind, 2)}:00:00:${hex(n >> 8, 2)}:${hex(n & 0xff, 2)}`.toUpperCase();

/** A hand-made fleet: the generator is written elsewhere, and these tests need only a few known shapes. */
function buildFleet(): Fleet {
  const users: FleetUser[] = [0, 1, 2].map((i) => ({
    id: guid('00000000', i),
    displayName: `User ${i}`,
    userPrincipalName: `user${i}@contoso.onmicrosoft.com`,
    mail: `user${i}@contoso.com`,
  }));
  const entraDevices: EntraDeviceRecord[] = Array.from({ length: ENTRA_COUNT }, (_, i) => ({
    id: guid('e0000000', i),
    deviceId: guid('d0000000', i),
    displayName: i % 2 === 0 ? `LAPTOP-${hex(i, 4).toUpperCase()}` : `iPhone of User ${i}`,
    operatingSystem: i % 2 === 0 ? 'Windows' : 'iOS',
    operatingSystemVersion: i % 2 === 0 ? '10.0.22631.4317' : '17.5.1',
    trustType: i % 2 === 0 ? 'AzureAd' : 'Workplace',
    accountEnabled: true,
    isCompliant: i % 3 !== 0,
    isManaged: true,
    managementType: 'MDM',
    deviceOwnership: 'company',
    enrollmentType: null,
    profileType: 'RegisteredDevice',
    manufacturer: i % 2 === 0 ? 'Dell Inc.' : 'Apple',
    model: i % 2 === 0 ? 'Latitude 7440' : 'iPhone 15',
    mdmAppId: '0000000a-0000-0000-c000-000000000000',
    registrationDateTime: new Date(Date.UTC(2024, 0, 1) + i * 3600_000).toISOString().replace('.000', ''),
    approximateLastSignInDateTime: i === 7 ? null : new Date(Date.UTC(2025, 0, 1) + i * 3600_000).toISOString().replace('.000', ''),
    onPremisesSyncEnabled: null,
    onPremisesLastSyncDateTime: null,
    ownerUserId: users[i % 3]!.id,
  }));
  const managedDevices: ManagedDeviceRecord[] = Array.from({ length: MANAGED_COUNT }, (_, i) => ({
    id: guid('f0000000', i),
    userId: users[i % 3]!.id,
    deviceName: `LAPTOP-${hex(i * 2, 4).toUpperCase()}`,
    managedDeviceName: `user_Windows_${i}`,
    managedDeviceOwnerType: 'company',
    enrolledDateTime: new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString(),
    lastSyncDateTime: new Date(Date.UTC(2025, 5, 1) + i * 86_400_000).toISOString(),
    operatingSystem: 'Windows',
    osVersion: '10.0.22631.4317',
    complianceState: i % 4 === 0 ? 'noncompliant' : 'compliant',
    jailBroken: 'Unknown',
    managementAgent: 'mdm',
    azureADRegistered: true,
    deviceEnrollmentType: 'windowsAzureADJoin',
    azureADDeviceId: guid('d0000000', i * 2),
    deviceRegistrationState: 'registered',
    deviceCategoryDisplayName: 'Unknown',
    isSupervised: false,
    isEncrypted: true,
    emailAddress: `user${i % 3}@contoso.com`,
    userPrincipalName: `user${i % 3}@contoso.onmicrosoft.com`,
    userDisplayName: `User ${i % 3}`,
    model: 'Latitude 7440',
    manufacturer: 'Dell Inc.',
    serialNumber: `SN${hex(i, 6).toUpperCase()}`,
    imei: '',
    meid: '',
    phoneNumber: '',
    wiFiMacAddress: mac(0xaa, i).replace(/:/g, ''),
    ethernetMacAddress: mac(0xee, i).replace(/:/g, ''),
    iccid: '',
    udid: `UDID-${i}`,
    notes: `asset tag ${i}`,
    physicalMemoryInBytes: 17_179_869_184,
    totalStorageSpaceInBytes: 512_000_000_000,
    freeStorageSpaceInBytes: 100_000_000_000,
  }));
  return {
    origin: { kind: 'file', path: 'test' },
    users,
    // Stored out of id order, as an exported fleet is: paging must not depend on insertion order.
    entraDevices: entraDevices.reverse(),
    managedDevices: managedDevices.reverse(),
    iotAssets: [],
    truth: { intune: [], entraOnly: [], iotOnly: [], sharedMacs: [] },
  };
}

let tls: EmulatorTls;
let dispatcher: Dispatcher;
let authority: TokenAuthority;
const fleet = buildFleet();
const tokens: Record<string, string> = {};

interface Started {
  emulator: RunningEmulator;
  service: GraphService;
  injector: FaultInjector;
  stats: EmulatorStats;
}

async function startGraph(extra: Partial<GraphServiceOptions> = {}): Promise<Started> {
  const injector = new FaultInjector();
  const stats = new EmulatorStats();
  const service = createGraphService({ fleet, authority, injector, stats, ...extra });
  const emulator = await startEmulator(service, { tls, injector, stats });
  return { emulator, service, injector, stats };
}

let graph: Started;
/** Tiny Intune limits and a short delta-token lifetime, kept apart so they cannot disturb the other tests. */
let tight: Started;

beforeAll(async () => {
  tls = await createEmulatorTls();
  dispatcher = createDispatcher({ extraCaPem: tls.caPem });
  authority = new TokenAuthority({
    tenantId: TENANT,
    apps: [
      { clientId: FULL_APP, displayName: 'full', roles: ['Device.Read.All', 'DeviceManagementManagedDevices.Read.All', 'User.Read.All'] },
      { clientId: DEVICE_ONLY_APP, displayName: 'devices only', roles: ['Device.Read.All'] },
      { clientId: NO_ROLES_APP, displayName: 'no roles', roles: [] },
    ],
  });
  for (const app of [FULL_APP, DEVICE_ONLY_APP, NO_ROLES_APP]) tokens[app] = (await authority.issue(app)).token;
  graph = await startGraph();
  tight = await startGraph({ throttle: { intune: { limit: 5, windowMs: 1000 } }, deltaTokenTtlMs: 300 });
});

afterAll(async () => {
  await graph?.emulator.close();
  await tight?.emulator.close();
  await dispatcher?.close();
});

beforeEach(async () => {
  for (const { emulator } of [graph, tight]) await fetch(`${emulator.origin}/_emulator/reset`, { method: 'POST', dispatcher });
});

interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON (or the text of a text/plain answer); each test asserts the shape it expects. */
  body: any;
}

async function call(
  path: string,
  init: { token?: string | null; headers?: Record<string, string>; method?: string; body?: unknown; on?: Started } = {},
): Promise<Answer> {
  const token = init.token === undefined ? tokens[FULL_APP] : init.token;
  const res = await fetch(`${(init.on ?? graph).emulator.origin}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    dispatcher,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // text/plain answers ($count) stay text
  }
  return { status: res.status, headers: res.headers, body };
}

function graphClient(token = tokens[FULL_APP]!): Client {
  return Client.init({
    authProvider: (done) => done(null, token),
    baseUrl: graph.emulator.origin,
    customHosts: new Set(['127.0.0.1']),
    fetchOptions: { dispatcher } as unknown as RequestInit,
  });
}

describe('authentication and permissions', () => {
  it('answers 401 InvalidAuthenticationToken for a missing, expired, forged or wrong-audience token', async () => {
    const other = new TokenAuthority({ tenantId: TENANT, apps: [{ clientId: FULL_APP, displayName: 'x', roles: ['Device.Read.All'] }] });
    const cases: Array<[string | null, string]> = [
      [null, 'Access token is empty.'],
      [(await authority.issue(FULL_APP, { lifetimeSeconds: -60 })).token, 'Lifetime validation failed, the token is expired.'],
      [(await other.issue(FULL_APP)).token, 'Access token validation failure.'],
      [(await authority.issue(FULL_APP, { audience: 'https://management.azure.com' })).token, 'Access token validation failure. Invalid audience.'],
    ];
    for (const [token, message] of cases) {
      const res = await call('/v1.0/devices', { token });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'InvalidAuthenticationToken', message });
      expect(res.body.error.innerError).toEqual({ date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/), 'request-id': expect.any(String), 'client-request-id': expect.any(String) });
    }
  });

  it('fails graph-client with the same 401 for an expired token', async () => {
    const expired = (await authority.issue(FULL_APP, { lifetimeSeconds: -60 })).token;
    const error = await graphClient(expired).api('/devices').get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' });
  });

  it('refuses a token it accepted before, once the token has expired or its signing key is retired', async () => {
    const shortLived = await authority.issue(FULL_APP, { lifetimeSeconds: 1 });
    expect((await call('/v1.0/devices?$top=1', { token: shortLived.token })).status).toBe(200);
    const { exp } = decodeJwt(shortLived.token);
    await new Promise((resolve) => setTimeout(resolve, exp! * 1000 - Date.now() + 50));
    const expired = await call('/v1.0/devices?$top=1', { token: shortLived.token });
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toBe('Lifetime validation failed, the token is expired.');

    const accepted = tokens[FULL_APP]!;
    expect((await call('/v1.0/devices?$top=1', { token: accepted })).status).toBe(200);
    authority.rotateSigningKey({ retirePrevious: true });
    try {
      // Inside a $batch too: its items are authenticated with the envelope's token.
      const batch = await call('/v1.0/$batch', { method: 'POST', token: accepted, body: { requests: [{ id: '1', method: 'GET', url: '/devices?$top=1' }] } });
      expect(batch.status).toBe(401);
      expect((await call('/v1.0/devices?$top=1', { token: accepted })).status).toBe(401);
    } finally {
      // The other tests use tokens signed with the key now in force.
      for (const app of [FULL_APP, DEVICE_ONLY_APP, NO_ROLES_APP]) tokens[app] = (await authority.issue(app)).token;
    }
    expect((await call('/v1.0/devices?$top=1')).status).toBe(200);
  });

  it('sends Graph headers on every answer and echoes client-request-id', async () => {
    const res = await call('/v1.0/devices?$top=1', { headers: { 'client-request-id': 'feedface-0000-0000-0000-000000000001' } });
    expect(res.headers.get('client-request-id')).toBe('feedface-0000-0000-0000-000000000001');
    expect(res.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-ms-ags-diagnostic')).toContain('ServerInfo');
    expect(res.headers.get('date')).toBeTruthy();
    expect(res.headers.get('content-type')).toBe('application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8');
    expect(res.headers.get('x-ms-resource-unit')).toBe('1');
  });

  it('answers 403 in the directory style and in the Intune style for an app without the roles', async () => {
    const directory = await call('/v1.0/devices', { token: tokens[NO_ROLES_APP] });
    expect(directory.status).toBe(403);
    expect(directory.body.error).toMatchObject({ code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' });

    const intune = await call('/v1.0/deviceManagement/managedDevices', { token: tokens[DEVICE_ONLY_APP] });
    expect(intune.status).toBe(403);
    expect(intune.body.error.code).toBe('Forbidden');
    const document = JSON.parse(intune.body.error.message as string) as { _version: number; Message: string };
    expect(document._version).toBe(3);
    expect(document.Message).toContain('DeviceManagementManagedDevices.Read.All');
    expect(intune.body.error.message).toContain('\r\n');
  });
});

describe('GET /v1.0/devices', () => {
  it('pages the directory with absolute https nextLinks that keep the query', async () => {
    const first = await call('/v1.0/devices?$select=id,displayName&$top=100');
    expect(first.body['@odata.context']).toBe(`${graph.emulator.origin}/v1.0/$metadata#devices(id,displayName)`);
    expect(first.body.value).toHaveLength(100);
    expect(Object.keys(first.body.value[0])).toEqual(['id', 'displayName']);
    const next = new URL(first.body['@odata.nextLink']);
    expect(next.origin).toBe(graph.emulator.origin);
    expect(next.searchParams.get('$select')).toBe('id,displayName');
    expect(next.searchParams.get('$skiptoken')).toBeTruthy();
  });

  it('pages with graph-client PageIterator across every page', async () => {
    const client = graphClient();
    const ids: string[] = [];
    const first = (await client.api('/devices').select(['id', 'deviceId']).top(100).get()) as PageCollection;
    const iterator = new PageIterator(client, first, (d: { id: string }) => {
      ids.push(d.id);
      return true;
    });
    await iterator.iterate();
    expect(graph.stats.snapshot().requests['GET /v1.0/devices']).toEqual({ 200: 3 });
    expect(new Set(ids).size).toBe(ENTRA_COUNT);
  });

  it('defaults to 100 per page and refuses $top outside 1..999', async () => {
    expect((await call('/v1.0/devices')).body.value).toHaveLength(100);
    expect((await call('/v1.0/devices?$top=999')).body.value).toHaveLength(ENTRA_COUNT);
    const tooMany = await call('/v1.0/devices?$top=1000');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toBe("Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.");
    expect((await call('/v1.0/devices?$top=0')).status).toBe(400);
  });

  it('honours $count=true only with ConsistencyLevel: eventual', async () => {
    expect((await call('/v1.0/devices?$count=true')).body['@odata.count']).toBeUndefined();
    const counted = await call('/v1.0/devices?$count=true', { headers: { ConsistencyLevel: 'eventual' } });
    expect(counted.body['@odata.count']).toBe(ENTRA_COUNT);
  });

  it('serves /devices/$count only with ConsistencyLevel: eventual', async () => {
    const refused = await call('/v1.0/devices/$count');
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'Request_BadRequest', message: '$count is not currently supported.' });
    const counted = await call(`/v1.0/devices/$count?$filter=${encodeURIComponent("operatingSystem eq 'iOS'")}`, { headers: { ConsistencyLevel: 'eventual' } });
    expect(counted.headers.get('content-type')).toBe('text/plain');
    expect(counted.body).toBe(ENTRA_COUNT / 2);
  });

  it('filters with eq, in and startsWith, and ge/le on sign-in dates', async () => {
    const f = (filter: string, headers?: Record<string, string>) => call(`/v1.0/devices?$top=999&$filter=${encodeURIComponent(filter)}`, { headers });
    expect((await f("deviceId eq 'd0000000-0000-4000-8000-000000000005'")).body.value.map((d: { id: string }) => d.id)).toEqual([guid('e0000000', 5)]);
    expect((await f("startsWith(displayName,'laptop-')")).body.value).toHaveLength(ENTRA_COUNT / 2);
    expect((await f("operatingSystem in ('iOS','Android')")).body.value).toHaveLength(ENTRA_COUNT / 2);
    expect((await f("operatingSystem eq 'Windows' and accountEnabled eq true")).body.value).toHaveLength(ENTRA_COUNT / 2);
    expect((await f('approximateLastSignInDateTime ge 2025-01-01T10:00:00Z')).body.value).toHaveLength(ENTRA_COUNT - 10);
  });

  it('keeps endsWith, ne, not and null comparisons for advanced queries', async () => {
    const f = (filter: string, headers?: Record<string, string>, count = false) =>
      call(`/v1.0/devices?$top=999${count ? '&$count=true' : ''}&$filter=${encodeURIComponent(filter)}`, { headers });
    for (const filter of ["endsWith(displayName,'0A')", "operatingSystem ne 'iOS'", "not(operatingSystem eq 'iOS')", 'approximateLastSignInDateTime eq null']) {
      const refused = await f(filter);
      expect(refused.status, filter).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'Request_UnsupportedQuery', message: 'Unsupported Query.' });
    }
    const advanced = await f("endsWith(displayName,'0A')", { ConsistencyLevel: 'eventual' }, true);
    expect(advanced.status).toBe(200);
    expect(advanced.body.value.every((d: { displayName: string }) => d.displayName.endsWith('0A'))).toBe(true);
    expect((await f('approximateLastSignInDateTime eq null', { ConsistencyLevel: 'eventual' }, true)).body['@odata.count']).toBe(1);
  });

  it('answers unindexed properties, bad syntax, $skip and $search without the header with their errors', async () => {
    const notIndexed = await call(`/v1.0/devices?$filter=${encodeURIComponent("trustType eq 'AzureAd'")}`);
    expect(notIndexed.body.error).toMatchObject({ code: 'Request_UnsupportedQuery', message: 'The request uses a filter property that is not indexed' });
    const bad = await call(`/v1.0/devices?$filter=${encodeURIComponent("displayName eq 'x' and")}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('Invalid filter clause');
    expect((await call('/v1.0/devices?$skip=10')).body.error.message).toBe("'$skip' is not supported by the service.");
    const search = await call(`/v1.0/devices?$search=${encodeURIComponent('"displayName:iPhone"')}`);
    expect(search.body.error.code).toBe('Request_UnsupportedQuery');
    const searched = await call(`/v1.0/devices?$top=999&$search=${encodeURIComponent('"displayName:iphone"')}`, { headers: { ConsistencyLevel: 'eventual' } });
    expect(searched.body.value).toHaveLength(ENTRA_COUNT / 2);
  });
});

describe('single devices and owners', () => {
  it('gets a device by id and by deviceId, and 404s in the directory shape', async () => {
    const byId = await call(`/v1.0/devices/${guid('e0000000', 3)}?$select=id,deviceId,displayName`);
    expect(byId.body).toEqual({
      '@odata.context': `${graph.emulator.origin}/v1.0/$metadata#devices(id,deviceId,displayName)/$entity`,
      id: guid('e0000000', 3),
      deviceId: guid('d0000000', 3),
      displayName: 'iPhone of User 3',
    });
    const byDeviceId = await call(`/v1.0/devices(deviceId='${guid('d0000000', 3)}')`);
    expect(byDeviceId.body.id).toBe(guid('e0000000', 3));
    expect(byDeviceId.body.ownerUserId).toBeUndefined();
    const missing = await call('/v1.0/devices/00000000-dead-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({
      code: 'Request_ResourceNotFound',
      message: "Resource '00000000-dead-4000-8000-000000000000' does not exist or one of its queried reference-property objects are not present.",
    });
  });

  it('lists registered owners, limited to @odata.type and id without a user-read role', async () => {
    const full = await call(`/v1.0/devices/${guid('e0000000', 4)}/registeredOwners`);
    expect(full.body.value).toEqual([expect.objectContaining({ '@odata.type': '#microsoft.graph.user', id: guid('00000000', 1), userPrincipalName: 'user1@contoso.onmicrosoft.com' })]);
    const limited = await call(`/v1.0/devices/${guid('e0000000', 4)}/registeredUsers`, { token: tokens[DEVICE_ONLY_APP] });
    expect(limited.body.value).toEqual([{ '@odata.type': '#microsoft.graph.user', id: guid('00000000', 1) }]);
  });
});

describe('Intune managedDevices', () => {
  it('answers ethernetMacAddress null in LIST but returns the Wi-Fi MAC', async () => {
    const list = await call('/v1.0/deviceManagement/managedDevices?$select=id,ethernetMacAddress,wiFiMacAddress,notes');
    expect(list.body.value).toHaveLength(MANAGED_COUNT);
    for (const d of list.body.value) {
      expect(d.ethernetMacAddress).toBeNull();
      expect(d.notes).toBeNull();
      expect(d.wiFiMacAddress).toMatch(/^02AA/);
    }
    const unselected = await call('/v1.0/deviceManagement/managedDevices');
    expect(unselected.body.value[0]).toMatchObject({ ethernetMacAddress: null, udid: '', physicalMemoryInBytes: 0, iccid: '' });
  });

  it('returns the real non-default values only for a single GET whose $select names them', async () => {
    const id = guid('f0000000', 2);
    const plain = await call(`/v1.0/deviceManagement/managedDevices/${id}`);
    expect(plain.body).toMatchObject({ id, ethernetMacAddress: null, '@odata.context': `${graph.emulator.origin}/v1.0/$metadata#deviceManagement/managedDevices/$entity` });
    const selected = await graphClient().api(`/deviceManagement/managedDevices/${id}`).select(['id', 'ethernetMacAddress', 'physicalMemoryInBytes', 'udid']).get();
    expect(selected).toMatchObject({ id, ethernetMacAddress: mac(0xee, 2).replace(/:/g, ''), physicalMemoryInBytes: 17_179_869_184, udid: 'UDID-2' });
    expect(selected.value).toBeUndefined();
    const missing = await call('/v1.0/deviceManagement/managedDevices/00000000-dead-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('ResourceNotFound');
  });

  it('silently ignores MAC filters and applies the supported ones', async () => {
    const byWifi = await call(`/v1.0/deviceManagement/managedDevices?$filter=${encodeURIComponent(`wiFiMacAddress eq '${mac(0xaa, 1).replace(/:/g, '')}'`)}`);
    expect(byWifi.status).toBe(200);
    expect(byWifi.body.value).toHaveLength(MANAGED_COUNT);
    const nonCompliant = await call(`/v1.0/deviceManagement/managedDevices?$filter=${encodeURIComponent("complianceState eq 'noncompliant'")}`);
    expect(nonCompliant.body.value).toHaveLength(Math.ceil(MANAGED_COUNT / 4));
    const unsupported = await call(`/v1.0/deviceManagement/managedDevices?$filter=${encodeURIComponent("deviceName ne 'x'")}`);
    expect(unsupported.status).toBe(400);
  });

  it('pages with $top as the page size', async () => {
    const first = await call('/v1.0/deviceManagement/managedDevices?$top=12&$select=id');
    expect(first.body.value).toHaveLength(12);
    const second = await call(new URL(first.body['@odata.nextLink']).pathname + new URL(first.body['@odata.nextLink']).search);
    const third = await call(new URL(second.body['@odata.nextLink']).pathname + new URL(second.body['@odata.nextLink']).search);
    expect(third.body.value).toHaveLength(6);
    expect(third.body['@odata.nextLink']).toBeUndefined();
  });

  it('throttles per app: the 6th request in the window is a 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let last: Answer | undefined;
    for (let i = 0; i < 6; i++) {
      last = await call('/v1.0/deviceManagement/managedDevices?$top=1', { on: tight });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(last!.body).toEqual({
      error: {
        code: 'TooManyRequests',
        innerError: { code: '429', date: expect.any(String), message: 'Please retry after', 'request-id': expect.any(String), status: '429' },
        message: 'Please retry again later.',
      },
    });
    // The directory has its own budget.
    expect((await call('/v1.0/devices?$top=1', { on: tight })).status).toBe(200);
  });
});

interface BatchEnvelope {
  responses: Array<{ id: string; status: number; headers: Record<string, string>; body: Answer['body'] }>;
}

describe('POST /v1.0/$batch', () => {
  const deviceItems = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i + 1), method: 'GET', url: `/devices/${guid('e0000000', i)}?$select=id` }));

  it('refuses more than 20 requests, duplicate ids and malformed items as a whole', async () => {
    const tooMany = await call('/v1.0/$batch', { method: 'POST', body: { requests: deviceItems(21) } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ code: 'BadRequest', message: 'Maximum number of requests in a batch is 20.' });
    const duplicate = await call('/v1.0/$batch', { method: 'POST', body: { requests: [...deviceItems(1), { id: '1', method: 'GET', url: '/devices' }] } });
    expect(duplicate.status).toBe(400);
    const noUrl = await call('/v1.0/$batch', { method: 'POST', body: { requests: [{ id: '1', method: 'GET' }] } });
    expect(noUrl.status).toBe(400);
  });

  it('answers 20 items through graph-client, in any order, each with its own Content-Type', async () => {
    const items = deviceItems(18);
    items.push({ id: '19', method: 'GET', url: `deviceManagement/managedDevices/${guid('f0000000', 1)}?$select=id,ethernetMacAddress` });
    items.push({ id: '20', method: 'GET', url: '/v1.0/devices' });
    const envelope = (await graphClient().api('/$batch').post({ requests: items })) as BatchEnvelope;
    expect(envelope.responses).toHaveLength(20);
    const byId = new Map(envelope.responses.map((r) => [r.id, r]));
    expect([...byId.keys()].sort()).toEqual(items.map((i) => i.id).sort());
    for (let i = 1; i <= 18; i++) {
      const r = byId.get(String(i))!;
      expect(r.status).toBe(200);
      expect(r.headers['Content-Type']).toBe('application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8');
      expect(r.headers['OData-Version']).toBe('4.0');
      expect(r.body.id).toBe(guid('e0000000', i - 1));
    }
    expect(byId.get('19')!.body.ethernetMacAddress).toBe(mac(0xee, 1).replace(/:/g, ''));
    expect(byId.get('20')).toMatchObject({ status: 400, body: { error: { code: 'BadRequest', message: "Resource not found for the segment 'v1.0'." } } });
    expect(graph.stats.snapshot().batches.sizes).toEqual({ 20: 1 });
  });

  it('throttles single items inside a 200 envelope at rateBatchItem429', async () => {
    graph.injector.set({ rateBatchItem429: 1, retryAfterSeconds: 3 });
    try {
      const res = await call('/v1.0/$batch', { method: 'POST', body: { requests: deviceItems(3) } });
      expect(res.status).toBe(200);
      for (const r of res.body.responses) {
        expect(r.status).toBe(429);
        expect(r.headers['Retry-After']).toBe('3');
        expect(r.body.error.code).toBe('TooManyRequests');
      }
    } finally {
      graph.injector.set({ rateBatchItem429: 0, retryAfterSeconds: 1 });
    }
  });

  it('counts items individually against Intune throttling, and fails dependents with 424', async () => {
    const requests = Array.from({ length: 7 }, (_, i) => ({ id: `m${i}`, method: 'GET', url: `/deviceManagement/managedDevices/${guid('f0000000', i)}?$select=id` }));
    const res = await call('/v1.0/$batch', { method: 'POST', body: { requests }, on: tight });
    expect(res.status).toBe(200);
    const statuses = (res.body.responses as Array<{ status: number }>).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);

    const chained = await call('/v1.0/$batch', {
      method: 'POST',
      body: {
        requests: [
          { id: '1', method: 'GET', url: '/devices/00000000-dead-4000-8000-000000000000' },
          { id: '2', method: 'GET', url: `/devices/${guid('e0000000', 1)}`, dependsOn: ['1'] },
        ],
      },
    });
    const byId = new Map((chained.body.responses as Array<{ id: string; status: number }>).map((r) => [r.id, r.status]));
    expect(byId.get('1')).toBe(404);
    expect(byId.get('2')).toBe(424);
  });

  it('applies permissions per item with the envelope token', async () => {
    const res = await call('/v1.0/$batch', {
      method: 'POST',
      token: tokens[DEVICE_ONLY_APP],
      body: { requests: [{ id: 'a', method: 'GET', url: '/deviceManagement/managedDevices?$top=1' }] },
    });
    expect(res.body.responses[0]).toMatchObject({ status: 403, body: { error: { code: 'Forbidden' } } });
    expect((await call('/v1.0/$batch', { method: 'POST', token: null, body: { requests: deviceItems(1) } })).status).toBe(401);
  });
});

describe('GET /v1.0/devices/delta', () => {
  async function round(start: string, on: Started = graph): Promise<{ items: Array<Record<string, unknown>>; deltaLink: string; pages: number }> {
    const items: Array<Record<string, unknown>> = [];
    let pages = 0;
    let link = start;
    for (;;) {
      const url = new URL(link, on.emulator.origin);
      const res = await call(url.pathname + url.search, { on });
      expect(res.status).toBe(200);
      pages++;
      items.push(...res.body.value);
      const next: string | undefined = res.body['@odata.nextLink'];
      if (!next) return { items, deltaLink: res.body['@odata.deltaLink'], pages };
      link = next;
    }
  }

  it('pages a full sync, then returns only changes and removals, remembering $select', async () => {
    const first = await round('/v1.0/devices/delta?$select=displayName');
    expect(first.pages).toBe(3);
    expect(first.items).toHaveLength(ENTRA_COUNT);
    expect(Object.keys(first.items[0]!).sort()).toEqual(['displayName', 'id']);
    expect(new URL(first.deltaLink).origin).toBe(graph.emulator.origin);
    expect(new URL(first.deltaLink).searchParams.get('$select')).toBeNull();

    graph.service.state.updateEntraDevice(guid('e0000000', 10), { displayName: 'RENAMED-10' });
    graph.service.state.deleteEntraDevice(guid('e0000000', 11));
    graph.service.state.addEntraDevice({ ...fleet.entraDevices[0]!, id: guid('e0000000', 999), deviceId: guid('d0000000', 999), displayName: 'NEW-999' });

    const second = await round(first.deltaLink);
    expect(second.items).toEqual(
      expect.arrayContaining([
        { id: guid('e0000000', 10), displayName: 'RENAMED-10' },
        { id: guid('e0000000', 11), '@removed': { reason: 'deleted' } },
        { id: guid('e0000000', 999), displayName: 'NEW-999' },
      ]),
    );
    expect(second.items).toHaveLength(3);

    const third = await round(second.deltaLink);
    expect(third.items).toEqual([]);
  });

  it('starts from now with $deltatoken=latest', async () => {
    const latest = await call('/v1.0/devices/delta?$deltatoken=latest');
    expect(latest.body.value).toEqual([]);
    graph.service.state.updateEntraDevice(guid('e0000000', 20), { accountEnabled: false });
    const next = await round(latest.body['@odata.deltaLink']);
    expect(next.items.map((d) => d.id)).toEqual([guid('e0000000', 20)]);
  });

  it('answers 410 syncStateNotFound with a fresh Location for expired and unknown tokens', async () => {
    const first = await round('/v1.0/devices/delta?$select=id,displayName', tight);
    await new Promise((r) => setTimeout(r, 400));
    const expired = new URL(first.deltaLink);
    const res = await call(expired.pathname + expired.search, { on: tight });
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('syncStateNotFound');
    expect(res.headers.get('location')).toBe(`${tight.emulator.origin}/v1.0/devices/delta?$select=id,displayName`);

    const unknown = await call('/v1.0/devices/delta?$deltatoken=not-a-token');
    expect(unknown.status).toBe(410);
    expect(unknown.headers.get('location')).toBe(`${graph.emulator.origin}/v1.0/devices/delta`);
  });

  it('reset restores the fleet and invalidates earlier delta tokens', async () => {
    const first = await round('/v1.0/devices/delta');
    graph.service.state.deleteEntraDevice(guid('e0000000', 1));
    expect((await call(`/v1.0/devices/${guid('e0000000', 1)}`)).status).toBe(404);
    await fetch(`${graph.emulator.origin}/_emulator/reset`, { method: 'POST', dispatcher });
    expect((await call(`/v1.0/devices/${guid('e0000000', 1)}`)).status).toBe(200);
    const link = new URL(first.deltaLink);
    expect((await call(link.pathname + link.search)).status).toBe(410);
  });
});

describe('unknown routes', () => {
  it('answers an unknown segment as Graph does', async () => {
    const res = await call('/v1.0/widgets');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'BadRequest', message: "Resource not found for the segment 'widgets'." });
  });
});
