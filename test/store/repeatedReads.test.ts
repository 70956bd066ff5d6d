import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UnifiedDevice } from '../../src/correlate/model.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import type { DeviceFilter, DeviceListArgs, Store } from '../../src/store/types.js';
import { generateDevices, makeDevice, makeRefresh } from './deviceFactory.js';
import { useTempDir } from '../helpers/tempDir.js';

/**
 * A dashboard sends the same reads over and over, and the store remembers what they cost (counts, parsed
 * documents, breakdowns, compiled statements) until it is written again. These tests ask twice and change the
 * snapshot in between, every way it can change.
 */

const dashboardPage: DeviceListArgs = {
  filter: { inSources: ['intune'], notInSources: ['iot'] },
  orderBy: { field: 'LAST_SEEN', direction: 'DESC' },
  first: 50,
};
const dashboardFilter: DeviceFilter = dashboardPage.filter!;

/** What a dashboard shows: the page's ids and names, its count, the next page, and the breakdown of the same filter. */
function dashboard(store: Store) {
  const page = store.listDevices(dashboardPage);
  const next = store.listDevices({ ...dashboardPage, after: page.endCursor });
  return {
    ids: page.devices.map((d) => d.id),
    names: page.devices.map((d) => d.attributes.deviceName.value),
    totalCount: page.totalCount,
    hasNextPage: page.hasNextPage,
    nextIds: next.devices.map((d) => d.id),
    nextHasPreviousPage: next.hasPreviousPage,
    stats: store.deviceStats(dashboardFilter),
  };
}

/** The same reads from a store that has only ever held `devices`. */
function dashboardOf(devices: UnifiedDevice[]) {
  const fresh = openSqliteStore(':memory:');
  fresh.saveSnapshot({ devices, iotAssets: [], macConflicts: [] }, makeRefresh('fresh'));
  const view = dashboard(fresh);
  fresh.close();
  return view;
}

const firstFleet = generateDevices(400, 1);
const secondFleet = [...generateDevices(300, 2), makeDevice({ id: 'entra:newcomer', name: 'newcomer', sources: ['entra', 'intune'], lastSeen: '2030-01-01T00:00:00.000Z' })];

describe('SQLite store asked the same thing again', () => {
  let store: Store;

  beforeEach(() => {
    store = openSqliteStore(':memory:');
    store.saveSnapshot({ devices: firstFleet, iotAssets: [], macConflicts: [] }, makeRefresh('r1'));
  });
  afterEach(() => store.close());

  it('answers a repeated read exactly as the first time', () => {
    const first = dashboard(store);
    expect(dashboard(store)).toEqual(first);
    expect(first).toEqual(dashboardOf(firstFleet));
  });

  it('answers from the new snapshot as soon as one is saved, even under the same refresh id in the same millisecond', () => {
    dashboard(store);
    store.saveSnapshot({ devices: secondFleet, iotAssets: [], macConflicts: [] }, makeRefresh('r1'));
    const after = dashboard(store);
    expect(after).toEqual(dashboardOf(secondFleet));
    expect(after.ids[0]).toBe('entra:newcomer');
    expect(after.nextIds.length).toBeGreaterThan(0);
    expect(after.nextHasPreviousPage).toBe(true);
  });

  it('keeps answering from the last snapshot when a save fails half-way or at its very end', () => {
    const before = { ...dashboard(store), everything: store.deviceStats({}) };
    const conflict = { mac: 'a4:c3:f0:00:00:01', deviceIds: [], intuneIds: [], iotDeviceId: null };
    expect(() => store.saveSnapshot({ devices: secondFleet, iotAssets: [], macConflicts: [conflict, conflict] }, makeRefresh('r2'))).toThrow(/UNIQUE/);
    expect({ ...dashboard(store), everything: store.deviceStats({}) }).toEqual(before);
    // The snapshot's own breakdown is counted before the refresh is recorded, which then fails.
    const unrecordable = makeRefresh('r3', { startedAt: null as unknown as string });
    expect(() => store.saveSnapshot({ devices: secondFleet, iotAssets: [], macConflicts: [] }, unrecordable)).toThrow(/NOT NULL/);
    expect({ ...dashboard(store), everything: store.deviceStats({}) }).toEqual(before);
  });

  it('hands out devices no caller can change, so one request never changes the page another one reads', () => {
    const page = store.listDevices(dashboardPage);
    const device = page.devices[0]!;
    const name = device.attributes.deviceName.value;
    expect(() => {
      (device as { id: string }).id = 'entra:forged';
    }).toThrow(TypeError);
    expect(() => {
      device.attributes.deviceName.value = 'forged';
    }).toThrow(TypeError);
    expect(() => device.macs.push(device.macs[0]!)).toThrow(TypeError);
    expect(() => {
      store.deviceStats(dashboardFilter).bySourceCoverage[0]!.count = 0;
    }).toThrow(TypeError);
    const again = store.listDevices(dashboardPage);
    expect(again.devices[0]?.id).toBe(device.id);
    expect(again.devices[0]?.attributes.deviceName.value).toBe(name);
    expect(again.totalCount).toBe(page.totalCount);
    expect(store.deviceStats(dashboardFilter)).toEqual(dashboardOf(firstFleet).stats);
  });

  it('answers every one of more filters than it keeps statements and counts for', () => {
    const windows = firstFleet.filter((d) => d.attributes.osGroup.value?.toLowerCase() === 'windows').length;
    expect(windows).toBeGreaterThan(0);
    // Each list length is a statement text of its own: 600 of them, twice round.
    for (let round = 0; round < 2; round++) {
      for (let extra = 0; extra < 600; extra++) {
        const osGroups = ['Windows', ...Array.from({ length: extra }, (_, i) => `group-${i}`)];
        expect(store.listDevices({ filter: { osGroups }, first: 1 }).totalCount).toBe(windows);
      }
    }
  });
});

describe('SQLite store shared by two connections', () => {
  const dir = useTempDir('store-reads-');

  it('answers from the snapshot the other connection saved', () => {
    const file = join(dir(), 'gateway.sqlite');
    const reader = openSqliteStore(file);
    const writer = openSqliteStore(file);
    writer.saveSnapshot({ devices: firstFleet, iotAssets: [], macConflicts: [] }, makeRefresh('r1'));
    expect(dashboard(reader)).toEqual(dashboardOf(firstFleet));

    writer.saveSnapshot({ devices: secondFleet, iotAssets: [], macConflicts: [] }, makeRefresh('r2'));
    expect(dashboard(reader)).toEqual(dashboardOf(secondFleet));
    writer.close();
    reader.close();
  });
});
