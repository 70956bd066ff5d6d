import { describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateFleet } from '../../src/emulators/fleet/generate.js';
import { fleetToFile, loadFleetFile } from '../../src/emulators/fleet/load.js';
import { OUIS, PLACEHOLDER_MAC, UNUSUAL_INTUNE_STYLES, formatMac, macKind, normalizeMac } from '../../src/emulators/fleet/macs.js';
import { Random } from '../../src/emulators/fleet/random.js';
import { TRAPS } from '../../src/emulators/fleet/types.js';
import type { Fleet, Trap } from '../../src/emulators/fleet/types.js';

const NOW = new Date('2026-11-15T00:00:00Z');
const fleet2000 = generateFleet({ seed: 1, size: 2000, now: NOW });
const fleet200 = generateFleet({ seed: 1, size: 200, now: NOW });

/**
 * How `size` is counted: one physical end-user machine is either one current Intune record (a re-enrolled
 * machine's superseded record does not count again) or one Entra-only registration. A hybrid machine's leftover
 * Workplace object belongs to its Intune machine and is not counted either.
 */
function machineCount(fleet: Fleet): number {
  return fleet.truth.intune.filter((t) => t.supersededBy === null).length + fleet.truth.entraOnly.length;
}

function trapCounts(fleet: Fleet): Map<Trap, number> {
  const counts = new Map<Trap, number>();
  const add = (trap: Trap) => counts.set(trap, (counts.get(trap) ?? 0) + 1);
  for (const t of fleet.truth.intune) t.traps.forEach(add);
  for (const t of fleet.truth.entraOnly) t.traps.forEach(add);
  for (const t of fleet.truth.iotOnly) t.traps.forEach(add);
  for (const s of fleet.truth.sharedMacs) add(s.trap);
  return counts;
}

function recordMacs(fleet: Fleet): Map<string, string[]> {
  const macs = new Map<string, string[]>();
  for (const d of fleet.managedDevices) {
    const normalised = [d.ethernetMacAddress, d.wiFiMacAddress].flatMap((raw) => (raw === null ? [] : [normalizeMac(raw)!]));
    macs.set(d.id, normalised);
  }
  return macs;
}

describe('generateFleet', () => {
  it('gives the same fleet for the same seed, size and now', () => {
    const again = generateFleet({ seed: 1, size: 2000, now: NOW });
    expect(JSON.stringify(again) === JSON.stringify(fleet2000)).toBe(true);
  });

  it('gives a different fleet for a different seed', () => {
    const other = generateFleet({ seed: 2, size: 2000, now: NOW });
    expect(other.managedDevices[0]!.id).not.toBe(fleet2000.managedDevices[0]!.id);
    expect(JSON.stringify(other) === JSON.stringify(fleet2000)).toBe(false);
  });

  it('records how it was made', () => {
    expect(fleet2000.origin).toEqual({ kind: 'generated', seed: 1, size: 2000, now: NOW.toISOString() });
  });

  it('counts size as machines: current Intune records plus Entra-only registrations', () => {
    expect(machineCount(fleet2000)).toBe(2000);
    expect(machineCount(fleet200)).toBe(200);
    expect(machineCount(generateFleet({ seed: 7, size: 0, now: NOW }))).toBe(0);
  });

  it('adds IoT-only assets on top: 15% of size, at least 20', () => {
    expect(fleet2000.truth.iotOnly).toHaveLength(300);
    expect(fleet200.truth.iotOnly).toHaveLength(30);
    expect(generateFleet({ seed: 1, size: 40, now: NOW }).truth.iotOnly).toHaveLength(20);
  });

  it('plants every trap several times at size 2000', () => {
    const counts = trapCounts(fleet2000);
    for (const trap of TRAPS) expect(counts.get(trap) ?? 0, trap).toBeGreaterThanOrEqual(3);
  });

  it('plants every trap at size 200', () => {
    const counts = trapCounts(fleet200);
    for (const trap of TRAPS) expect(counts.get(trap) ?? 0, trap).toBeGreaterThanOrEqual(1);
  });

  it('keys IoT assets by a unique lower-case colon MAC, or by IPv4 for static-IP assets', () => {
    for (const fleet of [fleet200, fleet2000]) {
      const ids = fleet.iotAssets.map((a) => a.deviceid);
      expect(new Set(ids).size).toBe(ids.length);
      for (const asset of fleet.iotAssets) {
        if (/^\d{1,3}(\.\d{1,3}){3}$/.test(asset.deviceid)) {
          expect(asset.ip_address).toBe(asset.deviceid);
          expect(asset.mac_address).toBe('');
          expect(asset.DHCP).toBe('No');
        } else {
          expect(asset.deviceid).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
          expect(asset.mac_address).toBe(asset.deviceid);
        }
      }
      const staticIds = fleet.truth.iotOnly.filter((t) => t.traps.includes('static-ip')).map((t) => t.deviceid);
      expect(staticIds.every((id) => !id.includes(':'))).toBe(true);
    }
  });

  it('points every azureADDeviceId at an Entra deviceId', () => {
    const entraDeviceIds = new Set(fleet2000.entraDevices.map((d) => d.deviceId));
    const pointing = fleet2000.managedDevices.filter((d) => d.azureADDeviceId !== null);
    expect(pointing.length).toBeGreaterThan(1800);
    for (const d of pointing) expect(entraDeviceIds.has(d.azureADDeviceId!), d.id).toBe(true);
  });

  it('gives entra-only and hybrid leftovers an Entra object and no Intune record', () => {
    const referenced = new Set(fleet2000.managedDevices.map((d) => d.azureADDeviceId));
    const byDeviceId = new Map(fleet2000.entraDevices.map((d) => [d.deviceId, d]));
    for (const t of fleet2000.truth.entraOnly) {
      expect(referenced.has(t.deviceId)).toBe(false);
      expect(byDeviceId.get(t.deviceId)).toMatchObject({ id: t.id, trustType: 'Workplace', isManaged: false });
    }
    for (const t of fleet2000.truth.intune.filter((x) => x.traps.includes('hybrid-two-entra'))) {
      const main = byDeviceId.get(t.azureADDeviceId!)!;
      expect(main.trustType).toBe('ServerAd');
      expect(t.otherEntraDeviceIds).toHaveLength(1);
      const leftover = byDeviceId.get(t.otherEntraDeviceIds![0]!)!;
      expect(leftover).toMatchObject({ trustType: 'Workplace', displayName: main.displayName });
      expect(referenced.has(leftover.deviceId)).toBe(false);
    }
  });

  it('keeps the truth consistent with the records', () => {
    for (const fleet of [fleet200, fleet2000]) {
      const assets = new Set(fleet.iotAssets.map((a) => a.deviceid));
      const macsOf = recordMacs(fleet);
      const shared = new Set(fleet.truth.sharedMacs.map((s) => s.mac));
      const byId = new Map(fleet.truth.intune.map((t) => [t.managedDeviceId, t]));
      expect(byId.size).toBe(fleet.managedDevices.length);

      for (const t of fleet.truth.intune) {
        for (const id of t.matchableIotDeviceIds) {
          expect(assets.has(id)).toBe(true);
          expect(macsOf.get(t.managedDeviceId)).toContain(id);
          expect(macKind(id)).toBe('global');
          expect(shared.has(id)).toBe(false);
          expect(t.iotDeviceIds).toContain(id);
        }
        for (const id of t.iotDeviceIds) expect(assets.has(id)).toBe(true);
        if (t.creatableMac !== null) {
          expect(t.matchableIotDeviceIds).toEqual([]);
          expect(assets.has(t.creatableMac)).toBe(false);
          expect(macKind(t.creatableMac)).toBe('global');
          expect(shared.has(t.creatableMac)).toBe(false);
          expect(macsOf.get(t.managedDeviceId)).toContain(t.creatableMac);
        }
        if (t.supersededBy !== null) {
          const newer = byId.get(t.supersededBy)!;
          expect(newer.supersededBy).toBeNull();
          expect(t).toMatchObject({ matchableIotDeviceIds: [], creatableMac: null, iotDeviceIds: newer.iotDeviceIds });
          expect(t.traps).toContain('intune-duplicate');
        }
      }

      for (const s of fleet.truth.sharedMacs) {
        expect(s.managedDeviceIds.length).toBeGreaterThanOrEqual(2);
        for (const id of s.managedDeviceIds) expect(macsOf.get(id)).toContain(s.mac);
        expect(s.mac).not.toBe(PLACEHOLDER_MAC);
      }

      // Every asset is accounted for exactly once: a machine's interface, an IoT-only device, or a dock/dongle.
      const owners = new Map<string, number>();
      const own = (id: string) => owners.set(id, (owners.get(id) ?? 0) + 1);
      fleet.truth.intune.filter((t) => t.supersededBy === null).forEach((t) => t.iotDeviceIds.forEach(own));
      fleet.truth.iotOnly.forEach((t) => own(t.deviceid));
      fleet.truth.sharedMacs.forEach((s) => own(s.mac));
      expect(owners.size).toBe(fleet.iotAssets.length);
      expect([...owners.values()].every((n) => n === 1)).toBe(true);
    }
  });

  it('makes a re-enrolled machine two Intune records of one device, the newer one owning the match', () => {
    const records = new Map(fleet2000.managedDevices.map((d) => [d.id, d]));
    const superseded = fleet2000.truth.intune.filter((t) => t.supersededBy !== null);
    expect(superseded.length).toBeGreaterThanOrEqual(3);
    for (const t of superseded) {
      const older = records.get(t.managedDeviceId)!;
      const newer = records.get(t.supersededBy!)!;
      expect(older).toMatchObject({
        serialNumber: newer.serialNumber,
        azureADDeviceId: newer.azureADDeviceId,
        ethernetMacAddress: newer.ethernetMacAddress,
        wiFiMacAddress: newer.wiFiMacAddress,
      });
      expect(Date.parse(older.lastSyncDateTime)).toBeLessThan(Date.parse(newer.lastSyncDateTime));
      expect(Date.parse(older.enrolledDateTime)).toBeLessThan(Date.parse(newer.enrolledDateTime));
    }
  });

  it('gives each dock or dongle MAC one IoT asset, named after a laptop that used it', () => {
    const assets = new Map(fleet2000.iotAssets.map((a) => [a.deviceid, a]));
    const names = new Map(fleet2000.managedDevices.map((d) => [d.id, d.deviceName]));
    for (const s of fleet2000.truth.sharedMacs) {
      expect(s.managedDeviceIds.map((id) => names.get(id))).toContain(assets.get(s.mac)!.hostname);
    }
  });

  it('never lets a randomized, placeholder or shared MAC be matchable', () => {
    const shared = new Set(fleet2000.truth.sharedMacs.map((s) => s.mac));
    const matchable = fleet2000.truth.intune.flatMap((t) => t.matchableIotDeviceIds);
    expect(matchable.length).toBeGreaterThan(1000);
    expect(matchable.filter((id) => macKind(id) !== 'global' || shared.has(id))).toEqual([]);
    // Randomized assets do exist: IoT sees them, the truth just refuses to match on them.
    const seenRandomized = fleet2000.truth.intune.flatMap((t) => t.iotDeviceIds).filter((id) => macKind(id) === 'randomized');
    expect(seenRandomized.length).toBeGreaterThan(0);
  });

  it('renders Intune MACs as 12 upper-case hex digits unless the record carries the mac-format trap', () => {
    const traps = new Map(fleet2000.truth.intune.map((t) => [t.managedDeviceId, t.traps]));
    for (const d of fleet2000.managedDevices) {
      const unusual = [d.ethernetMacAddress, d.wiFiMacAddress].some((raw) => raw !== null && !/^[0-9A-F]{12}$/.test(raw));
      expect(traps.get(d.id)!.includes('mac-format')).toBe(unusual);
    }
  });

  it('repeats the Android placeholder MAC without listing it as shared', () => {
    const placeholders = fleet2000.managedDevices.filter((d) => d.wiFiMacAddress !== null && normalizeMac(d.wiFiMacAddress) === PLACEHOLDER_MAC);
    expect(placeholders.length).toBeGreaterThan(10);
    expect(fleet2000.truth.sharedMacs.some((s) => s.mac === PLACEHOLDER_MAC)).toBe(false);
    expect(fleet2000.iotAssets.some((a) => a.deviceid === PLACEHOLDER_MAC)).toBe(false);
  });

  it('dates every record from now, in ISO form with Z', () => {
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
    const times = [
      ...fleet2000.managedDevices.flatMap((d) => [d.enrolledDateTime, d.lastSyncDateTime]),
      ...fleet2000.entraDevices.flatMap((d) => [d.registrationDateTime, d.approximateLastSignInDateTime ?? d.registrationDateTime]),
      ...fleet2000.iotAssets.flatMap((a) => [a.first_seen_date, a.last_activity]),
    ];
    for (const time of times) {
      expect(time).toMatch(iso);
      expect(Date.parse(time)).toBeLessThanOrEqual(NOW.getTime());
    }
    for (const a of fleet2000.iotAssets) expect(Date.parse(a.first_seen_date)).toBeLessThan(Date.parse(a.last_activity));
  });

  it('produces a 100,000-machine fleet', () => {
    const big = generateFleet({ seed: 1, size: 100_000, now: NOW });
    expect(machineCount(big)).toBe(100_000);
    expect(big.truth.iotOnly).toHaveLength(15_000);
  });

  it('rejects a size it cannot honour', () => {
    expect(() => generateFleet({ size: -1 })).toThrow(/size/);
    expect(() => generateFleet({ size: 1.5 })).toThrow(/size/);
  });
});

describe('fleet MACs', () => {
  it('draws every vendor OUI as globally administered unicast', () => {
    for (const [vendor, ouis] of Object.entries(OUIS)) {
      for (const oui of ouis) expect(macKind(`${oui}:12:34:56`), `${vendor} ${oui}`).toBe('global');
    }
  });

  it('classifies randomized, placeholder and multicast addresses', () => {
    expect(macKind('da:a1:19:00:00:01')).toBe('randomized');
    expect(macKind(PLACEHOLDER_MAC)).toBe('placeholder');
    expect(macKind('01:00:5e:00:00:fb')).toBe('multicast');
  });

  it('renders Intune and the other formats, and normalises each back', () => {
    const mac = 'a4:c3:f0:12:34:56';
    expect(formatMac(mac, 'intune')).toBe('A4C3F0123456');
    expect(formatMac(mac, 'dashes-lower')).toBe('a4-c3-f0-12-34-56');
    expect(formatMac(mac, 'colons-upper')).toBe('A4:C3:F0:12:34:56');
    expect(formatMac(mac, 'dots-lower')).toBe('a4c3.f012.3456');
    expect(formatMac(mac, 'bare-lower')).toBe('a4c3f0123456');
    for (const style of ['intune', 'iot', ...UNUSUAL_INTUNE_STYLES] as const) expect(normalizeMac(formatMac(mac, style))).toBe(mac);
    expect(normalizeMac('not a mac')).toBeNull();
  });
});

describe('fleet Random', () => {
  it('repeats its sequence for a seed and draws v4-shaped uuids', () => {
    const a = new Random(42);
    const b = new Random(42);
    const uuids = Array.from({ length: 50 }, () => a.uuid());
    expect(Array.from({ length: 50 }, () => b.uuid())).toEqual(uuids);
    for (const uuid of uuids) expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('deals exact shares', () => {
    const dealt = new Random(3).deal(200, [['a', 0.5], ['b', 0.3], ['c', 0.2]] as const);
    expect(dealt.filter((x) => x === 'a')).toHaveLength(100);
    expect(dealt.filter((x) => x === 'b')).toHaveLength(60);
    expect(dealt.filter((x) => x === 'c')).toHaveLength(40);
  });
});

describe('loadFleetFile', () => {
  function withFile(content: unknown, use: (file: string) => void): void {
    const dir = mkdtempSync(path.join(tmpdir(), 'fleet-'));
    try {
      const file = path.join(dir, 'fleet.json');
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
      use(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('round-trips a generated fleet written with fleetToFile', () => {
    withFile(fleetToFile(fleet200), (file) => {
      const loaded = loadFleetFile(file);
      expect(loaded.origin).toEqual({ kind: 'file', path: file });
      expect({ ...loaded, origin: fleet200.origin }).toEqual(fleet200);
    });
  });

  it('rejects a record with a missing field, naming the list, index and field', () => {
    const file = fleetToFile(fleet200);
    const broken = { ...file, managedDevices: file.managedDevices.map((d, i) => (i === 12 ? { ...d, deviceName: undefined } : d)) };
    withFile(broken, (path) => expect(() => loadFleetFile(path)).toThrow('fleet file managedDevices[12]: missing "deviceName"'));
  });

  it('rejects a field of the wrong type and a repeated IoT deviceid', () => {
    const file = fleetToFile(fleet200);
    const wrongType = { ...file, entraDevices: [{ ...file.entraDevices[0], accountEnabled: 'yes' }] };
    withFile(wrongType, (path) => expect(() => loadFleetFile(path)).toThrow(/entraDevices\[0\]: "accountEnabled" must be a boolean/));
    const repeated = { ...file, iotAssets: [file.iotAssets[0], file.iotAssets[0]] };
    withFile(repeated, (path) => expect(() => loadFleetFile(path)).toThrow(/iotAssets\[1\]: "deviceid" .* repeats iotAssets\[0\]/));
    withFile('{ not json', (path) => expect(() => loadFleetFile(path)).toThrow(/not valid JSON/));
  });

  it('fills absent optional fields with the services’ defaults and an absent truth with empty lists', () => {
    const minimal = {
      users: [{ id: 'u1', displayName: 'Ana Lee', userPrincipalName: 'ana.lee@contoso.com' }],
      entraDevices: [{ id: 'e1', deviceId: 'd1', displayName: 'LT-1', operatingSystem: 'Windows', trustType: 'AzureAd', registrationDateTime: '2026-01-01T00:00:00Z' }],
      managedDevices: [{ id: 'm1', deviceName: 'LT-1', operatingSystem: 'Windows', enrolledDateTime: '2026-01-01T00:00:00Z', lastSyncDateTime: '2026-11-01T00:00:00Z', azureADDeviceId: 'd1', wiFiMacAddress: 'A4C3F0123456' }],
      iotAssets: [{ deviceid: 'a4:c3:f0:12:34:56', profile_type: 'Non_IoT', last_activity: '2026-11-01T00:00:00.000Z', customField: 'kept' }],
    };
    withFile(minimal, (path) => {
      const fleet = loadFleetFile(path);
      expect(fleet.users[0]!.mail).toBeNull();
      expect(fleet.managedDevices[0]).toMatchObject({ ethernetMacAddress: null, imei: '', physicalMemoryInBytes: 0, wiFiMacAddress: 'A4C3F0123456' });
      expect(fleet.entraDevices[0]).toMatchObject({ accountEnabled: true, ownerUserId: null, profileType: 'RegisteredDevice' });
      expect(fleet.iotAssets[0]).toMatchObject({ allTags: [], customField: 'kept', hostname: '' });
      expect(fleet.truth).toEqual({ intune: [], entraOnly: [], iotOnly: [], sharedMacs: [] });
    });
  });
});
