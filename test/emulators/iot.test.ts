import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetch, type Dispatcher } from 'undici';
import type { Fleet, IotAssetRecord } from '../../src/emulators/fleet/types.js';
import { startEmulator, type RunningEmulator } from '../../src/emulators/http/server.js';
import { createIotService, type IotService } from '../../src/emulators/iot/iotService.js';
import { createEmulatorTls, type EmulatorTls } from '../../src/emulators/tls.js';
import { createDispatcher } from '../../src/sources/http/dispatcher.js';

const CUSTOMER = 'contoso';
const KEY_ID = 'key-id-1';
const ACCESS_KEY = 'eyJhbGciOi.secret-access-key.sig';

const FORBIDDEN = {
  code: 403,
  msg: 'Forbidden access. Either the provided API key is invalid or it does not have the required RBAC permissions to run this API.',
};
const BAD_REQUEST = { code: 400, msg: 'Bad Request. This occurs when an HTTP request contains an invalid query string.' };

const hex = (n: number): string => (n & 0xff).toString(16).padStart(2, '0');

function asset(i: number): IotAssetRecord {
  const mac = `00:1b:63:${hex(i >> 16)}:${hex(i >> 8)}:${hex(i)}`;
  return {
    deviceid: mac,
    hostname: `asset-${i}`,
    category: 'Printer',
    profile: 'HP Printer',
    profile_type: 'IoT',
    profile_vertical: 'Office',
    ip_address: `10.1.${(i >> 8) & 0xff}.${i & 0xff}`,
    mac_address: mac,
    risk_score: 10,
    risk_level: 'Low',
    last_activity: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
    confidence_score: 90,
    first_seen_date: '2024-06-01T00:00:00.000Z',
    vendor: 'HP',
    model: 'M404',
    os_group: 'Embedded',
    os_combined: 'Embedded',
    'os/firmware_version': '1.0',
    Serial_Number: `SN${i}`,
    subnet: '10.1.0.0/16',
    site_name: 'HQ',
    vlan: '10',
    wire_or_wireless: 'Wired',
    DHCP: 'Yes',
    number_of_critical_alerts: 0,
    number_of_warning_alerts: 1,
    number_of_caution_alerts: 2,
    number_of_info_alerts: 3,
    allTags: [],
  };
}

function fleetOf(assets: IotAssetRecord[]): Pick<Fleet, 'iotAssets' | 'truth'> {
  return {
    iotAssets: assets,
    truth: { intune: [], entraOnly: [], sharedMacs: [], iotOnly: assets.map((a) => ({ deviceid: a.deviceid, traps: ['iot-only'] })) },
  };
}

interface CallOptions {
  query?: Record<string, string>;
  body?: unknown;
  keyId?: string;
  accessKey?: string;
  customerId?: string;
}

let tls: EmulatorTls;
let dispatcher: Dispatcher;

beforeAll(async () => {
  tls = await createEmulatorTls();
  dispatcher = createDispatcher({ extraCaPem: tls.caPem });
});

afterAll(() => dispatcher.close());

async function call(emu: RunningEmulator, method: string, route: string, o: CallOptions = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const url = new URL(`${emu.origin}/pub/v4.0/${route}`);
  url.searchParams.set('customerid', o.customerId ?? CUSTOMER);
  for (const [k, v] of Object.entries(o.query ?? {})) url.searchParams.set(k, v);
  const res = await fetch(url, {
    method,
    dispatcher,
    headers: { 'X-Key-Id': o.keyId ?? KEY_ID, 'X-Access-Key': o.accessKey ?? ACCESS_KEY, 'Content-Type': 'application/json' },
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers as unknown as Headers };
}

describe('IoT Security emulator (legacy v4.0)', () => {
  let service: IotService;
  let emu: RunningEmulator;

  beforeAll(async () => {
    service = createIotService({
      fleet: fleetOf(Array.from({ length: 2000 }, (_, i) => asset(i))),
      customerId: CUSTOMER,
      keyId: KEY_ID,
      accessKey: ACCESS_KEY,
    });
    emu = await startEmulator(service, { tls });
  });

  afterAll(() => emu.close());

  beforeEach(async () => {
    await fetch(`${emu.origin}/_emulator/reset`, { method: 'POST', dispatcher });
  });

  describe('auth', () => {
    it.each([
      ['a wrong key id', { keyId: 'other-key' }],
      ['a wrong access key', { accessKey: 'nope' }],
      ['a wrong customerid', { customerId: 'fabrikam' }],
    ])('refuses %s with the documented 403', async (_, creds) => {
      const res = await call(emu, 'GET', 'device/list', { ...creds, query: { pagelength: '1' } });
      expect(res.status).toBe(403);
      expect(res.body).toEqual(FORBIDDEN);
    });

    it('refuses a call without the key headers', async () => {
      const res = await fetch(`${emu.origin}/pub/v4.0/device/list?customerid=${CUSTOMER}`, { dispatcher });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual(FORBIDDEN);
    });
  });

  describe('device/list', () => {
    it.each(['0', '-1', '1001', 'abc', '2.5'])('answers 400 for pagelength=%s', async (pagelength) => {
      const res = await call(emu, 'GET', 'device/list', { query: { pagelength } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(BAD_REQUEST);
    });

    it('answers 400 for an unparsable stime or an unsupported sort field', async () => {
      expect((await call(emu, 'GET', 'device/list', { query: { stime: 'yesterday' } })).status).toBe(400);
      expect((await call(emu, 'GET', 'device/list', { query: { sortfield: 'hostname' } })).status).toBe(400);
    });

    it('counts the page, not the inventory, in total (the trap)', async () => {
      const first = await call(emu, 'GET', 'device/list', { query: { pagelength: '1000' } });
      expect(first.status).toBe(200);
      expect(first.body.devices).toHaveLength(1000);
      expect(first.body.total).toBe(1000);

      const byDefault = await call(emu, 'GET', 'device/list', { query: { offset: '1500' } });
      expect(byDefault.body.devices).toHaveLength(500);
      expect(byDefault.body.total).toBe(500);

      const past = await call(emu, 'GET', 'device/list', { query: { offset: '2000' } });
      expect(past.body).toEqual({ total: 0, devices: [] });
    });

    it('pages in one stable order that covers every asset once', async () => {
      const seen: string[] = [];
      for (let offset = 0; offset < 2000; offset += 700) {
        const res = await call(emu, 'GET', 'device/list', { query: { offset: String(offset), pagelength: '700' } });
        seen.push(...res.body.devices.map((d: { deviceid: string }) => d.deviceid));
      }
      expect(seen).toHaveLength(2000);
      expect(new Set(seen).size).toBe(2000);
      expect(seen).toEqual([...seen].sort());
    });

    it('answers the summary fields without detail=true and the full record with it', async () => {
      const summary = await call(emu, 'GET', 'device/list', { query: { pagelength: '1' } });
      const [item] = summary.body.devices;
      expect(Object.keys(item).sort()).toEqual(
        [
          'deviceid', 'hostname', 'category', 'profile', 'profile_type', 'profile_vertical', 'ip_address', 'mac_address',
          'risk_score', 'risk_level', 'last_activity', 'confidence_score', 'allTags', 'tagIdList', 'trafficRestricted',
        ].sort(),
      );
      expect(item).not.toHaveProperty('number_of_caution_alerts');

      const detail = await call(emu, 'GET', 'device/list', { query: { pagelength: '1', detail: 'true' } });
      expect(detail.body.devices[0]).toMatchObject({ number_of_caution_alerts: 2, vendor: 'HP', 'os/firmware_version': '1.0' });
    });

    it('filters by stime on last_activity and sorts by MAC, descending by default', async () => {
      const stime = new Date(Date.UTC(2025, 0, 1) + 1990 * 60_000).toISOString().replace('.000Z', 'Z');
      const recent = await call(emu, 'GET', 'device/list', { query: { stime } });
      expect(recent.body.total).toBe(10);

      const future = await call(emu, 'GET', 'device/list', { query: { stime: '2099-01-01T00:00:00Z' } });
      expect(future.body).toEqual({ total: 0, devices: [] });

      const desc = await call(emu, 'GET', 'device/list', { query: { sortfield: 'MAC', pagelength: '2' } });
      expect(desc.body.devices.map((d: { mac_address: string }) => d.mac_address)).toEqual(['00:1b:63:00:07:cf', '00:1b:63:00:07:ce']);
      const asc = await call(emu, 'GET', 'device/list', { query: { sortfield: 'MAC', sortdirection: 'asc', pagelength: '1' } });
      expect(asc.body.devices[0].mac_address).toBe('00:1b:63:00:00:00');
    });
  });

  describe('device and device/ip', () => {
    it('answers the flat record for a MAC in any spelling', async () => {
      for (const deviceid of ['00:1b:63:00:00:05', '00-1B-63-00-00-05', '001B63000005', '001b.6300.0005']) {
        const res = await call(emu, 'GET', 'device', { query: { deviceid } });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ deviceid: '00:1b:63:00:00:05', hostname: 'asset-5', number_of_info_alerts: 3 });
      }
    });

    it('answers 404 for an unknown deviceid, MAC or not', async () => {
      for (const deviceid of ['aa:bb:cc:dd:ee:ff', 'x']) {
        const res = await call(emu, 'GET', 'device', { query: { deviceid } });
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ code: 404 });
        expect(typeof res.body.msg).toBe('string');
      }
    });

    it('wraps device/ip in devices and answers 404 when nothing is on the address', async () => {
      const hit = await call(emu, 'GET', 'device/ip', { query: { ip: '10.1.0.7' } });
      expect(hit.status).toBe(200);
      expect(hit.body.devices).toHaveLength(1);
      expect(hit.body.devices[0].deviceid).toBe('00:1b:63:00:00:07');
      expect((await call(emu, 'GET', 'device/ip', { query: { ip: '192.0.2.1' } })).status).toBe(404);
    });
  });

  describe('device/bulkUpdate', () => {
    it('updates known assets and creates unknown ones, storing <updateSource>.<attr>', async () => {
      const res = await call(emu, 'PUT', 'device/bulkUpdate', {
        query: { updateSource: 'ms_entra_id' },
        body: {
          devicelist: [
            { deviceid: '00:1B:63:00:00:01', serialNumber: 'C02XYZ', azureADDeviceId: 'a1b2', isEncrypted: true },
            { deviceid: 'F4-5C-89-AA-BB-CC', deviceName: 'LAPTOP-42', serialNumber: 'PF3ABC', emailAddress: null },
          ],
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ api: 'device/bulkUpdate', ver: 'v4.0', code: 1, message: 'OK', updatedDeviceNum: 2 });

      const updated = await call(emu, 'GET', 'device', { query: { deviceid: '00:1b:63:00:00:01' } });
      expect(updated.body).toMatchObject({
        hostname: 'asset-1',
        Serial_Number: 'SN1',
        'ms_entra_id.serialNumber': 'C02XYZ',
        'ms_entra_id.azureADDeviceId': 'a1b2',
        'ms_entra_id.isEncrypted': true,
      });

      const created = await call(emu, 'GET', 'device', { query: { deviceid: 'f4:5c:89:aa:bb:cc' } });
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({
        deviceid: 'f4:5c:89:aa:bb:cc',
        mac_address: 'f4:5c:89:aa:bb:cc',
        hostname: 'LAPTOP-42',
        profile: 'Unknown',
        category: 'Unknown',
        profile_type: 'Non_IoT',
        'ms_entra_id.serialNumber': 'PF3ABC',
        'ms_entra_id.emailAddress': null,
        number_of_caution_alerts: 0,
      });
      expect(Date.parse(created.body.first_seen_date)).toBeGreaterThan(Date.now() - 60_000);

      const truth = await (await fetch(`${emu.origin}/_emulator/truth`, { dispatcher })).json();
      expect(truth).toMatchObject({ assets: 2001, creates: 1, updates: 1, writes: [{ updateSource: 'ms_entra_id', count: 2, created: 1, updated: 1 }] });
      expect(service.inventory.snapshot()).toHaveLength(2001);
    });

    it('stores attributes under their own names without an updateSource', async () => {
      await call(emu, 'PUT', 'device/bulkUpdate', { body: { devicelist: [{ deviceid: '00:1b:63:00:00:02', location: 'HQ/Floor 17', vlan: 823 }] } });
      const res = await call(emu, 'GET', 'device', { query: { deviceid: '00:1b:63:00:00:02' } });
      expect(res.body).toMatchObject({ location: 'HQ/Floor 17', vlan: 823 });
    });

    it('answers a validation 400 for a body without devicelist', async () => {
      const res = await call(emu, 'PUT', 'device/bulkUpdate', { body: { devices: [] } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ validations: { body: [{ property: 'instance.devicelist', message: 'requires property "devicelist"' }] } });
    });

    it('writes nothing when one item is invalid', async () => {
      const res = await call(emu, 'PUT', 'device/bulkUpdate', {
        query: { updateSource: 'ms_entra_id' },
        body: {
          devicelist: [
            { deviceid: '00:1b:63:00:00:03', serialNumber: 'WRITTEN?' },
            { deviceid: 'not-a-mac', serialNumber: 'X' },
            { serialNumber: 'no id' },
            { deviceid: 'aa:aa:aa:aa:aa:aa', tags: ['a'] },
          ],
        },
      });
      expect(res.status).toBe(400);
      expect(res.body.validations.body.map((v: { property: string }) => v.property)).toEqual([
        'instance.devicelist[1].deviceid',
        'instance.devicelist[2].deviceid',
        'instance.devicelist[3].tags',
      ]);
      const untouched = await call(emu, 'GET', 'device', { query: { deviceid: '00:1b:63:00:00:03' } });
      expect(untouched.body).not.toHaveProperty('ms_entra_id.serialNumber');
      expect((await call(emu, 'GET', 'device', { query: { deviceid: 'aa:aa:aa:aa:aa:aa' } })).status).toBe(404);
      expect(service.truth()).toMatchObject({ assets: 2000, writes: [], creates: 0, updates: 0 });
    });
  });

  describe('tags', () => {
    const tag = { tagType: 'Gateway', tagValue: 'managed-by-intune' };

    it('adds a tag to allTags, lists it, and removes it', async () => {
      const add = await call(emu, 'POST', 'tag', { body: { tag, deviceidlist: ['00:1b:63:00:00:04'] } });
      expect(add.body).toEqual({ api: 'pub/v4.0/tag', updateSuccess: 'yes' });
      const tagged = await call(emu, 'GET', 'device', { query: { deviceid: '00:1b:63:00:00:04' } });
      expect(tagged.body.allTags).toEqual([{ ...tag, tagId: expect.stringMatching(/^[0-9a-f]{24}$/) }]);
      expect(tagged.body.tagIdList).toEqual([tagged.body.allTags[0].tagId]);

      const list = await call(emu, 'GET', 'tag/list', { query: { source: 'tenant' } });
      expect(list.body).toMatchObject({ totalTags: 1, tags: [{ ...tag, type: 'custom' }] });

      const remove = await call(emu, 'DELETE', 'tag', { body: { tag, deviceidlist: ['00:1b:63:00:00:04'] } });
      expect(remove.body).toEqual({ api: 'pub/v4.0/tag', removeSuccess: 'yes' });
      expect((await call(emu, 'GET', 'device', { query: { deviceid: '00:1b:63:00:00:04' } })).body.allTags).toEqual([]);
    });

    it('refuses a missing deviceidlist, more than 50 devices and a tag list without source', async () => {
      const missing = await call(emu, 'POST', 'tag', { body: { tag } });
      expect(missing.status).toBe(400);
      expect(missing.body.validations.body[0].property).toBe('instance.deviceidlist');
      const tooMany = await call(emu, 'POST', 'tag', { body: { tag, deviceidlist: Array.from({ length: 51 }, (_, i) => asset(i).deviceid) } });
      expect(tooMany.status).toBe(400);
      expect((await call(emu, 'GET', 'tag/list')).status).toBe(400);
    });
  });

  it('restores the initial inventory on reset', async () => {
    await call(emu, 'PUT', 'device/bulkUpdate', { body: { devicelist: [{ deviceid: '02:00:00:00:00:01', hostname: 'temp' }] } });
    expect(service.inventory.size).toBe(2001);
    service.reset();
    expect(service.inventory.size).toBe(2000);
    expect(service.inventory.writes).toEqual([]);
  });
});

describe('IoT Security emulator rate limits', () => {
  let emu: RunningEmulator;

  beforeAll(async () => {
    emu = await startEmulator(
      createIotService({
        fleet: fleetOf([asset(1)]),
        customerId: CUSTOMER,
        keyId: KEY_ID,
        accessKey: ACCESS_KEY,
        limits: { list: { limit: 3, windowMs: 60_000 }, other: { limit: 5, windowMs: 60_000 } },
      }),
      { tls },
    );
  });

  afterAll(() => emu.close());

  it('answers 429 without Retry-After past the list budget, other routes keep their own budget', async () => {
    // Refused callers do not spend the tenant's budget.
    expect((await call(emu, 'GET', 'device/list', { accessKey: 'wrong' })).status).toBe(403);
    for (let i = 0; i < 3; i++) expect((await call(emu, 'GET', 'device/list')).status).toBe(200);
    const throttled = await call(emu, 'GET', 'device/list');
    expect(throttled.status).toBe(429);
    expect(throttled.body).toMatchObject({ code: 429, msg: expect.stringMatching(/^Too many requests\./) });
    expect(throttled.headers.get('retry-after')).toBeNull();
    expect((await call(emu, 'GET', 'device', { query: { deviceid: asset(1).deviceid } })).status).toBe(200);
  });
});
