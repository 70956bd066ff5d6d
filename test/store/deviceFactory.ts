import { classifyMac, normalizeMac } from '../../src/correlate/mac.js';
import {
  ATTRIBUTE_NAMES,
  type AttributeName,
  type Attributes,
  type DeviceMac,
  type MacRole,
  type MatchStatus,
  type SourceKind,
  type UnifiedDevice,
} from '../../src/correlate/model.js';
import { Random } from '../../src/emulators/fleet/random.js';
import type { EntraDevice } from '../../src/sources/entra/types.js';
import type { RefreshRecord } from '../../src/store/types.js';

/** What a store test cares about in a device; everything else gets a plausible default. */
export interface DeviceSpec {
  id: string;
  name?: string | null;
  osGroup?: string | null;
  enrollmentType?: string | null;
  serial?: string | null;
  upn?: string | null;
  sources?: SourceKind[];
  status?: MatchStatus;
  /** Raw MACs in any notation; the class defaults to what classifyMac says. */
  macs?: Array<{ raw: string; class?: DeviceMac['class']; role?: MacRole }>;
  lastSeen?: string | null;
}

export function makeDevice(spec: DeviceSpec): UnifiedDevice {
  const sources = spec.sources ?? ['entra', 'intune'];
  const source = sources[0] ?? null;
  const values: Partial<Record<AttributeName, string | null>> = {
    deviceName: spec.name === undefined ? `device-${spec.id}` : spec.name,
    osGroup: spec.osGroup === undefined ? 'Windows' : spec.osGroup,
    enrollmentType: spec.enrollmentType === undefined ? 'windowsAzureADJoin' : spec.enrollmentType,
    serialNumber: spec.serial ?? null,
    userPrincipalName: spec.upn ?? null,
  };
  const attributes = {} as Attributes;
  for (const name of ATTRIBUTE_NAMES) {
    const value = values[name] ?? null;
    attributes[name] = { value, source: value === null ? null : source, observedAt: null, alternatives: [] };
  }
  const macs: DeviceMac[] = (spec.macs ?? []).map((m) => ({
    mac: normalizeMac(m.raw),
    raw: m.raw,
    role: m.role ?? 'ethernet',
    class: m.class ?? classifyMac(m.raw),
    source: sources.includes('intune') ? 'intune' : 'iot',
    recordId: `record-${spec.id}`,
  }));
  const status = spec.status ?? 'unmatched';
  return {
    id: spec.id,
    sources,
    entraObjectIds: sources.includes('entra') ? [`object-${spec.id}`] : [],
    entraDeviceId: sources.includes('entra') ? spec.id : null,
    intuneIds: sources.includes('intune') ? [`intune-${spec.id}`] : [],
    iotDeviceIds: macs.filter((m) => m.mac && sources.includes('iot')).map((m) => m.mac!),
    attributes,
    macs,
    match: { status, links: [], reason: status === 'unmatched' ? 'not-seen-by-iot' : null, explanation: `${status} by the factory` },
    lastSeen: spec.lastSeen === undefined ? '2024-05-01T12:00:00.000Z' : spec.lastSeen,
    searchText: [values.deviceName, values.serialNumber, values.userPrincipalName, ...macs.map((m) => m.mac)]
      .filter((part): part is string => typeof part === 'string')
      .join(' ')
      .toLowerCase(),
  };
}

export function makeRefresh(id: string, overrides: Partial<RefreshRecord> = {}): RefreshRecord {
  return {
    id,
    startedAt: '2024-05-01T12:00:00.000Z',
    finishedAt: '2024-05-01T12:01:00.000Z',
    durationMs: 60_000,
    status: 'succeeded',
    error: null,
    sources: [{ source: 'intune', records: 1, complete: true, upstreamCalls: 1, error: null }],
    deviceCount: 0,
    ...overrides,
  };
}

const OS_GROUPS: ReadonlyArray<readonly [string, number]> = [
  ['Windows', 60],
  ['macOS', 12],
  ['iOS', 12],
  ['Android', 10],
  ['Linux', 6],
];
const ENROLLMENT_TYPES = ['windowsAzureADJoin', 'windowsAutoEnrollment', 'appleBulkWithUser', 'androidEnterpriseFullyManaged', 'userEnrollment'];
const COVERAGE: ReadonlyArray<readonly [SourceKind[], number]> = [
  [['entra', 'intune', 'iot'], 55],
  [['entra', 'intune'], 20],
  [['intune', 'iot'], 5],
  [['entra'], 5],
  [['iot'], 15],
];

/** A deterministic fleet shaped like a real one, for volume checks: mostly Windows, most devices in every source. */
export function generateDevices(count: number, seed = 1): UnifiedDevice[] {
  const random = new Random(seed);
  const epoch = Date.parse('2024-01-01T00:00:00.000Z');
  return Array.from({ length: count }, (_, i) => {
    const sources = random.weighted(COVERAGE);
    const iotOnly = sources.length === 1 && sources[0] === 'iot';
    const mac = (prefix: string) => `${prefix}${random.hex(6)}`.replace(/(..)(?!$)/g, '$1:');
    const macs: NonNullable<DeviceSpec['macs']> = [{ raw: mac('001b63'), role: 'ethernet' }];
    if (!iotOnly && random.chance(0.6)) macs.push({ raw: mac(random.chance(0.3) ? '02aabb' : 'a4c3f0'), role: 'wifi' });
    return makeDevice({
      id: `${iotOnly ? 'iot' : 'entra'}:${String(i).padStart(6, '0')}-${random.hex(8)}`,
      name: iotOnly ? `asset-${random.hex(6)}` : `${random.pick(['DESKTOP', 'LAPTOP', 'KIOSK'])}-${random.hex(7).toUpperCase()}`,
      osGroup: iotOnly ? null : random.weighted(OS_GROUPS),
      enrollmentType: iotOnly ? null : random.pick(ENROLLMENT_TYPES),
      serial: iotOnly ? null : random.hex(10).toUpperCase(),
      upn: iotOnly ? null : `user${random.int(1, 20_000)}@contoso.example`,
      sources,
      status: iotOnly ? 'iot-only' : sources.includes('iot') ? random.weighted([['matched', 9], ['ambiguous', 1]]) : 'unmatched',
      macs,
      lastSeen: random.chance(0.02) ? null : new Date(epoch + random.int(0, 120 * 86_400_000)).toISOString(),
    });
  });
}

/** An Entra directory record as Graph returns it. */
export function makeEntraDevice(id: string, displayName: string | null = `PC-${id}`): EntraDevice {
  return {
    id,
    deviceId: `device-${id}`,
    displayName,
    operatingSystem: 'Windows',
    operatingSystemVersion: '10.0.22631',
    trustType: 'AzureAd',
    accountEnabled: true,
    isCompliant: null,
    isManaged: true,
    managementType: 'MDM',
    deviceOwnership: 'Company',
    enrollmentType: null,
    profileType: 'RegisteredDevice',
    manufacturer: 'Contoso',
    model: 'Laptop 9',
    registrationDateTime: '2023-01-01T00:00:00Z',
    approximateLastSignInDateTime: '2024-05-30T08:00:00Z',
    onPremisesSyncEnabled: null,
  };
}
