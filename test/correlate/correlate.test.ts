import { describe, expect, it } from 'vitest';
import { correlate } from '../../src/correlate/correlate.js';
import { generateFleet } from '../../src/emulators/fleet/generate.js';
import type { ManagedDevice } from '../../src/sources/intune/types.js';
import type { EntraDevice } from '../../src/sources/entra/types.js';
import type { IotAsset } from '../../src/sources/iot/types.js';
import { scoreCorrelation } from './score.js';

const NOW = new Date('2026-11-01T00:00:00Z');

function fleetInput(seed: number, size: number) {
  const fleet = generateFleet({ seed, size, now: NOW });
  return { fleet, input: { entra: fleet.entraDevices as EntraDevice[], intune: fleet.managedDevices as ManagedDevice[], iot: fleet.iotAssets as IotAsset[] } };
}

function intune(id: string, patch: Partial<ManagedDevice> = {}): ManagedDevice {
  return {
    id, deviceName: `PC-${id}`, operatingSystem: 'Windows', osVersion: '10.0.22631', ethernetMacAddress: null, wiFiMacAddress: null,
    emailAddress: null, userPrincipalName: null, userDisplayName: null, userId: null, azureADDeviceId: null,
    deviceEnrollmentType: 'windowsAzureADJoin', managementAgent: 'mdm', managedDeviceOwnerType: 'company', complianceState: 'compliant',
    model: 'Latitude 7440', manufacturer: 'Dell Inc.', serialNumber: `SN-${id}`, imei: null, enrolledDateTime: '2026-01-01T00:00:00Z',
    lastSyncDateTime: '2026-10-30T00:00:00Z', isEncrypted: true, jailBroken: 'Unknown', ...patch,
  };
}

function asset(deviceid: string, patch: Partial<IotAsset> = {}): IotAsset {
  return { deviceid, mac_address: deviceid, hostname: '', last_activity: '2026-10-31T00:00:00Z', ...patch };
}

describe('correlate: scored against the generator ground truth', () => {
  for (const [seed, size] of [[1, 2000], [42, 3000]] as const) {
    it(`makes no false merge and matches at least 99% of the matchable devices (seed ${seed}, ${size} machines)`, () => {
      const { fleet, input } = fleetInput(seed, size);
      const score = scoreCorrelation(correlate(input).devices, fleet.truth);
      expect(score.falseMerges).toEqual([]);
      expect(score.matchable).toBeGreaterThan(size / 4);
      expect(score.recall).toBeGreaterThanOrEqual(0.99);
      expect(score.withoutReason).toEqual([]);
    });
  }

  it('lists every planted shared MAC as a conflict', () => {
    const { fleet, input } = fleetInput(1, 2000);
    const conflicts = new Set(correlate(input).macConflicts.map((c) => c.mac));
    for (const s of fleet.truth.sharedMacs) expect(conflicts).toContain(s.mac);
  });

  it('is deterministic', () => {
    const { input } = fleetInput(3, 500);
    expect(JSON.stringify(correlate(input))).toEqual(JSON.stringify(correlate(input)));
  });
});

describe('correlate: matching rules', () => {
  it('matches Ethernet before Wi-Fi and explains the match', () => {
    const result = correlate({
      entra: [],
      intune: [intune('a', { ethernetMacAddress: '3C-52-82-00-00-01', wiFiMacAddress: 'A4C3F0000001' })],
      iot: [asset('a4:c3:f0:00:00:01', { hostname: 'PC-a' }), asset('3c:52:82:00:00:01', { hostname: 'PC-a' })],
    });
    const [device] = result.devices;
    expect(device!.iotDeviceIds).toEqual(['3c:52:82:00:00:01', 'a4:c3:f0:00:00:01']);
    expect(device!.match.status).toBe('matched');
    const link = device!.match.links.find((l) => l.rule === 'intune-iot-ethernet-mac')!;
    expect(link.keys.mac).toBe('3c:52:82:00:00:01');
    expect(link.evidence.join(' ')).toContain('"3C-52-82-00-00-01" normalises to 3c:52:82:00:00:01');
    expect(link.confidence).toBe('high');
  });

  it('never matches or merges on a MAC two machines report, and keeps the asset apart as ambiguous', () => {
    const dock = '6c:2b:59:00:00:09';
    const result = correlate({ entra: [], intune: [intune('a', { ethernetMacAddress: dock }), intune('b', { ethernetMacAddress: dock })], iot: [asset(dock)] });
    const [a, b, iotOnly] = result.devices;
    expect(a!.match).toMatchObject({ status: 'unmatched', reason: 'mac-shared' });
    expect(b!.match).toMatchObject({ status: 'unmatched', reason: 'mac-shared' });
    expect(iotOnly!.match).toMatchObject({ status: 'ambiguous', reason: 'mac-shared' });
    expect(result.macConflicts).toEqual([{ mac: dock, deviceIds: ['intune:a', 'intune:b'], intuneIds: ['a', 'b'], iotDeviceId: dock }]);
  });

  it('does not match randomized or placeholder MACs even when IoT Security has them', () => {
    const result = correlate({
      entra: [],
      intune: [intune('r', { wiFiMacAddress: '9A:11:22:33:44:55' }), intune('p', { wiFiMacAddress: '02:00:00:00:00:00' })],
      iot: [asset('9a:11:22:33:44:55'), asset('02:00:00:00:00:00')],
    });
    expect(result.devices.find((d) => d.id === 'intune:r')!.match.reason).toBe('only-randomized-mac');
    expect(result.devices.find((d) => d.id === 'intune:p')!.match.reason).toBe('only-placeholder-mac');
    expect(result.devices.filter((d) => d.match.status === 'matched')).toEqual([]);
  });

  it('keeps the most recently synced Intune record of a re-enrolled device and the older one as a duplicate', () => {
    const aad = '11111111-2222-3333-4444-555555555555';
    const result = correlate({
      entra: [{ id: 'obj', deviceId: aad, displayName: 'PC-new' } as EntraDevice],
      intune: [intune('old', { azureADDeviceId: aad, lastSyncDateTime: '2026-03-01T00:00:00Z' }), intune('new', { azureADDeviceId: aad, deviceName: 'PC-new' })],
      iot: [],
    });
    expect(result.devices).toHaveLength(1);
    expect(result.devices[0]!.id).toBe(`entra:${aad}`);
    expect(result.devices[0]!.intuneIds).toEqual(['new', 'old']);
    expect(result.devices[0]!.match.links.map((l) => l.rule)).toContain('intune-duplicate-device-id');
  });

  it('gives every attribute its source and the alternatives it beat', () => {
    const aad = 'aaaaaaaa-0000-0000-0000-000000000001';
    const result = correlate({
      entra: [{ id: 'obj', deviceId: aad, displayName: 'LAPTOP-OLD', operatingSystem: 'Windows', approximateLastSignInDateTime: '2026-10-29T00:00:00Z' } as EntraDevice],
      intune: [intune('i', { azureADDeviceId: aad, deviceName: 'LAPTOP-NEW', ethernetMacAddress: '3C5282000002' })],
      iot: [asset('3c:52:82:00:00:02', { hostname: 'laptop-new', vendor: 'Dell', wire_or_wireless: 'Wired' })],
    });
    const { deviceName, manufacturer, entraDeviceId } = result.devices[0]!.attributes;
    expect(deviceName).toMatchObject({ value: 'LAPTOP-NEW', source: 'intune', observedAt: '2026-10-30T00:00:00Z' });
    expect(deviceName.alternatives).toEqual([{ source: 'entra', value: 'LAPTOP-OLD' }]);
    expect(manufacturer.alternatives).toEqual([{ source: 'iot', value: 'Dell' }]);
    expect(entraDeviceId).toMatchObject({ value: aad, source: 'intune' });
  });

  it('follows a configured precedence', () => {
    const aad = 'aaaaaaaa-0000-0000-0000-000000000002';
    const result = correlate({
      entra: [{ id: 'obj', deviceId: aad, displayName: 'FROM-ENTRA' } as EntraDevice],
      intune: [intune('i', { azureADDeviceId: aad, deviceName: 'FROM-INTUNE' })],
      iot: [],
      precedence: { deviceName: ['entra', 'intune'] },
    });
    expect(result.devices[0]!.attributes.deviceName).toMatchObject({ value: 'FROM-ENTRA', source: 'entra' });
  });

  it('says why a static-IP asset and an Entra-only device stay unmatched', () => {
    const result = correlate({ entra: [{ id: 'o', deviceId: 'd', displayName: 'iPhone', trustType: 'Workplace' } as EntraDevice], intune: [], iot: [asset('10.20.3.17', { mac_address: '' })] });
    expect(result.devices.map((d) => d.match.reason)).toEqual(['no-intune-record', 'static-ip-asset']);
  });
});
