import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { correlate } from '../../src/correlate/correlate.js';
import type { EntraDevice } from '../../src/sources/entra/types.js';
import type { ManagedDevice } from '../../src/sources/intune/types.js';
import type { IotAsset } from '../../src/sources/iot/types.js';
import { DEFAULT_MAPPING, parseMapping } from '../../src/sync/mapping.js';
import { planSync, toBulkItem, toPlanDevice } from '../../src/sync/plan.js';

const recent = new Date(Date.now() - 86_400_000).toISOString();

function intune(id: string, patch: Partial<ManagedDevice>): ManagedDevice {
  return {
    id, deviceName: `PC-${id}`, operatingSystem: 'Windows', osVersion: '10.0', ethernetMacAddress: null, wiFiMacAddress: null, emailAddress: null,
    userPrincipalName: `${id}@contoso.com`, userDisplayName: null, userId: null, azureADDeviceId: null, deviceEnrollmentType: 'windowsAzureADJoin',
    managementAgent: 'mdm', managedDeviceOwnerType: 'company', complianceState: 'compliant', model: 'Latitude', manufacturer: 'Dell Inc.',
    serialNumber: `SN${id}`, imei: null, enrolledDateTime: recent, lastSyncDateTime: recent, isEncrypted: true, jailBroken: 'Unknown', ...patch,
  };
}

function plan(intuneDevices: ManagedDevice[], iot: IotAsset[], options: Partial<Parameters<typeof planSync>[2]> = {}) {
  const { devices } = correlate({ entra: [] as EntraDevice[], intune: intuneDevices, iot });
  return planSync(devices.map(toPlanDevice), new Map(iot.map((a) => [a.deviceid, a])), { mapping: DEFAULT_MAPPING, createMissing: true, ...options });
}

describe('planSync', () => {
  it('updates only the attributes that differ, from → to', () => {
    const asset: IotAsset = { deviceid: '3c:52:82:00:00:01', mac_address: '3c:52:82:00:00:01', 'ms_entra_id.deviceName': 'PC-a', 'ms_entra_id.serialNumber': 'OLD' };
    const p = plan([intune('a', { ethernetMacAddress: '3C5282000001' })], [asset]);
    const update = p.items.find((i) => i.action === 'update')!;
    expect(update.changes.find((c) => c.attribute === 'serialNumber')).toEqual({ attribute: 'serialNumber', iotAttribute: 'serialNumber', from: 'OLD', to: 'SNa' });
    expect(update.changes.find((c) => c.attribute === 'deviceName')).toBeUndefined();
    expect(toBulkItem(update as never)).toMatchObject({ deviceid: '3c:52:82:00:00:01', serialNumber: 'SNa' });
  });

  it('creates under an identifying Ethernet MAC before a Wi-Fi one, and only when asked to', () => {
    const device = intune('b', { ethernetMacAddress: '3C5282000002', wiFiMacAddress: 'A4C3F0000002' });
    expect(plan([device], []).items).toEqual([expect.objectContaining({ action: 'create', iotDeviceId: '3c:52:82:00:00:02' })]);
    expect(plan([device], [], { createMissing: false }).items).toEqual([expect.objectContaining({ action: 'skip', reason: 'create-disabled' })]);
  });

  it('never creates or writes under a shared, randomized or placeholder MAC', () => {
    const dock = '6C2B59000009';
    const p = plan(
      [intune('c', { ethernetMacAddress: dock }), intune('d', { ethernetMacAddress: dock }), intune('e', { wiFiMacAddress: '9A1122334455' }), intune('f', { wiFiMacAddress: '02:00:00:00:00:00' })],
      [{ deviceid: '6c:2b:59:00:00:09', mac_address: '6c:2b:59:00:00:09' }],
    );
    expect(p.items.filter((i) => i.action !== 'skip')).toEqual([]);
    expect(p.counts.skipsByReason).toEqual({ 'shared-mac': 2, 'randomized-mac': 1, 'placeholder-mac': 1, ambiguous: 1 });
  });

  it('skips stale and out-of-scope devices', () => {
    const stale = intune('g', { ethernetMacAddress: '3C5282000007', lastSyncDateTime: '2020-01-01T00:00:00Z', enrolledDateTime: '2019-01-01T00:00:00Z' });
    const fresh = intune('h', { ethernetMacAddress: '3C5282000008' });
    const p = plan([stale, fresh], [], { staleBefore: new Date(Date.now() - 30 * 86_400_000).toISOString(), inScope: (d) => !d.id.endsWith('h') });
    expect(p.counts.skipsByReason).toEqual({ stale: 1, 'out-of-scope': 1 });
  });

  it('gives the same fingerprint for the same writes and another for different ones', () => {
    const a = plan([intune('i', { ethernetMacAddress: '3C5282000009' })], []);
    const b = plan([intune('i', { ethernetMacAddress: '3C5282000009' })], []);
    const c = plan([intune('i', { ethernetMacAddress: '3C5282000009', serialNumber: 'OTHER' })], []);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).not.toBe(c.fingerprint);
  });

  it('fingerprints the writes as it always has, so a plan kept from an earlier version still compares', () => {
    const asset: IotAsset = { deviceid: '3c:52:82:00:00:0b', mac_address: '3c:52:82:00:00:0b', 'ms_entra_id.serialNumber': 'OLD' };
    const p = plan([intune('k', { ethernetMacAddress: '3C528200000B' }), intune('l', { ethernetMacAddress: '3C528200000C' }), intune('m', {})], [asset]);
    expect(p.items.map((i) => i.action).sort()).toEqual(['create', 'skip', 'update']);
    const writes = p.items.filter((i) => i.action !== 'skip').map((i) => [i.action, i.iotDeviceId, i.changes.map((c) => [c.iotAttribute, c.to])]);
    expect(p.fingerprint).toBe(createHash('sha256').update(JSON.stringify([DEFAULT_MAPPING.updateSource, writes])).digest('hex').slice(0, 32));
  });

  it('follows a configured mapping and update source', () => {
    const mapping = parseMapping('ours', 'serialNumber=Serial_Number;userEmail=-');
    const p = plan([intune('j', { ethernetMacAddress: '3C528200000A', emailAddress: 'j@contoso.com' })], [], { mapping });
    const create = p.items[0]!;
    expect(create.action).toBe('create');
    const names = (create as { changes: Array<{ iotAttribute: string }> }).changes.map((c) => c.iotAttribute);
    expect(names).toContain('Serial_Number');
    expect(names).not.toContain('emailAddress');
    expect(() => parseMapping('bad source!', undefined)).toThrow(/SYNC_UPDATE_SOURCE/);
    expect(() => parseMapping(undefined, 'colour=x')).toThrow(/SYNC_ATTRIBUTE_MAP/);
  });
});
