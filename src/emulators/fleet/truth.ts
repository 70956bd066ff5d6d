// The ground truth the correlation is scored against: which records are the same machine and which traps each one hides, derived last from the machines and the rendered assets.
import { TRAPS } from './types.js';
import type { FleetTruth, IntuneTruth, IotAssetRecord, ManagedDeviceRecord, Trap } from './types.js';
import { macKind } from './macs.js';
import { STALE_AFTER_DAYS } from './shares.js';
import { DAY } from './time.js';
import type { Machine, SharedEthernet } from './model.js';

export function recordTruth(
  truth: FleetTruth,
  machines: Machine[],
  shared: readonly SharedEthernet[],
  iotAssets: readonly IotAssetRecord[],
  now: number,
): void {
  const sharedTrap = new Map(shared.map((s) => [s.mac, s.trap] as const));
  const assetIds = new Set(iotAssets.map((a) => a.deviceid));
  const identifying = (mac: string | null): mac is string => mac !== null && macKind(mac) === 'global' && !sharedTrap.has(mac);

  for (const m of machines) {
    if (m.registeredOnly) {
      truth.entraOnly.push({
        id: m.entraObjectId!,
        deviceId: m.entraDeviceId!,
        traps: m.stale ? ['entra-only', 'stale'] : ['entra-only'],
      });
      continue;
    }
    const own = [m.ethernet, m.wifi];
    const matchable = m.iotIds.filter((id) => own.includes(id) && identifying(id));
    const creatableMac = matchable.length > 0 ? null : (own.find((mac) => identifying(mac) && !assetIds.has(mac)) ?? null);
    const [current, superseded] = m.records;
    truth.intune.push(intuneTruth(now, m, current!, m.lastSyncAt, null, matchable, creatableMac, sharedTrap));
    if (superseded) {
      truth.intune.push(intuneTruth(now, m, superseded, m.supersededLastSyncAt, current!.id, [], null, sharedTrap));
    }
  }
}

function intuneTruth(
  now: number,
  m: Machine,
  record: ManagedDeviceRecord,
  lastSyncAt: number,
  supersededBy: string | null,
  matchable: string[],
  creatableMac: string | null,
  sharedTrap: ReadonlyMap<string, Trap>,
): IntuneTruth {
  const traps = new Set<Trap>();
  if (m.ethernet === null && m.wifi === null) traps.add('no-mac');
  for (const mac of [m.ethernet, m.wifi]) {
    if (mac === null) continue;
    const kind = macKind(mac);
    if (kind === 'randomized') traps.add('randomized-mac');
    if (kind === 'placeholder') traps.add('placeholder-mac');
    const shared = sharedTrap.get(mac);
    if (shared) traps.add(shared);
  }
  for (const raw of [record.ethernetMacAddress, record.wiFiMacAddress]) {
    if (raw !== null && !/^[0-9A-F]{12}$/.test(raw)) traps.add('mac-format');
  }
  if (m.ethernet !== null && matchable.includes(m.ethernet)) traps.add('ethernet-match');
  if (m.wifi !== null && matchable.includes(m.wifi)) traps.add('wifi-match');
  if (creatableMac !== null) traps.add('not-in-iot');
  if (now - lastSyncAt >= STALE_AFTER_DAYS * DAY) traps.add('stale');
  if (m.reenrolled) traps.add('intune-duplicate');
  if (m.hybridTwoEntra) traps.add('hybrid-two-entra');
  return {
    managedDeviceId: record.id,
    azureADDeviceId: m.entraDeviceId,
    iotDeviceIds: [...m.iotIds],
    matchableIotDeviceIds: matchable,
    creatableMac,
    supersededBy,
    ...(m.otherEntraDeviceIds.length > 0 ? { otherEntraDeviceIds: [...m.otherEntraDeviceIds] } : {}),
    traps: TRAPS.filter((trap) => traps.has(trap)),
  };
}
