import { describe, expect, it } from 'vitest';
import { correlate, correlateLazily } from '../../src/correlate/correlate.js';
import { generateFleet } from '../../src/emulators/fleet/generate.js';
import { Random } from '../../src/emulators/fleet/random.js';
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

describe('correlate: drafts, the devices before they are built', () => {
  const built = (input: Parameters<typeof correlateLazily>[0]) => new Map([...correlateLazily(input).drafts].map((d) => [d.id, d]));

  it('builds from each draft the device the stream yields, in the same order', () => {
    const { input } = fleetInput(5, 400);
    const stream = correlateLazily(input);
    expect(JSON.stringify([...stream.drafts].map((d) => d.build()))).toEqual(JSON.stringify([...stream.devices]));
  });

  it('changes a device’s decisions when another machine starts reporting its MAC, though its own records did not change', () => {
    const dock = '6c:2b:59:00:00:09';
    const a = intune('a', { ethernetMacAddress: dock });
    const alone = built({ entra: [], intune: [a], iot: [] }).get('intune:a')!;
    const crowded = built({ entra: [], intune: [a, intune('b', { ethernetMacAddress: dock })], iot: [] }).get('intune:a')!;
    expect(crowded.records).toEqual(alone.records);
    expect(crowded.decisions).not.toBe(alone.decisions);
    expect(crowded.build().macs[0]!.class).toBe('shared');
  });

  it('keeps a device’s decisions when only other devices changed', () => {
    const a = intune('a', { ethernetMacAddress: '3c:52:82:00:00:01' });
    const before = built({ entra: [], intune: [a, intune('b')], iot: [asset('3c:52:82:00:00:01')] }).get('intune:a')!;
    const after = built({ entra: [], intune: [a, intune('b', { deviceName: 'renamed' }), intune('c')], iot: [asset('3c:52:82:00:00:01'), asset('10.0.0.9')] }).get('intune:a')!;
    expect(after.decisions).toBe(before.decisions);
  });

  it('builds the same device from the same records and decisions, over a fleet changing at random', () => {
    const { input } = fleetInput(9, 300);
    const rng = new Random(9);
    const pick = <T>(list: readonly T[]): T => list[rng.int(0, list.length - 1)]!;
    let intuneRecords = input.intune.map((r) => ({ ...r }));
    let iotRecords = input.iot.map((r) => ({ ...r }));
    let entraRecords = input.entra.map((r) => ({ ...r }));
    // The records a device was built from, by content, with its decisions: a key that must always give one document.
    const documents = new Map<string, string>();
    let reused = 0;
    for (let round = 0; round < 25; round++) {
      for (const draft of correlateLazily({ entra: entraRecords, intune: intuneRecords, iot: iotRecords }).drafts) {
        const key = JSON.stringify([draft.decisions, draft.records]);
        const json = JSON.stringify(draft.build());
        if (documents.has(key)) {
          reused++;
          expect(json).toBe(documents.get(key));
        } else documents.set(key, json);
      }
      // A handful of the ways a tenant changes between refreshes, some of them to another device's benefit.
      for (let change = 0; change < 8; change++) {
        const i = rng.int(0, intuneRecords.length - 1);
        const other = pick(intuneRecords);
        switch (rng.int(0, 6)) {
          case 0: // a dock: this machine starts reporting another's MAC
            intuneRecords[i] = { ...intuneRecords[i]!, ethernetMacAddress: other.ethernetMacAddress ?? other.wiFiMacAddress };
            break;
          case 1:
            intuneRecords[i] = { ...intuneRecords[i]!, deviceName: `renamed-${round}-${change}` };
            break;
          case 2: // a re-enrolment under another machine's Entra device
            intuneRecords[i] = { ...intuneRecords[i]!, azureADDeviceId: other.azureADDeviceId, lastSyncDateTime: new Date(NOW.getTime() + round * 1000).toISOString() };
            break;
          case 3:
            intuneRecords = intuneRecords.filter((_, j) => j !== i);
            break;
          case 4: {
            const j = rng.int(0, iotRecords.length - 1);
            iotRecords[j] = { ...iotRecords[j]!, hostname: `host-${round}-${change}` };
            break;
          }
          case 5: {
            const j = rng.int(0, entraRecords.length - 1);
            entraRecords[j] = { ...entraRecords[j]!, displayName: pick(entraRecords).displayName, trustType: pick(['Workplace', 'ServerAd', 'AzureAd']) };
            break;
          }
          default:
            iotRecords = iotRecords.filter((_, j) => j !== rng.int(0, iotRecords.length - 1));
        }
      }
    }
    // Most devices come through a round untouched: the check above ran thousands of times.
    expect(reused).toBeGreaterThan(1000);
  });
});
