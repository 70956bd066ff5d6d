import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Dispatcher } from 'undici';
import type { Fleet, IotAssetRecord } from '../../src/emulators/fleet/types.js';
import { startEmulator, type RunningEmulator } from '../../src/emulators/http/server.js';
import { createIotService, type IotService } from '../../src/emulators/iot/iotService.js';
import { createEmulatorTls, type EmulatorTls } from '../../src/emulators/tls.js';
import { AuthError, HttpError, NetworkError, NotFoundError, ThrottledError, UpstreamDataError } from '../../src/sources/errors.js';
import { createDispatcher } from '../../src/sources/http/dispatcher.js';
import { createIotClient, type IotClientOptions, type IotRequestEvent } from '../../src/sources/iot/iotClient.js';

const CUSTOMER = 'contoso';
const KEY_ID = 'key-id-1';
const ACCESS_KEY = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LWFjY2Vzcy1rZXk.s1gn4tur3';

const hex = (n: number): string => (n & 0xff).toString(16).padStart(2, '0');

function asset(i: number): IotAssetRecord {
  const mac = `00:1b:63:${hex(i >> 16)}:${hex(i >> 8)}:${hex(i)}`;
  return {
    deviceid: mac,
    hostname: `asset-${i}`,
    category: 'IP Phone',
    profile: 'Polycom IP Phone',
    profile_type: 'IoT',
    profile_vertical: 'Office',
    ip_address: `10.2.${(i >> 8) & 0xff}.${i & 0xff}`,
    mac_address: mac,
    risk_score: 20,
    risk_level: 'Low',
    last_activity: new Date(Date.UTC(2025, 5, 1) + i * 1000).toISOString(),
    confidence_score: 95,
    first_seen_date: '2024-01-01T00:00:00.000Z',
    vendor: 'Polycom',
    model: 'VVX 450',
    os_group: 'Embedded',
    os_combined: 'Embedded',
    'os/firmware_version': '6.4',
    Serial_Number: `PC${i}`,
    subnet: '10.2.0.0/16',
    site_name: 'HQ',
    vlan: '20',
    wire_or_wireless: 'Wired',
    DHCP: 'Yes',
    number_of_critical_alerts: 0,
    number_of_warning_alerts: 0,
    number_of_caution_alerts: 0,
    number_of_info_alerts: 0,
    allTags: [],
  };
}

function fleetOf(count: number): Pick<Fleet, 'iotAssets' | 'truth'> {
  const assets = Array.from({ length: count }, (_, i) => asset(i));
  return { iotAssets: assets, truth: { intune: [], entraOnly: [], sharedMacs: [], iotOnly: [] } };
}

let tls: EmulatorTls;
let dispatcher: Dispatcher;
let service: IotService;
let emu: RunningEmulator;

/** Small windows keep the SDK-style 429 backoff (window/limit, doubling to window/4) in milliseconds. */
const FAST_LIMITS = { list: { limit: 60, windowMs: 600 }, other: { limit: 180, windowMs: 600 } };

function client(overrides: Partial<IotClientOptions> = {}) {
  return createIotClient({
    baseUrl: emu.origin,
    customerId: CUSTOMER,
    keyId: KEY_ID,
    accessKey: ACCESS_KEY,
    dispatcher,
    limits: FAST_LIMITS,
    retryBaseMs: 20,
    ...overrides,
  });
}

beforeAll(async () => {
  tls = await createEmulatorTls();
  dispatcher = createDispatcher({ extraCaPem: tls.caPem });
  service = createIotService({ fleet: fleetOf(250), customerId: CUSTOMER, keyId: KEY_ID, accessKey: ACCESS_KEY });
  emu = await startEmulator(service, { tls });
});

afterAll(async () => {
  await emu.close();
  await dispatcher.close();
});

afterEach(() => {
  service.reset();
  emu.faults.reset();
  emu.stats.reset();
});

describe('IoT client: paging', () => {
  it('returns every asset exactly once over several pages, stopping at the short page', async () => {
    const events: IotRequestEvent[] = [];
    const assets = await client({ onRequest: (e) => events.push(e) }).listAllDevices({ pageLength: 100 });
    expect(assets).toHaveLength(250);
    expect(new Set(assets.map((a) => a.deviceid)).size).toBe(250);
    expect(events.map((e) => e.path)).toEqual([0, 100, 200].map((o) => `/pub/v4.0/device/list?customerid=${CUSTOMER}&pagelength=100&detail=false&offset=${o}`));
  });

  it('asks once more when the inventory is an exact multiple of the page length', async () => {
    const events: IotRequestEvent[] = [];
    const pages: number[] = [];
    for await (const page of client({ onRequest: (e) => events.push(e) }).listDevices({ pageLength: 125 })) pages.push(page.length);
    expect(pages).toEqual([125, 125]);
    expect(events).toHaveLength(3);
  });

  it('reads full records with detail and filters with stime', async () => {
    const [first] = await client().listAllDevices({ detail: true, pageLength: 1000 });
    expect(first).toMatchObject({ vendor: 'Polycom', number_of_caution_alerts: 0 });
    const recent = await client().listAllDevices({ stime: new Date(Date.UTC(2025, 5, 1) + 240 * 1000) });
    expect(recent).toHaveLength(10);
  });

  it('waits for room under the list budget instead of running into 429s', async () => {
    const paced = await startEmulator(
      createIotService({ fleet: fleetOf(50), customerId: CUSTOMER, keyId: KEY_ID, accessKey: ACCESS_KEY, limits: { list: { limit: 2, windowMs: 400 } } }),
      { tls },
    );
    try {
      const started = Date.now();
      const assets = await client({ baseUrl: paced.origin, limits: { list: { limit: 2, windowMs: 400 } } }).listAllDevices({ pageLength: 10 });
      expect(assets).toHaveLength(50);
      // Six requests at two per 400 ms: at least two full windows of waiting.
      expect(Date.now() - started).toBeGreaterThanOrEqual(800);
      expect(paced.stats.snapshot().throttled).toBe(0);
    } finally {
      await paced.close();
    }
  });
});

describe('IoT client: single devices and writes', () => {
  it('reads a device, and throws NotFoundError naming the request for an unknown one', async () => {
    const iot = client();
    expect(await iot.getDevice('00-1B-63-00-00-07')).toMatchObject({ deviceid: '00:1b:63:00:00:07', hostname: 'asset-7' });
    const err = await iot.getDevice('aa:bb:cc:dd:ee:ff').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ source: 'iot', status: 404, method: 'GET', path: `/pub/v4.0/device?customerid=${CUSTOMER}&deviceid=aa:bb:cc:dd:ee:ff` });
  });

  it('reads devices by IP, empty when nothing is on the address', async () => {
    const iot = client();
    expect((await iot.getDevicesByIp('10.2.0.9')).map((a) => a.deviceid)).toEqual(['00:1b:63:00:00:09']);
    expect(await iot.getDevicesByIp('192.0.2.1')).toEqual([]);
  });

  it('upserts through bulkUpdate and reads the attributes back', async () => {
    const iot = client();
    const { updatedDeviceNum } = await iot.bulkUpdate(
      [
        { deviceid: '00:1b:63:00:00:01', serialNumber: 'C02XYZ' },
        { deviceid: 'f45c89aabbcc', deviceName: 'LAPTOP-42' },
      ],
      { updateSource: 'ms_entra_id' },
    );
    expect(updatedDeviceNum).toBe(2);
    expect(await iot.getDevice('00:1b:63:00:00:01')).toMatchObject({ 'ms_entra_id.serialNumber': 'C02XYZ' });
    expect(await iot.getDevice('f4:5c:89:aa:bb:cc')).toMatchObject({ hostname: 'LAPTOP-42', 'ms_entra_id.deviceName': 'LAPTOP-42' });
    expect(service.truth()).toMatchObject({ creates: 1, updates: 1 });
  });

  it('turns a validation 400 into an HttpError naming the bad property', async () => {
    const err = await client()
      .bulkUpdate([{ deviceid: 'nonsense' }])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 400, code: 'validation' });
    expect((err as Error).message).toContain('instance.devicelist[0].deviceid');
  });

  it('adds and removes tags in batches of at most 50 devices', async () => {
    const events: IotRequestEvent[] = [];
    const iot = client({ onRequest: (e) => events.push(e) });
    const ids = Array.from({ length: 120 }, (_, i) => asset(i).deviceid);
    await iot.addTag({ tagType: 'Gateway', tagValue: 'synced' }, ids);
    expect(events).toHaveLength(3);
    expect((await iot.getDevice(ids[119]!)).allTags).toMatchObject([{ tagType: 'Gateway', tagValue: 'synced' }]);
    await iot.removeTag({ tagType: 'Gateway', tagValue: 'synced' }, ids);
    expect((await iot.getDevice(ids[0]!)).allTags).toEqual([]);
  });
});

describe('IoT client: failures', () => {
  it('throws AuthError for a wrong key, without the key anywhere in the error', async () => {
    const wrongKey = 'eyJ.wrong-access-key-value.zzz';
    const err = await client({ accessKey: wrongKey })
      .getDevice('00:1b:63:00:00:01')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err).toMatchObject({ source: 'iot', status: 403 });
    for (const text of [(err as Error).message, (err as Error).stack ?? '']) {
      expect(text).not.toContain(wrongKey);
      expect(text).not.toContain(ACCESS_KEY);
    }
  });

  it('retries injected 429s to success', async () => {
    emu.faults.set({ rate429: 0.3 });
    const events: IotRequestEvent[] = [];
    const assets = await client({ onRequest: (e) => events.push(e) }).listAllDevices({ pageLength: 25 });
    expect(assets).toHaveLength(250);
    expect(events.filter((e) => e.status === 429).length).toBeGreaterThan(0);
    expect(events.some((e) => e.attempt > 1)).toBe(true);
  });

  it('throws ThrottledError once the retries are spent', async () => {
    emu.faults.set({ rate429: 1 });
    const err = await client({ maxRetries: 2 })
      .getDevice('00:1b:63:00:00:01')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThrottledError);
    expect(emu.stats.snapshot().throttled).toBe(3);
  });

  it('rides out a 503 storm', async () => {
    emu.faults.set({ rate503: 1 });
    const events: IotRequestEvent[] = [];
    setTimeout(() => emu.faults.set({ rate503: 0 }), 150);
    const device = await client({ onRequest: (e) => events.push(e) }).getDevice('00:1b:63:00:00:02');
    expect(device.hostname).toBe('asset-2');
    expect(events.filter((e) => e.status === 503).length).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)?.status).toBe(200);
  });

  it('retries a GET whose connection was reset', async () => {
    emu.faults.set({ rateReset: 1 });
    const events: IotRequestEvent[] = [];
    setTimeout(() => emu.faults.set({ rateReset: 0 }), 100);
    const device = await client({ onRequest: (e) => events.push(e) }).getDevice('00:1b:63:00:00:03');
    expect(device.hostname).toBe('asset-3');
    expect(events.filter((e) => e.status === 'network-error').length).toBeGreaterThanOrEqual(1);
  });

  it('retries a bulkUpdate whose connection was reset: the upsert is safe to repeat', async () => {
    emu.faults.set({ rateReset: 1 });
    setTimeout(() => emu.faults.set({ rateReset: 0 }), 100);
    const { updatedDeviceNum } = await client().bulkUpdate([{ deviceid: '00:1b:63:00:00:04', serialNumber: 'S4' }], { updateSource: 'ms_entra_id' });
    expect(updatedDeviceNum).toBe(1);
    expect(service.inventory.get('00:1b:63:00:00:04')).toMatchObject({ 'ms_entra_id.serialNumber': 'S4' });
  });

  it('fails at once, without retries, when the server certificate is not trusted', async () => {
    const untrusting = createDispatcher();
    const events: IotRequestEvent[] = [];
    try {
      const err = await client({ dispatcher: untrusting, onRequest: (e) => events.push(e) })
        .getDevice('00:1b:63:00:00:01')
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect(events).toHaveLength(1);
    } finally {
      await untrusting.close();
    }
  });

  it('trusts the extra CA in addition to the public roots, not any CA: a server signed by another one is refused', async () => {
    const other = await createEmulatorTls();
    const trustingAnother = createDispatcher({ extraCaPem: other.caPem });
    try {
      const err = await client({ dispatcher: trustingAnother }).getDevice('00:1b:63:00:00:01').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
    } finally {
      await trustingAnother.close();
    }
  });

  it('gives up on a hung request with a NetworkError', async () => {
    emu.faults.set({ rateHang: 1 });
    const err = await client({ timeoutMs: 150, maxRetries: 1 })
      .getDevice('00:1b:63:00:00:01')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as Error).message).toMatch(/timed out after 150 ms/);
  });
});

describe('IoT client: what a misbehaving upstream gets', () => {
  let upstream: http.Server;
  let reply: { status: number; body: string } = { status: 200, body: '' };

  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      res.writeHead(reply.status, { 'Content-Type': 'application/json' });
      res.end(reply.body.replace('{{key}}', String(req.headers['x-access-key'])));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  });

  afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

  function rawClient() {
    return client({ baseUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, maxRetries: 0 });
  }

  it('throws UpstreamDataError for a 200 that is not JSON', async () => {
    reply = { status: 200, body: '{"total": 1, "devices": [' };
    await expect(rawClient().listAllDevices()).rejects.toBeInstanceOf(UpstreamDataError);
  });

  it('throws UpstreamDataError for a 200 without a devices array', async () => {
    reply = { status: 200, body: '{"total": 0}' };
    await expect(rawClient().listAllDevices()).rejects.toBeInstanceOf(UpstreamDataError);
  });

  it('keeps an access key echoed by the server out of the error', async () => {
    reply = { status: 403, body: '{"code":403,"msg":"Forbidden access for key {{key}}."}' };
    const err = await rawClient()
      .getDevice('00:1b:63:00:00:01')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toContain('Forbidden access for key ***.');
    expect((err as Error).message).not.toContain(ACCESS_KEY);
    expect((err as Error).stack).not.toContain(ACCESS_KEY);
  });
});
