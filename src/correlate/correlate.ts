import type { EntraDevice } from '../sources/entra/types.js';
import type { ManagedDevice } from '../sources/intune/types.js';
import type { IotAsset } from '../sources/iot/types.js';
import { classifyMac, isIpv4, normalizeMac, type MacClass } from './mac.js';
import type { CorrelationResult, DeviceDraft, DeviceMac, MacConflict, MatchInfo, MatchLink, SourceKind, UnifiedDevice } from './model.js';
import { DEFAULT_PRECEDENCE, observedAt, resolveAttributes, type Precedence } from './precedence.js';

export interface CorrelationStream {
  devices: Iterable<UnifiedDevice>;
  /** The same devices, unbuilt, in the same order. */
  drafts: Iterable<DeviceDraft>;
  deviceCount: number;
  macConflicts: MacConflict[];
}

export interface CorrelationInput {
  entra: readonly EntraDevice[];
  /** Intune records with the LIST-null fields (ethernetMacAddress) already filled where known. */
  intune: readonly ManagedDevice[];
  iot: readonly IotAsset[];
  precedence?: Partial<Precedence>;
}

/** One physical machine as Intune knows it: the most recently synced record and the re-enrolments it replaced. */
interface IntuneGroup {
  winner: ManagedDevice;
  superseded: ManagedDevice[];
  macs: Array<{ role: 'ethernet' | 'wifi'; raw: string; mac: string | null; class: MacClass }>;
}

const lower = (s: string | null | undefined): string => (s ?? '').toLowerCase();
/** Code-point order: deterministic and far cheaper than localeCompare over 100,000 records. */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function newest(a: ManagedDevice, b: ManagedDevice): number {
  return compare(lower(b.lastSyncDateTime), lower(a.lastSyncDateTime)) || compare(lower(b.enrolledDateTime), lower(a.enrolledDateTime)) || compare(a.id, b.id);
}

/** Several Intune records naming one Entra device are one machine re-enrolled: the newest sync wins. */
function groupIntune(records: readonly ManagedDevice[]): IntuneGroup[] {
  const byAad = new Map<string, ManagedDevice[]>();
  const groups: IntuneGroup[] = [];
  for (const r of records) {
    const key = lower(r.azureADDeviceId);
    if (!key) groups.push({ winner: r, superseded: [], macs: [] });
    else append(byAad, key, r);
  }
  for (const list of byAad.values()) {
    const [winner, ...superseded] = [...list].sort(newest);
    groups.push({ winner: winner!, superseded, macs: [] });
  }
  for (const g of groups) {
    for (const [role, raw] of [['ethernet', g.winner.ethernetMacAddress], ['wifi', g.winner.wiFiMacAddress]] as const) {
      if (typeof raw === 'string' && raw.trim() !== '') g.macs.push({ role, raw, mac: normalizeMac(raw), class: classifyMac(raw) });
    }
  }
  return groups;
}

/** Global MACs that sit on more than one machine (dock pass-through, moved dongles): they identify none of them. */
function findSharedMacs(groups: readonly IntuneGroup[]): Map<string, IntuneGroup[]> {
  const owners = new Map<string, Set<IntuneGroup>>();
  for (const g of groups) {
    for (const m of g.macs) if (m.mac && m.class === 'global') owners.set(m.mac, (owners.get(m.mac) ?? new Set()).add(g));
  }
  const shared = new Map<string, IntuneGroup[]>();
  for (const [mac, set] of owners) if (set.size > 1) shared.set(mac, [...set]);
  return shared;
}

/** `name` as IoT Security keys its asset: the normalised MAC, or the IP of a static-IP asset. */
function iotKey(asset: IotAsset): string {
  return normalizeMac(asset.deviceid) ?? asset.deviceid.trim().toLowerCase();
}

/** At most three names, so a placeholder MAC reported by thousands of phones still makes a readable sentence. */
function describeNames(names: readonly string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

function unifiedId(group: IntuneGroup | undefined, entra: EntraDevice | undefined, iot: IotAsset | undefined): string {
  const aad = lower(group?.winner.azureADDeviceId) || lower(entra?.deviceId);
  if (aad) return `entra:${aad}`;
  if (group) return `intune:${group.winner.id}`;
  if (entra) return `entra-object:${entra.id}`;
  return `iot:${iotKey(iot!)}`;
}

/** The MAC an IoT asset reports: its mac_address, else its deviceid (the raw text, not yet normalised). */
function assetMacText(asset: IotAsset): string {
  return asset.mac_address || asset.deviceid;
}

function macsOf(group: IntuneGroup | undefined, assets: readonly IotAsset[], shared: Map<string, IntuneGroup[]>): DeviceMac[] {
  const out: DeviceMac[] = [];
  for (const m of group?.macs ?? []) {
    out.push({ mac: m.mac, raw: m.raw, role: m.role, class: m.mac && shared.has(m.mac) ? 'shared' : m.class, source: 'intune', recordId: group!.winner.id });
  }
  for (const a of assets) {
    const raw = assetMacText(a);
    const mac = normalizeMac(raw);
    if (!mac) continue;
    const cls = classifyMac(mac);
    out.push({ mac, raw, role: 'iot', class: shared.has(mac) && cls === 'global' ? 'shared' : cls, source: 'iot', recordId: a.deviceid });
  }
  return out;
}

function hostnameEvidence(device: ManagedDevice, asset: IotAsset): { sentence: string; agrees: boolean } {
  const host = (asset.hostname ?? '').trim();
  if (!host) return { sentence: 'IoT Security has no hostname for the asset', agrees: true };
  const agrees = lower(host) === lower(device.deviceName) || lower(host).split('.')[0] === lower(device.deviceName);
  return {
    sentence: agrees ? `IoT hostname "${host}" equals the Intune device name` : `IoT hostname "${host}" differs from the Intune device name "${device.deviceName ?? ''}"`,
    agrees,
  };
}

function unmatchedInfo(group: IntuneGroup, shared: Map<string, IntuneGroup[]>): MatchInfo {
  const identifying = group.macs.filter((m) => m.class === 'global' && m.mac && !shared.has(m.mac));
  const sharedOnes = group.macs.filter((m) => m.mac && shared.has(m.mac));
  const name = group.winner.deviceName ?? group.winner.id;
  if (identifying.length > 0) {
    return {
      status: 'unmatched',
      links: [],
      reason: 'not-seen-by-iot',
      explanation: `IoT Security has no asset with ${identifying.map((m) => `${m.role} MAC ${m.mac}`).join(' or ')}; "${name}" can be created there`,
    };
  }
  if (sharedOnes.length > 0) {
    const m = sharedOnes[0]!;
    return {
      status: 'unmatched',
      links: [],
      reason: 'mac-shared',
      explanation: `${m.role} MAC ${m.mac} is reported by ${shared.get(m.mac!)!.length} Intune devices (a dock or moved adapter), so it identifies none of them`,
    };
  }
  const classes = new Set(group.macs.map((m) => m.class));
  if (classes.has('randomized')) {
    return { status: 'unmatched', links: [], reason: 'only-randomized-mac', explanation: `"${name}" reports only a randomized (locally administered) MAC, which changes per network and cannot identify it` };
  }
  if (classes.has('placeholder')) {
    return { status: 'unmatched', links: [], reason: 'only-placeholder-mac', explanation: `"${name}" reports only a placeholder MAC (such as 02:00:00:00:00:00) that many devices share` };
  }
  const bad = group.macs.find((m) => m.class === 'invalid' || m.class === 'multicast');
  return {
    status: 'unmatched',
    links: [],
    reason: 'no-mac',
    explanation: bad ? `"${name}" reports "${bad.raw}", which is not a usable unicast MAC` : `Intune reports no MAC for "${name}"`,
  };
}

/** What step 1 and 2 of the correlation joined to one Intune machine. */
interface GroupJoins {
  /** Entra objects: first those whose deviceId the Intune record names (`byDeviceId` of them), then dual-state ones. */
  entra: EntraDevice[];
  byDeviceId: number;
  assets: IotAsset[];
  /** The MAC that joined each asset, in the same order. */
  assetMacs: IntuneGroup['macs'];
}

/** The links an analyst reads for a machine, in the order they were found, with their evidence. */
function linksOf(g: IntuneGroup, joins: GroupJoins): MatchLink[] {
  const links: MatchLink[] = [];
  for (const e of joins.entra.slice(0, joins.byDeviceId)) {
    links.push({
      rule: 'entra-intune-device-id',
      keys: { deviceId: e.deviceId ?? '', intuneId: g.winner.id },
      confidence: 'high',
      evidence: [`Intune azureADDeviceId ${g.winner.azureADDeviceId} is the Entra deviceId of "${e.displayName ?? e.id}"`],
    });
  }
  for (const old of g.superseded) {
    links.push({
      rule: 'intune-duplicate-device-id',
      keys: { deviceId: lower(g.winner.azureADDeviceId), intuneId: old.id },
      confidence: 'high',
      evidence: [`older Intune record ${old.id} (last sync ${old.lastSyncDateTime ?? 'never'}) names the same Entra device; kept as a duplicate of ${g.winner.id}`],
    });
  }
  joins.assets.forEach((asset, i) => {
    const m = joins.assetMacs[i]!;
    const host = hostnameEvidence(g.winner, asset);
    links.push({
      rule: m.role === 'ethernet' ? 'intune-iot-ethernet-mac' : 'intune-iot-wifi-mac',
      keys: { mac: m.mac!, iotDeviceId: asset.deviceid, intuneId: g.winner.id },
      confidence: host.agrees ? 'high' : 'medium',
      evidence: [
        `Intune ${m.role} MAC "${m.raw}" normalises to ${m.mac}, the deviceid of an IoT asset`,
        `${m.mac} is a globally administered unicast MAC reported by no other Intune device`,
        host.sentence,
      ],
    });
  });
  for (const e of joins.entra.slice(joins.byDeviceId)) {
    links.push({
      rule: 'entra-dual-state-name',
      keys: { displayName: e.displayName!, entraObjectId: e.id },
      confidence: 'medium',
      evidence: [`Workplace-registered Entra object "${e.displayName}" has the name and OS of a hybrid-joined device and no Intune record of its own (dual state)`],
    });
  }
  return links;
}

/**
 * Joins the three inventories. Pure: no I/O, same input → same output (order included).
 * Rules: Entra ↔ Intune by deviceId = azureADDeviceId; Intune ↔ IoT by MAC, Ethernet before Wi-Fi, only on a
 * MAC that identifies one machine (global, not shared). Anything ambiguous is kept apart and says why.
 */
export function correlate(input: CorrelationInput): CorrelationResult {
  const stream = correlateLazily(input);
  return { devices: [...stream.devices], macConflicts: stream.macConflicts };
}

/**
 * `correlate`, with the devices built one at a time as they are iterated: a caller that stores each device and
 * lets it go never holds 100,000 of them at once (a device weighs more than its three source records together).
 * The joins are decided up front; iterating twice builds the same devices twice.
 */
export function correlateLazily(input: CorrelationInput): CorrelationStream {
  const precedence: Precedence = { ...DEFAULT_PRECEDENCE, ...input.precedence };
  const groups = groupIntune(input.intune).sort((a, b) => compare(a.winner.id, b.winner.id));
  const shared = findSharedMacs(groups);

  const entraByDeviceId = new Map<string, EntraDevice[]>();
  for (const e of input.entra) if (e.deviceId) append(entraByDeviceId, lower(e.deviceId), e);
  const iotByKey = new Map<string, IotAsset>();
  for (const a of input.iot) iotByKey.set(iotKey(a), a);

  const usedEntra = new Set<string>();
  const usedIot = new Set<string>();

  // 1. Every Intune machine, with its Entra objects and the IoT assets its identifying MACs name. Only the
  // joins are kept here; the links and their sentences are written when the device is built (linksOf), so a
  // caller streaming the devices never holds 100,000 devices' worth of evidence at once.
  const groupLinks = new Map<IntuneGroup, GroupJoins>();
  for (const g of groups) {
    const entra = entraByDeviceId.get(lower(g.winner.azureADDeviceId)) ?? [];
    for (const e of entra) usedEntra.add(e.id);
    const assets: IotAsset[] = [];
    const assetMacs: GroupJoins['assetMacs'] = [];
    for (const m of g.macs) {
      if (m.class !== 'global' || !m.mac || shared.has(m.mac)) continue;
      const asset = iotByKey.get(m.mac);
      if (!asset || usedIot.has(asset.deviceid)) continue;
      usedIot.add(asset.deviceid);
      assets.push(asset);
      assetMacs.push(m);
    }
    groupLinks.set(g, { entra: [...entra], byDeviceId: entra.length, assets, assetMacs });
  }

  // 2. Dual-state machines: hybrid-joined, and also registered (Workplace) by the user under the same name.
  const hybridByName = new Map<string, IntuneGroup[]>();
  for (const [g, { entra }] of groupLinks) {
    for (const e of entra) if (e.trustType === 'ServerAd' && e.displayName) append(hybridByName, lower(e.displayName), g);
  }
  const ambiguousEntra = new Map<string, string>();
  for (const e of input.entra) {
    if (usedEntra.has(e.id) || e.trustType !== 'Workplace' || !e.displayName) continue;
    const candidates = (hybridByName.get(lower(e.displayName)) ?? []).filter((g) => lower(g.winner.operatingSystem) === lower(e.operatingSystem));
    if (candidates.length === 1) {
      groupLinks.get(candidates[0]!)!.entra.push(e);
      usedEntra.add(e.id);
    } else if (candidates.length > 1) {
      ambiguousEntra.set(e.id, `${candidates.length} hybrid-joined devices are named "${e.displayName}"; the registration is kept apart`);
    }
  }

  const idOf = (g: IntuneGroup): string => {
    const { entra, assets } = groupLinks.get(g)!;
    const primaryEntra = entra.find((e) => lower(e.deviceId) === lower(g.winner.azureADDeviceId)) ?? entra[0];
    return unifiedId(g, primaryEntra, assets[0]);
  };

  function* intuneDevices(): Generator<DeviceDraft> {
    for (const g of groups) {
      const joins = groupLinks.get(g)!;
      const { entra, assets } = joins;
      const sources: SourceKind[] = [...(entra.length ? (['entra'] as const) : []), 'intune', ...(assets.length ? (['iot'] as const) : [])];
      // The links (and their sentences) are written only if the device is built; the rule names come from the joins.
      const match: MatchInfo = assets.length
        ? {
            status: 'matched',
            links: [],
            reason: null,
            explanation: `matched to IoT asset${assets.length > 1 ? 's' : ''} ${assets.map((a) => a.deviceid).join(', ')} by ${joins.assetMacs.map((m) => `${m.role} MAC`).join(' and ')}`,
          }
        : unmatchedInfo(g, shared);
      yield draft(idOf(g), sources, entra, joins.byDeviceId, g, assets, match, () => linksOf(g, joins), shared, precedence);
    }
  }

  // 3. Entra devices no Intune record names.
  function* entraOnlyDevices(): Generator<DeviceDraft> {
    for (const e of input.entra) {
      if (usedEntra.has(e.id)) continue;
      const ambiguity = ambiguousEntra.get(e.id);
      const match: MatchInfo = ambiguity
        ? { status: 'ambiguous', links: [], reason: 'no-intune-record', explanation: ambiguity }
        : { status: 'unmatched', links: [], reason: 'no-intune-record', explanation: `"${e.displayName ?? e.id}" is registered in Entra ID without an Intune record, so no MAC is known for it` };
      yield draft(unifiedId(undefined, e, undefined), ['entra'], [e], 1, undefined, [], match, () => [], shared, precedence);
    }
  }

  // 4. IoT assets no machine claims.
  // Who else reports the MAC of an asset nobody claimed; only those MACs are worth a list of names.
  const unclaimedMacs = new Set(input.iot.flatMap((a) => (usedIot.has(a.deviceid) ? [] : [normalizeMac(a.deviceid) ?? ''])));
  const claimants = new Map<string, string[]>();
  for (const g of groups) for (const m of g.macs) if (m.mac && unclaimedMacs.has(m.mac)) append(claimants, m.mac, g.winner.deviceName ?? g.winner.id);
  function* iotOnlyDevices(): Generator<DeviceDraft> {
    for (const a of input.iot) {
      if (usedIot.has(a.deviceid)) continue;
      const key = iotKey(a);
      const mac = normalizeMac(a.deviceid);
      let match: MatchInfo;
      if (!mac && isIpv4(key)) {
        match = { status: 'iot-only', links: [], reason: 'static-ip-asset', explanation: `a static-IP asset keyed by ${key}: there is no MAC to match on` };
      } else if (mac && shared.has(mac)) {
        match = {
          status: 'ambiguous',
          links: [],
          reason: 'mac-shared',
          explanation: `${mac} is reported by ${shared.get(mac)!.length} Intune devices (${describeNames(shared.get(mac)!.map((g) => g.winner.deviceName ?? g.winner.id))}); the asset is kept apart`,
        };
      } else if (mac && claimants.has(mac)) {
        match = {
          status: 'iot-only',
          links: [],
          reason: 'no-identifying-mac',
          explanation: `${mac} is a ${classifyMac(mac)} MAC also reported by ${describeNames(claimants.get(mac)!)}; such a MAC does not identify one device`,
        };
      } else {
        match = { status: 'iot-only', links: [], reason: 'not-claimed', explanation: 'no Entra ID or Intune device reports this MAC' };
      }
      yield draft(unifiedId(undefined, undefined, a), ['iot'], [], 0, undefined, [a], match, () => [], shared, precedence);
    }
  }

  const macConflicts: MacConflict[] = [...shared]
    .map(([mac, gs]) => ({
      mac,
      deviceIds: gs.map(idOf).sort(),
      intuneIds: gs.map((g) => g.winner.id).sort(),
      iotDeviceId: iotByKey.get(mac)?.deviceid ?? null,
    }))
    .sort((a, b) => compare(a.mac, b.mac));

  const entraOnly = input.entra.reduce((n, e) => (usedEntra.has(e.id) ? n : n + 1), 0);
  const iotOnly = input.iot.reduce((n, a) => (usedIot.has(a.deviceid) ? n : n + 1), 0);
  const drafts: Iterable<DeviceDraft> = {
    *[Symbol.iterator]() {
      yield* intuneDevices();
      yield* entraOnlyDevices();
      yield* iotOnlyDevices();
    },
  };
  return {
    devices: {
      *[Symbol.iterator]() {
        for (const d of drafts) yield d.build();
      },
    },
    drafts,
    deviceCount: groups.length + entraOnly + iotOnly,
    macConflicts,
  };
}

/**
 * The device, unbuilt. `decisions` names every argument of `build` that is not a source record: a change in any of
 * them must change the string, or a caller remembering drafts would keep a stale device. `links` are made from the
 * records and the counts named there (linksOf), so they need no place of their own.
 */
function draft(
  id: string,
  sources: SourceKind[],
  entra: EntraDevice[],
  byDeviceId: number,
  group: IntuneGroup | undefined,
  assets: IotAsset[],
  match: MatchInfo,
  links: () => MatchLink[],
  shared: Map<string, IntuneGroup[]>,
  precedence: Precedence,
): DeviceDraft {
  const records: object[] = [...entra];
  if (group) records.push(group.winner, ...group.superseded);
  records.push(...assets);
  const sharedMacs = [...(group?.macs ?? []).map((m) => m.mac), ...assets.map((a) => normalizeMac(assetMacText(a)))].filter((mac) => mac !== null && shared.has(mac));
  const decisions = JSON.stringify([id, sources, entra.length, byDeviceId, group ? group.superseded.length : -1, assets.length, sharedMacs, match.status, match.reason, match.explanation]);
  return { id, records, decisions, build: () => build(id, sources, entra, group, assets, { ...match, links: links() }, shared, precedence) };
}

function build(
  id: string,
  sources: SourceKind[],
  entra: EntraDevice[],
  group: IntuneGroup | undefined,
  assets: IotAsset[],
  match: MatchInfo,
  shared: Map<string, IntuneGroup[]>,
  precedence: Precedence,
): UnifiedDevice {
  const primaryEntra = entra.find((e) => group && lower(e.deviceId) === lower(group.winner.azureADDeviceId)) ?? entra[0];
  const records = { entra: primaryEntra, intune: group?.winner, iot: assets[0] };
  const attributes = resolveAttributes(records, precedence);
  const macs = macsOf(group, assets, shared);
  const seen = (['intune', 'entra', 'iot'] as const).map((s) => observedAt(s, records)).filter((t): t is string => !!t);
  const searchText = [
    attributes.deviceName.value,
    ...attributes.deviceName.alternatives.map((a) => a.value),
    attributes.serialNumber.value,
    attributes.userPrincipalName.value,
    ...macs.flatMap((m) => (m.mac ? [m.mac, m.mac.replace(/:/g, '')] : [])),
  ]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
  return {
    id,
    sources,
    entraObjectIds: entra.map((e) => e.id),
    entraDeviceId: primaryEntra?.deviceId ?? group?.winner.azureADDeviceId ?? null,
    intuneIds: group ? [group.winner.id, ...group.superseded.map((s) => s.id)] : [],
    iotDeviceIds: assets.map((a) => a.deviceid),
    attributes,
    macs,
    match,
    lastSeen: seen.sort().at(-1) ?? null,
    searchText,
  };
}
