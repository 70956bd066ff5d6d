import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UnifiedDevice } from '../../src/correlate/model.js';
import type { IotAsset } from '../../src/sources/iot/types.js';
import { StoreInputError } from '../../src/store/errors.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import type { DeviceFilter, DeviceOrder, DevicePage, SnapshotDevice, Store } from '../../src/store/types.js';
import { jsonHash } from '../../src/contentHash.js';
import { generateDevices, makeDevice, makeEntraDevice, makeRefresh } from './deviceFactory.js';
import { useTempDir } from '../helpers/tempDir.js';

/**
 * A small fleet with every trap the store must handle: a name tie and a lastSeen tie (written two ways), a
 * missing name and a missing lastSeen, OS groups differing only in case, a MAC shared by two devices, MACs in
 * four notations, and LIKE/FTS metacharacters in the searchable text.
 */
const fleet: UnifiedDevice[] = [
  makeDevice({
    id: 'entra:a1',
    name: 'DESKTOP-ALPHA',
    osGroup: 'Windows',
    enrollmentType: 'windowsAzureADJoin',
    serial: 'SN-1001',
    upn: 'alice@contoso.example',
    sources: ['entra', 'intune', 'iot'],
    status: 'matched',
    macs: [{ raw: 'A4C3F0123456' }, { raw: 'a4:c3:f0:99:99:99', class: 'shared' }],
    lastSeen: '2024-05-03T10:00:00Z',
  }),
  makeDevice({
    id: 'entra:b2',
    name: 'laptop-bravo',
    osGroup: 'windows',
    enrollmentType: 'windowsAutoEnrollment',
    serial: 'SN-1002',
    upn: 'bob@contoso.example',
    sources: ['entra', 'intune'],
    status: 'unmatched',
    macs: [{ raw: '02-11-22-33-44-55', role: 'wifi' }],
    lastSeen: '2024-05-01T08:00:00Z',
  }),
  makeDevice({
    id: 'intune:c3',
    name: 'MacBook-Charlie',
    osGroup: 'macOS',
    enrollmentType: 'appleBulkWithUser',
    serial: 'C02XYZ',
    upn: 'carol@contoso.example',
    sources: ['intune', 'iot'],
    status: 'matched',
    macs: [{ raw: '001b.6312.3456' }, { raw: '3c22fb000001', role: 'wifi' }],
    lastSeen: '2024-04-20T00:00:00.000Z',
  }),
  makeDevice({
    id: 'iot:00:50:56:aa:bb:cc',
    name: 'printer-3f',
    osGroup: null,
    enrollmentType: null,
    sources: ['iot'],
    status: 'iot-only',
    macs: [{ raw: '00:50:56:aa:bb:cc', role: 'iot' }],
    lastSeen: '2024-05-02T00:00:00Z',
  }),
  makeDevice({
    id: 'entra:d4',
    name: null,
    osGroup: 'Android',
    enrollmentType: 'androidEnterpriseFullyManaged',
    sources: ['entra', 'intune'],
    status: 'unmatched',
    macs: [{ raw: '02:00:00:00:00:00' }],
    lastSeen: null,
  }),
  makeDevice({
    id: 'entra:e5',
    name: 'DESKTOP-ALPHA',
    osGroup: 'Windows',
    enrollmentType: 'windowsAzureADJoin',
    serial: 'SN-2001',
    sources: ['entra', 'intune', 'iot'],
    status: 'ambiguous',
    macs: [{ raw: 'a4:c3:f0:99:99:99', class: 'shared' }],
    lastSeen: '2024-05-03T10:00:00.000Z',
  }),
  makeDevice({
    id: 'entra:f6',
    name: '100%_done',
    osGroup: 'Linux',
    enrollmentType: 'userEnrollment',
    upn: 'o"neil@contoso.example',
    sources: ['entra'],
    status: 'unmatched',
    macs: [],
    lastSeen: '2024-03-01T00:00:00Z',
  }),
];

const iotAssets: IotAsset[] = [
  { deviceid: 'a4:c3:f0:12:34:56', hostname: 'DESKTOP-ALPHA', risk_score: 12 },
  { deviceid: '10.1.2.3', hostname: 'badge-reader', profile: 'Access Control' },
];
const macConflicts = [{ mac: 'a4:c3:f0:99:99:99', deviceIds: ['entra:a1', 'entra:e5'], intuneIds: ['intune-entra:a1', 'intune-entra:e5'], iotDeviceId: null }];

const ids = (page: DevicePage) => page.devices.map((d) => d.id);
const matching = (store: Store, filter: DeviceFilter) => ids(store.listDevices({ filter, first: 100, orderBy: { field: 'ID', direction: 'ASC' } }));

/** Every device a filter selects, in order, read page by page; checks the page flags on the way. */
function readAllPages(store: Store, args: { filter?: DeviceFilter; orderBy: DeviceOrder; pageSize: number }): string[] {
  const seen: string[] = [];
  let after: string | null = null;
  for (let pageNumber = 0; ; pageNumber++) {
    const page = store.listDevices({ filter: args.filter, orderBy: args.orderBy, first: args.pageSize, after });
    expect(page.hasPreviousPage).toBe(pageNumber > 0);
    expect(page.cursors).toHaveLength(page.devices.length);
    seen.push(...ids(page));
    if (!page.hasNextPage) return seen;
    expect(page.devices).toHaveLength(args.pageSize);
    after = page.endCursor;
  }
}

describe('SQLite store', () => {
  let store: Store;

  beforeEach(() => {
    store = openSqliteStore(':memory:');
    store.saveSnapshot({ devices: fleet, iotAssets, macConflicts }, makeRefresh('r1', { deviceCount: fleet.length }));
  });
  afterEach(() => store.close());

  describe('snapshot', () => {
    it('reads back what it saved', () => {
      expect(store.hasSnapshot()).toBe(true);
      expect(store.getDevice('intune:c3')).toEqual(fleet[2]);
      expect(store.getDevice('entra:nope')).toBeNull();
      expect(store.getDevices(['entra:b2', 'missing', 'entra:a1'])).toEqual([fleet[1], null, fleet[0]]);
      expect(store.macConflicts()).toEqual(macConflicts);
      expect(store.latestRefreshes(1)[0]?.id).toBe('r1');
    });

    it('is empty before the first save', () => {
      const fresh = openSqliteStore(':memory:');
      expect(fresh.hasSnapshot()).toBe(false);
      expect(fresh.listDevices({}).totalCount).toBe(0);
      expect(fresh.deviceStats().total).toBe(0);
      fresh.close();
    });

    it('replaces the previous snapshot whole', () => {
      const next = [makeDevice({ id: 'entra:z9', name: 'newcomer' })];
      store.saveSnapshot({ devices: next, iotAssets: [], macConflicts: [] }, makeRefresh('r2'));
      expect(matching(store, {})).toEqual(['entra:z9']);
      expect(store.getDevice('entra:a1')).toBeNull();
      expect(store.getDeviceByMac('a4:c3:f0:12:34:56')).toBeNull();
      expect(store.getIotAssets(['10.1.2.3'])).toEqual([null]);
      expect(store.macConflicts()).toEqual([]);
      expect(matching(store, { text: 'desktop' })).toEqual([]);
      expect(matching(store, { text: 'newcomer' })).toEqual(['entra:z9']);
      expect(store.deviceStats().total).toBe(1);
    });

    it('keeps the previous snapshot when a save fails before writing (duplicate device ids)', () => {
      const duplicate = [makeDevice({ id: 'entra:z9' }), makeDevice({ id: 'entra:z9' })];
      expect(() => store.saveSnapshot({ devices: duplicate, iotAssets: [], macConflicts: [] }, makeRefresh('r2'))).toThrow(/two devices with id "entra:z9"/);
      expect(store.listDevices({}).totalCount).toBe(fleet.length);
      expect(store.latestRefreshes(10).map((r) => r.id)).toEqual(['r1']);
    });

    it('keeps the previous snapshot when a save fails half-way (devices and assets written, then a duplicate MAC conflict)', () => {
      const devices = [makeDevice({ id: 'entra:z9', name: 'newcomer' })];
      const assets = [{ deviceid: '10.0.0.1' }];
      const conflict = { mac: 'a4:c3:f0:00:00:01', deviceIds: [], intuneIds: [], iotDeviceId: null };
      expect(() => store.saveSnapshot({ devices, iotAssets: assets, macConflicts: [conflict, conflict] }, makeRefresh('r2'))).toThrow(/UNIQUE/);
      expect(matching(store, {})).toHaveLength(fleet.length);
      expect(store.getDevice('entra:z9')).toBeNull();
      expect(matching(store, { text: 'desktop' })).toEqual(['entra:a1', 'entra:e5']);
      expect(store.deviceStats().total).toBe(fleet.length);
      expect(store.getIotAssets(['10.1.2.3'])[0]?.hostname).toBe('badge-reader');
      expect(store.latestRefreshes(10).map((r) => r.id)).toEqual(['r1']);
    });
  });

  describe('filters', () => {
    it.each<[string, DeviceFilter, string[]]>([
      ['no filter', {}, fleet.map((d) => d.id).sort()],
      ['text in a name, any case', { text: 'Desktop' }, ['entra:a1', 'entra:e5']],
      ['text in a serial', { text: 'sn-100' }, ['entra:a1', 'entra:b2']],
      ['text in a UPN', { text: 'ALICE@' }, ['entra:a1']],
      ['a whole MAC, Intune notation', { text: 'A4C3F0123456' }, ['entra:a1']],
      ['a whole MAC, dashes', { text: 'a4-c3-f0-12-34-56' }, ['entra:a1']],
      ['a whole MAC, Cisco dots', { text: 'a4c3.f012.3456' }, ['entra:a1']],
      ['a whole MAC, colons, upper case', { text: ' A4:C3:F0:12:34:56 ' }, ['entra:a1']],
      ['a MAC stored from Cisco notation', { text: '00-1B-63-12-34-56' }, ['intune:c3']],
      ['part of a MAC, bare hex', { text: 'a4c3f0' }, ['entra:a1', 'entra:e5']],
      ['part of a MAC, colons', { text: 'c3:f0' }, ['entra:a1', 'entra:e5']],
      ['a two-character needle', { text: 'C3' }, ['entra:a1', 'entra:e5']],
      ['LIKE metacharacters are literal', { text: '100%' }, ['entra:f6']],
      ['a lone % is literal', { text: '%' }, ['entra:f6']],
      ['a double quote is literal', { text: 'o"neil' }, ['entra:f6']],
      ['blank text is no constraint', { text: '   ' }, fleet.map((d) => d.id).sort()],
      ['text that matches nothing', { text: 'no-such-device' }, []],
      ['osGroups, case-insensitive', { osGroups: ['WINDOWS'] }, ['entra:a1', 'entra:b2', 'entra:e5']],
      ['osGroups, several', { osGroups: ['macos', 'Android'] }, ['entra:d4', 'intune:c3']],
      ['osGroups, empty list', { osGroups: [] }, []],
      ['enrollmentTypes', { enrollmentTypes: ['appleBulkWithUser', 'userEnrollment'] }, ['entra:f6', 'intune:c3']],
      ['inSources', { inSources: ['intune', 'iot'] }, ['entra:a1', 'entra:e5', 'intune:c3']],
      ['notInSources', { notInSources: ['iot'] }, ['entra:b2', 'entra:d4', 'entra:f6']],
      ['in Intune, not in IoT Security', { inSources: ['intune'], notInSources: ['iot'] }, ['entra:b2', 'entra:d4']],
      ['in IoT Security only', { inSources: ['iot'], notInSources: ['entra', 'intune'] }, ['iot:00:50:56:aa:bb:cc']],
      ['matchStatuses', { matchStatuses: ['matched', 'iot-only'] }, ['entra:a1', 'intune:c3', 'iot:00:50:56:aa:bb:cc']],
      ['macClasses randomized', { macClasses: ['randomized'] }, ['entra:b2']],
      ['macClasses placeholder or shared', { macClasses: ['placeholder', 'shared'] }, ['entra:a1', 'entra:d4', 'entra:e5']],
      ['macClasses global', { macClasses: ['global'] }, ['entra:a1', 'intune:c3', 'iot:00:50:56:aa:bb:cc']],
      ['lastSeenAfter is exclusive', { lastSeenAfter: '2024-05-02T00:00:00Z' }, ['entra:a1', 'entra:e5']],
      ['lastSeenBefore, another offset, skips never-seen', { lastSeenBefore: '2024-05-01T12:00:00+02:00' }, ['entra:b2', 'entra:f6', 'intune:c3']],
      ['a lastSeen window', { lastSeenAfter: '2024-04-01T00:00:00Z', lastSeenBefore: '2024-05-02T12:00:00Z' }, ['entra:b2', 'intune:c3', 'iot:00:50:56:aa:bb:cc']],
      ['text and status', { text: 'desktop', matchStatuses: ['ambiguous'] }, ['entra:e5']],
      ['sources, OS group and lastSeen', { inSources: ['iot'], osGroups: ['windows'], lastSeenAfter: '2024-01-01T00:00:00Z' }, ['entra:a1', 'entra:e5']],
      [
        'everything at once',
        {
          text: 'sn-',
          osGroups: ['windows'],
          enrollmentTypes: ['windowsAzureADJoin'],
          inSources: ['intune'],
          notInSources: [],
          matchStatuses: ['matched'],
          macClasses: ['global'],
          lastSeenAfter: '2024-05-01T00:00:00Z',
          lastSeenBefore: '2024-06-01T00:00:00Z',
        },
        ['entra:a1'],
      ],
    ])('%s', (_, filter, expected) => {
      expect(matching(store, filter)).toEqual(expected);
      expect(store.listDevices({ filter, first: 1 }).totalCount).toBe(expected.length);
    });

    it.each<[string, DeviceFilter, RegExp]>([
      ['an unknown source', { inSources: ['intune', 'sccm' as never] }, /filter\.inSources: unknown value "sccm"; expected one of entra, intune, iot/],
      ['an unknown match status', { matchStatuses: ['maybe' as never] }, /filter\.matchStatuses: unknown value "maybe"/],
      ['an unknown MAC class', { macClasses: ['local' as never] }, /filter\.macClasses: unknown value "local"/],
      ['a date that is not ISO 8601', { lastSeenAfter: 'March 7, 2024' }, /filter\.lastSeenAfter: "March 7, 2024" is not an ISO 8601 date-time/],
      ['an impossible date', { lastSeenBefore: '2024-13-45T99:00:00Z' }, /filter\.lastSeenBefore/],
    ])('rejects %s with a StoreInputError', (_, filter, message) => {
      expect(() => store.listDevices({ filter })).toThrow(StoreInputError);
      expect(() => store.listDevices({ filter })).toThrow(message);
      expect(() => store.deviceStats(filter)).toThrow(StoreInputError);
    });
  });

  describe('ordering and paging', () => {
    const orders: Array<[DeviceOrder, string[]]> = [
      [{ field: 'NAME', direction: 'ASC' }, ['entra:d4', 'entra:f6', 'entra:a1', 'entra:e5', 'entra:b2', 'intune:c3', 'iot:00:50:56:aa:bb:cc']],
      [{ field: 'LAST_SEEN', direction: 'ASC' }, ['entra:d4', 'entra:f6', 'intune:c3', 'entra:b2', 'iot:00:50:56:aa:bb:cc', 'entra:a1', 'entra:e5']],
      [{ field: 'ID', direction: 'ASC' }, ['entra:a1', 'entra:b2', 'entra:d4', 'entra:e5', 'entra:f6', 'intune:c3', 'iot:00:50:56:aa:bb:cc']],
    ];

    it.each(orders)('orders by %o, ties by id, a missing value lowest', (order, expected) => {
      expect(ids(store.listDevices({ orderBy: order, first: 100 }))).toEqual(expected);
      const descending = store.listDevices({ orderBy: { field: order.field, direction: 'DESC' }, first: 100 });
      expect(ids(descending)).toEqual([...expected].reverse());
    });

    it('defaults to ID ascending', () => {
      expect(ids(store.listDevices({}))).toEqual(orders[2]![1]);
    });

    it.each(orders.flatMap(([order, expected]) => [1, 2, 3, 7].flatMap((size) => [
      [order, size, 'ASC', expected] as const,
      [order, size, 'DESC', [...expected].reverse()] as const,
    ])))('pages forward through every device once (%o, pages of %i, %s)', (order, pageSize, direction, expected) => {
      expect(readAllPages(store, { orderBy: { field: order.field, direction }, pageSize })).toEqual(expected);
    });

    it('pages backward from the end with last/before', () => {
      const orderBy: DeviceOrder = { field: 'NAME', direction: 'ASC' };
      const seen: string[] = [];
      let before: string | null = null;
      for (let pageNumber = 0; ; pageNumber++) {
        const page = store.listDevices({ orderBy, last: 3, before });
        expect(page.hasNextPage).toBe(pageNumber > 0);
        seen.unshift(...ids(page));
        if (!page.hasPreviousPage) break;
        before = page.startCursor;
      }
      expect(seen).toEqual(orders[0]![1]);
    });

    it('pages a filtered set, counting the whole filtered set on every page', () => {
      const filter: DeviceFilter = { notInSources: ['iot'] };
      const first = store.listDevices({ filter, first: 2, orderBy: { field: 'NAME', direction: 'DESC' } });
      expect(ids(first)).toEqual(['entra:b2', 'entra:f6']);
      expect(first).toMatchObject({ totalCount: 3, hasNextPage: true, hasPreviousPage: false });
      const second = store.listDevices({ filter, first: 2, after: first.endCursor, orderBy: { field: 'NAME', direction: 'DESC' } });
      expect(ids(second)).toEqual(['entra:d4']);
      expect(second).toMatchObject({ totalCount: 3, hasNextPage: false, hasPreviousPage: true });
      expect(second.startCursor).toBe(second.cursors[0]);
    });

    it('keeps its place across a snapshot replacement (cursors carry values, not offsets)', () => {
      const orderBy: DeviceOrder = { field: 'ID', direction: 'ASC' };
      const first = store.listDevices({ orderBy, first: 2 });
      store.saveSnapshot({ devices: fleet.filter((d) => d.id !== 'entra:a1'), iotAssets: [], macConflicts: [] }, makeRefresh('r2'));
      expect(ids(store.listDevices({ orderBy, first: 2, after: first.endCursor }))).toEqual(['entra:d4', 'entra:e5']);
    });

    it('answers an empty page with null cursors', () => {
      const page = store.listDevices({ filter: { text: 'no-such-device' }, first: 5 });
      expect(page).toEqual({ devices: [], cursors: [], totalCount: 0, hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null });
      expect(store.listDevices({ first: 0 })).toMatchObject({ devices: [], totalCount: fleet.length, hasNextPage: true });
    });

    it.each([
      ['not base64url', 'not a cursor!'],
      ['base64url of something else', Buffer.from('hello').toString('base64url')],
      ['the wrong shape', Buffer.from(JSON.stringify(['ID', 'x'])).toString('base64url')],
      ['wrong types', Buffer.from(JSON.stringify(['ID', 1, 2])).toString('base64url')],
    ])('rejects a malformed cursor (%s) with a StoreInputError', (_, cursor) => {
      expect(() => store.listDevices({ after: cursor })).toThrow(StoreInputError);
      expect(() => store.listDevices({ after: cursor })).toThrow(/^after: malformed cursor/);
      expect(() => store.listDevices({ last: 2, before: cursor })).toThrow(/^before: malformed cursor/);
    });

    it('rejects a cursor issued for another ordering', () => {
      const cursor = store.listDevices({ orderBy: { field: 'NAME', direction: 'ASC' }, first: 1 }).endCursor;
      expect(() => store.listDevices({ orderBy: { field: 'LAST_SEEN', direction: 'ASC' }, after: cursor })).toThrow(
        /after: cursor was issued for ordering by NAME, not LAST_SEEN/,
      );
    });

    it.each([
      [{ first: 2, last: 2 }, /last: cannot be combined with first/],
      [{ first: 1001 }, /first: must be an integer from 0 to 1000, got 1001/],
      [{ first: -1 }, /first: must be an integer/],
      [{ last: 2.5 }, /last: must be an integer/],
      [{ orderBy: { field: 'SIZE' as never, direction: 'ASC' as const } }, /orderBy\.field: unknown value "SIZE"/],
      [{ orderBy: { field: 'ID' as const, direction: 'UP' as never } }, /orderBy\.direction: unknown value "UP"/],
    ])('rejects impossible page arguments %o', (args, message) => {
      expect(() => store.listDevices(args)).toThrow(StoreInputError);
      expect(() => store.listDevices(args)).toThrow(message);
    });
  });

  describe('lookups', () => {
    it.each(['a4:c3:f0:12:34:56', 'A4-C3-F0-12-34-56', 'a4c3.f012.3456', 'A4C3F0123456'])('finds a device by MAC written %s', (mac) => {
      expect(store.getDeviceByMac(mac)?.id).toBe('entra:a1');
    });

    it('finds a device by a MAC it reported in another notation', () => {
      expect(store.getDeviceByMac('00:1b:63:12:34:56')?.id).toBe('intune:c3');
    });

    it('gives no device for a MAC shared by several, nor for an unknown one', () => {
      expect(store.getDeviceByMac('a4:c3:f0:99:99:99')).toBeNull();
      expect(store.getDeviceByMac('00:00:5e:00:53:01')).toBeNull();
    });

    it('rejects a lookup by something that is not a MAC', () => {
      expect(() => store.getDeviceByMac('a4:c3:f0')).toThrow(StoreInputError);
      expect(() => store.getDeviceByMac('a4:c3:f0')).toThrow('mac: "a4:c3:f0" is not a MAC address');
    });

    it('reads IoT assets by deviceid, a MAC in any notation or an IP, one answer per key', () => {
      expect(store.getIotAssets(['10.1.2.3', 'A4C3F0123456', '10.9.9.9'])).toEqual([iotAssets[1], iotAssets[0], null]);
    });
  });

  describe('stats', () => {
    it('breaks the snapshot down, largest bucket first', () => {
      expect(store.deviceStats()).toEqual({
        total: 7,
        bySourceCoverage: [
          { key: 'entra+intune', count: 2 },
          { key: 'entra+intune+iot', count: 2 },
          { key: 'entra', count: 1 },
          { key: 'intune+iot', count: 1 },
          { key: 'iot', count: 1 },
        ],
        byMatchStatus: [
          { key: 'unmatched', count: 3 },
          { key: 'matched', count: 2 },
          { key: 'ambiguous', count: 1 },
          { key: 'iot-only', count: 1 },
        ],
        byOsGroup: [
          { key: 'Windows', count: 3 },
          { key: 'Android', count: 1 },
          { key: 'Linux', count: 1 },
          { key: 'macOS', count: 1 },
          { key: null, count: 1 },
        ],
        byEnrollmentType: [
          { key: 'windowsAzureADJoin', count: 2 },
          { key: 'androidEnterpriseFullyManaged', count: 1 },
          { key: 'appleBulkWithUser', count: 1 },
          { key: 'userEnrollment', count: 1 },
          { key: 'windowsAutoEnrollment', count: 1 },
          { key: null, count: 1 },
        ],
        byMacClass: [
          { key: 'global', count: 3 },
          { key: 'shared', count: 2 },
          { key: 'placeholder', count: 1 },
          { key: 'randomized', count: 1 },
          { key: null, count: 1 },
        ],
      });
    });

    it('counts the same devices as listDevices for every filter', () => {
      const filters: DeviceFilter[] = [
        {},
        { text: 'desktop' },
        { text: 'c3' },
        { osGroups: ['windows'] },
        { inSources: ['intune'], notInSources: ['iot'] },
        { macClasses: ['shared'], matchStatuses: ['ambiguous', 'matched'] },
        { lastSeenAfter: '2024-04-01T00:00:00Z' },
        { enrollmentTypes: [] },
      ];
      for (const filter of filters) {
        const stats = store.deviceStats(filter);
        expect(stats.total, JSON.stringify(filter)).toBe(store.listDevices({ filter, first: 1 }).totalCount);
        for (const partition of [stats.bySourceCoverage, stats.byMatchStatus, stats.byOsGroup, stats.byEnrollmentType]) {
          expect(partition.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(stats.total);
        }
      }
      expect(store.deviceStats({})).toEqual(store.deviceStats());
    });

    it('breaks a filtered set down', () => {
      const stats = store.deviceStats({ inSources: ['iot'] });
      expect(stats.total).toBe(4);
      expect(stats.byMatchStatus).toEqual([
        { key: 'matched', count: 2 },
        { key: 'ambiguous', count: 1 },
        { key: 'iot-only', count: 1 },
      ]);
      expect(stats.byMacClass).toEqual([
        { key: 'global', count: 3 },
        { key: 'shared', count: 2 },
      ]);
    });
  });

  describe('hydration, refreshes and state', () => {
    it('caches hydrated fields by Intune id, replacing an entry on put', () => {
      store.putHydration([
        { intuneId: 'i1', lastSyncDateTime: '2024-05-01T00:00:00Z', fields: { ethernetMacAddress: 'A4C3F0123456' } },
        { intuneId: 'i2', lastSyncDateTime: null, fields: {} },
      ]);
      store.putHydration([{ intuneId: 'i1', lastSyncDateTime: '2024-05-02T00:00:00Z', fields: { ethernetMacAddress: null } }]);
      const cached = store.getHydration(['i1', 'i2', 'i3']);
      expect([...cached.keys()]).toEqual(['i1', 'i2']);
      expect(cached.get('i1')).toEqual({ intuneId: 'i1', lastSyncDateTime: '2024-05-02T00:00:00Z', fields: { ethernetMacAddress: null } });
      expect(cached.get('i2')).toEqual({ intuneId: 'i2', lastSyncDateTime: null, fields: {} });
    });

    it('records a refresh when it starts and again when it ends', () => {
      const running = makeRefresh('r2', { startedAt: '2024-05-02T00:00:00Z', finishedAt: null, durationMs: null, status: 'running', sources: [] });
      store.recordRefresh(running);
      expect(store.latestRefreshes(1)).toEqual([running]);
      const failed = { ...running, finishedAt: '2024-05-02T00:00:05Z', durationMs: 5000, status: 'failed' as const, error: 'intune: 503' };
      store.recordRefresh(failed);
      expect(store.latestRefreshes(10).map((r) => [r.id, r.status])).toEqual([
        ['r2', 'failed'],
        ['r1', 'succeeded'],
      ]);
      expect(store.latestRefreshes(10)[0]).toEqual(failed);
      expect(store.latestRefreshes(0)).toEqual([]);
      expect(() => store.latestRefreshes(-1)).toThrow(StoreInputError);
    });

    it('keeps small state by key', () => {
      expect(store.getState('intune.deltaLink')).toBeNull();
      store.setState('intune.deltaLink', 'https://graph.example/delta?token=1');
      store.setState('intune.deltaLink', 'https://graph.example/delta?token=2');
      expect(store.getState('intune.deltaLink')).toBe('https://graph.example/delta?token=2');
    });
  });
});

describe('SQLite store on disk', () => {
  const dir = useTempDir('store-test-');

  it('survives close and reopen', () => {
    const file = join(dir(), 'gateway.db');
    const first = openSqliteStore(file);
    first.saveSnapshot({ devices: fleet, iotAssets, macConflicts }, makeRefresh('r1'));
    first.setState('cursor', 'abc');
    first.putHydration([{ intuneId: 'i1', lastSyncDateTime: null, fields: { a: 1 } }]);
    const stats = first.deviceStats();
    first.close();

    const reopened = openSqliteStore(file);
    expect(reopened.hasSnapshot()).toBe(true);
    expect(reopened.getDevice('entra:a1')).toEqual(fleet[0]);
    expect(matching(reopened, { text: 'a4c3f0' })).toEqual(['entra:a1', 'entra:e5']);
    expect(reopened.deviceStats()).toEqual(stats);
    expect(reopened.getState('cursor')).toBe('abc');
    expect(reopened.getHydration(['i1']).get('i1')?.fields).toEqual({ a: 1 });
    expect(reopened.latestRefreshes(5).map((r) => r.id)).toEqual(['r1']);
    reopened.close();
  });

  it('rewrites an IoT asset or an Entra device only when its hash changed, trusting the hashes the caller took', () => {
    const file = join(dir(), 'documents.db');
    const store = openSqliteStore(file);
    const assets: IotAsset[] = [
      { deviceid: 'a4:c3:f0:00:00:01', hostname: 'one' },
      { deviceid: 'a4:c3:f0:00:00:02', hostname: 'two' },
    ];
    const directory = [makeEntraDevice('e-1'), makeEntraDevice('e-2')];
    const save = (id: string, iot: IotAsset[], entra: typeof directory) =>
      store.saveSnapshot({ devices: fleet, iotAssets: iot, macConflicts, entra: { devices: entra, deltaLink: `link-${id}` }, recordHash: jsonHash }, makeRefresh(id));
    save('r1', assets, directory);
    // Marks every stored document behind the store's back; the hashes stay as they were.
    const raw = new Database(file);
    raw.exec(`UPDATE iot_assets SET json = json_set(json, '$.marked', 1); UPDATE entra_devices SET json = json_set(json, '$.marked', 1)`);
    raw.close();

    const renamed = { ...assets[1]!, hostname: 'two-renamed' };
    save('r2', [assets[0]!, renamed], [directory[0]!]);
    expect(store.getIotAssets(['a4:c3:f0:00:00:01', 'a4:c3:f0:00:00:02'])).toEqual([{ ...assets[0], marked: 1 }, renamed]);
    expect(store.getEntraState()).toEqual({ devices: [{ ...directory[0], marked: 1 }], deltaLink: 'link-r2' });
    store.close();
  });

  it('refuses a database written by a newer schema', () => {
    const file = join(dir(), 'future.db');
    openSqliteStore(file).close();
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => openSqliteStore(file)).toThrow(/schema version 99 is newer than this build knows/);
  });
});

describe('SQLite store at volume', () => {
  /** The reference the store must agree with, written the plain way. */
  const selects = (device: UnifiedDevice, filter: DeviceFilter): boolean =>
    (filter.inSources ?? []).every((s) => device.sources.includes(s)) &&
    (filter.notInSources ?? []).every((s) => !device.sources.includes(s)) &&
    (filter.matchStatuses?.includes(device.match.status) ?? true) &&
    (filter.osGroups?.includes(device.attributes.osGroup.value ?? '') ?? true) &&
    (filter.macClasses?.some((cls) => device.macs.some((m) => m.class === cls)) ?? true) &&
    (filter.text === undefined || (device.attributes.deviceName.value ?? '').toLowerCase().includes(filter.text));

  // From most of the fleet down to a few devices, so that pages are served both by walking an order index
  // and by sorting the matches.
  const filters: DeviceFilter[] = [
    { inSources: ['intune'] },
    { inSources: ['intune'], notInSources: ['iot'] },
    { text: 'desktop' },
    { text: 'kiosk', matchStatuses: ['ambiguous'] },
    { osGroups: ['Linux'], macClasses: ['randomized'], matchStatuses: ['unmatched'] },
  ];

  it('saves 20,000 devices and pages a filtered set exactly', () => {
    const devices = generateDevices(20_000, 7);
    const store = openSqliteStore(':memory:');
    store.saveSnapshot({ devices, iotAssets: [], macConflicts: [] }, makeRefresh('volume'));
    for (const filter of filters) {
      const expected = devices.filter((d) => selects(d, filter));
      const page = store.listDevices({ filter, first: 50, orderBy: { field: 'LAST_SEEN', direction: 'DESC' } });
      expect(page.totalCount, JSON.stringify(filter)).toBe(expected.length);
      expect(page.devices.every((d) => selects(d, filter))).toBe(true);
      expect(store.deviceStats(filter).total).toBe(expected.length);
    }
    expect(store.deviceStats().total).toBe(20_000);
    store.close();
  });

  it('walks every page of a filtered set without loss or repeat', () => {
    const devices = generateDevices(3_000, 11);
    const store = openSqliteStore(':memory:');
    store.saveSnapshot({ devices, iotAssets: [], macConflicts: [] }, makeRefresh('volume'));
    for (const filter of filters) {
      const expected = devices.filter((d) => selects(d, filter)).map((d) => d.id);
      const seen = readAllPages(store, { filter, orderBy: { field: 'NAME', direction: 'ASC' }, pageSize: 97 });
      expect(seen.length, JSON.stringify(filter)).toBe(expected.length);
      expect(new Set(seen)).toEqual(new Set(expected));
    }
    store.close();
  });
});

describe('SQLite store writing a snapshot over the last one', () => {
  const before = generateDevices(3_000, 21);
  /** The next refresh: 1% renamed (search text and order change), 1% gone, 1% new, the rest as they were. */
  const after: UnifiedDevice[] = [
    ...before
      .filter((_, i) => i % 100 !== 1)
      .map((d, i) => (i % 100 === 0 ? { ...d, attributes: { ...d.attributes, deviceName: { ...d.attributes.deviceName, value: `RENAMED-${i}` } }, searchText: `renamed-${i}` } : d)),
    ...generateDevices(30, 22).map((d) => ({ ...d, id: `${d.id}-new` })),
  ];
  const queries: Array<{ filter?: DeviceFilter; orderBy: DeviceOrder }> = [
    { orderBy: { field: 'ID', direction: 'ASC' } },
    { filter: { text: 'renamed' }, orderBy: { field: 'NAME', direction: 'ASC' } },
    { filter: { text: 'desktop', inSources: ['intune'] }, orderBy: { field: 'LAST_SEEN', direction: 'DESC' } },
    { filter: { macClasses: ['randomized'] }, orderBy: { field: 'NAME', direction: 'DESC' } },
  ];

  /** Everything a reader can see of a store, to compare two stores by. */
  const view = (store: Store) => ({
    pages: queries.map((q) => readAllPages(store, { ...q, pageSize: 250 })),
    stats: store.deviceStats(),
    statsOfIntune: store.deviceStats({ inSources: ['intune'] }),
    devices: after.slice(0, 200).map((d) => store.getDevice(d.id)),
    byMac: after.slice(0, 200).flatMap((d) => d.macs.filter((m) => m.mac).map((m) => store.getDeviceByMac(m.mac!)?.id ?? null)),
  });

  it('writes only the devices that changed, appeared or vanished, and reads exactly like a store written from scratch', () => {
    const incremental = openSqliteStore(':memory:');
    expect(incremental.saveSnapshot({ devices: before, iotAssets: [], macConflicts: [] }, makeRefresh('r1'))).toMatchObject({ written: 3_000, bulk: true });
    const summary = incremental.saveSnapshot({ devices: after, iotAssets: [], macConflicts: [] }, makeRefresh('r2'));
    expect(summary).toEqual({ written: 30 + 30, unchanged: after.length - 60, built: after.length, removed: 30, bulk: false });

    const fresh = openSqliteStore(':memory:');
    fresh.saveSnapshot({ devices: after, iotAssets: [], macConflicts: [] }, makeRefresh('r2'));
    expect(view(incremental)).toEqual(view(fresh));
    expect(incremental.getDevice(before[1]!.id)).toBeNull();
    expect(incremental.listDevices({ filter: { text: 'renamed' }, first: 500 }).totalCount).toBe(30);
  });

  it('writes in bulk once most devices changed, and still reads like a store written from scratch', () => {
    const store = openSqliteStore(':memory:');
    store.saveSnapshot({ devices: before, iotAssets: [], macConflicts: [] }, makeRefresh('r1'));
    const changed = before.map((d) => ({ ...d, searchText: `${d.searchText} moved` }));
    expect(store.saveSnapshot({ devices: changed, iotAssets: [], macConflicts: [] }, makeRefresh('r2'))).toMatchObject({ written: 3_000, bulk: true });
    const fresh = openSqliteStore(':memory:');
    fresh.saveSnapshot({ devices: changed, iotAssets: [], macConflicts: [] }, makeRefresh('r2'));
    expect(view(store)).toEqual(view(fresh));
    expect(store.listDevices({ filter: { text: 'moved' }, first: 1 }).totalCount).toBe(3_000);
  });

  /** Each device as a SnapshotDevice, remembering which were built and the hash each settled with. */
  const announced = (devices: readonly UnifiedDevice[], knownHash: (d: UnifiedDevice) => string | null) => {
    const built: string[] = [];
    const settled = new Map<string, string>();
    const entries: SnapshotDevice[] = devices.map((d) => ({
      id: d.id,
      knownHash: knownHash(d),
      build: () => {
        built.push(d.id);
        return d;
      },
      settled: (hash) => settled.set(d.id, hash),
    }));
    return { entries, built, settled };
  };

  it('leaves a device announced with the hash it is stored under unbuilt, and builds the rest', () => {
    const store = openSqliteStore(':memory:');
    const first = announced(before, () => null);
    store.saveSnapshot({ devices: first.entries, iotAssets: [], macConflicts: [] }, makeRefresh('r1'));
    expect(first.built).toHaveLength(before.length);

    // The same inputs as last time, except that one in a hundred changed (and is announced without a hash).
    const changed = new Set(after.filter((_, i) => i % 100 === 0).map((d) => d.id));
    const second = announced(after, (d) => (changed.has(d.id) ? null : (first.settled.get(d.id) ?? null)));
    const summary = store.saveSnapshot({ devices: second.entries, iotAssets: [], macConflicts: [] }, makeRefresh('r2'));
    expect(new Set(second.built)).toEqual(new Set([...changed, ...after.filter((d) => !first.settled.has(d.id)).map((d) => d.id)]));
    expect(summary).toMatchObject({ written: 30 + 30, built: second.built.length, removed: 30 });
    expect([...second.settled.keys()].sort()).toEqual(after.map((d) => d.id).sort());

    const fresh = openSqliteStore(':memory:');
    fresh.saveSnapshot({ devices: after, iotAssets: [], macConflicts: [] }, makeRefresh('r2'));
    expect(view(store)).toEqual(view(fresh));
  });

  it('builds a device again when the store no longer holds the document its hash names', () => {
    const store = openSqliteStore(':memory:');
    const first = announced(before, () => null);
    store.saveSnapshot({ devices: first.entries, iotAssets: [], macConflicts: [] }, makeRefresh('r1'));
    // Another writer replaced the snapshot in between: the remembered hashes name documents that are gone.
    const other = before.map((d) => ({ ...d, searchText: `${d.searchText} elsewhere` }));
    store.saveSnapshot({ devices: other, iotAssets: [], macConflicts: [] }, makeRefresh('r2'));
    const again = announced(before, (d) => first.settled.get(d.id)!);
    expect(store.saveSnapshot({ devices: again.entries, iotAssets: [], macConflicts: [] }, makeRefresh('r3'))).toMatchObject({ written: before.length, built: before.length });
    expect(store.getDevice(before[0]!.id)).toEqual(before[0]);
  });

  it('refuses a device built under another id than it was announced with, and keeps the last snapshot', () => {
    const store = openSqliteStore(':memory:');
    store.saveSnapshot({ devices: before, iotAssets: [], macConflicts: [] }, makeRefresh('r1'));
    const liar: SnapshotDevice = { id: 'entra:announced', knownHash: null, build: () => before[0]!, settled: () => undefined };
    expect(() => store.saveSnapshot({ devices: [liar], iotAssets: [], macConflicts: [] }, makeRefresh('r2'))).toThrow(/announced as "entra:announced" was built as/);
    expect(store.deviceStats().total).toBe(before.length);
  });

  it('stores devices handed over one at a time by an iterable', () => {
    const store = openSqliteStore(':memory:');
    function* oneByOne() {
      yield* after;
    }
    store.saveSnapshot({ devices: { [Symbol.iterator]: oneByOne }, iotAssets: [], macConflicts: [] }, makeRefresh('r1'));
    expect(store.deviceStats().total).toBe(after.length);
  });
});
