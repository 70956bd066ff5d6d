import { createHash } from 'node:crypto';
import type { AttributeName, DeviceMac, MatchInfo, UnifiedDevice } from '../correlate/model.js';
import { ATTRIBUTE_NAMES } from '../correlate/model.js';
import type { IotAsset, IotBulkUpdateItem } from '../sources/iot/types.js';
import { storedKey, type IotAttributeMapping } from './mapping.js';

export type SkipReason =
  | 'shared-mac'
  | 'randomized-mac'
  | 'placeholder-mac'
  | 'no-mac'
  | 'ambiguous'
  | 'stale'
  | 'out-of-scope'
  | 'create-disabled';

export interface AttributeChange {
  attribute: AttributeName;
  iotAttribute: string;
  from: string | null;
  to: string;
}

export type PlanItem =
  | { action: 'update'; deviceId: string; iotDeviceId: string; changes: AttributeChange[] }
  | { action: 'create'; deviceId: string; iotDeviceId: string; changes: AttributeChange[] }
  | { action: 'skip'; deviceId: string; iotDeviceId: string | null; reason: SkipReason; detail: string };

export interface PlanCounts {
  updates: number;
  creates: number;
  skips: number;
  /** Matched assets whose attributes already agree: nothing to write. */
  unchanged: number;
  skipsByReason: Partial<Record<SkipReason, number>>;
}

export interface Plan {
  items: PlanItem[];
  counts: PlanCounts;
  /** Hash of the writes: two plans with the same fingerprint write the same thing. */
  fingerprint: string;
}

/**
 * What the plan reads of a device. A sync keeps this much of every device between the refresh and the writes,
 * rather than whole devices (their evidence, alternatives and search text weigh three times as much).
 */
export interface PlanDevice {
  id: string;
  sources: UnifiedDevice['sources'];
  iotDeviceIds: string[];
  /**
   * By ATTRIBUTE_NAMES position, the value a sync may write: the chosen value when Entra ID or Intune gave it, null
   * otherwise (only Entra/Intune knowledge flows into IoT Security; echoing IoT's own values back would be noise).
   */
  writable: Array<string | null>;
  /** The Intune MACs, the ones an asset can be created under. */
  intuneMacs: Array<Pick<DeviceMac, 'mac' | 'role' | 'class'>>;
  match: Pick<MatchInfo, 'status' | 'reason' | 'explanation'>;
  lastSeen: string | null;
}

export function toPlanDevice(device: UnifiedDevice): PlanDevice {
  return {
    id: device.id,
    sources: device.sources,
    iotDeviceIds: device.iotDeviceIds,
    writable: ATTRIBUTE_NAMES.map((name) => (device.attributes[name].source === 'iot' ? null : device.attributes[name].value)),
    intuneMacs: device.macs.filter((m) => m.source === 'intune').map(({ mac, role, class: cls }) => ({ mac, role, class: cls })),
    match: { status: device.match.status, reason: device.match.reason, explanation: device.match.explanation },
    lastSeen: device.lastSeen,
  };
}

export interface PlanOptions {
  mapping: IotAttributeMapping;
  createMissing: boolean;
  /** Devices outside the scope are skipped as out-of-scope; undefined means everything is in scope. */
  inScope?: (device: PlanDevice) => boolean;
  /** A device whose newest sighting is older than this is skipped as stale. */
  staleBefore?: string;
}

const REASON_OF: Record<string, SkipReason> = {
  'mac-shared': 'shared-mac',
  'only-randomized-mac': 'randomized-mac',
  'only-placeholder-mac': 'placeholder-mac',
  'no-mac': 'no-mac',
  'no-intune-record': 'no-mac',
};

/** The values we would write for a device: every mapped attribute that has a writable value. */
function desired(device: PlanDevice, mapping: IotAttributeMapping): Array<{ attribute: AttributeName; iotAttribute: string; value: string }> {
  const out: Array<{ attribute: AttributeName; iotAttribute: string; value: string }> = [];
  ATTRIBUTE_NAMES.forEach((attribute, i) => {
    const iotAttribute = mapping.attributes[attribute];
    const value = device.writable[i];
    if (iotAttribute && value !== null && value !== undefined) out.push({ attribute, iotAttribute, value });
  });
  return out;
}

function current(asset: IotAsset | undefined, mapping: IotAttributeMapping, iotAttribute: string): string | null {
  const v = asset?.[storedKey(mapping, iotAttribute)];
  return v === null || v === undefined ? null : String(v);
}

/** The identifying MAC a device can be created under: Ethernet before Wi-Fi, global and unshared only. */
function creatableMac(device: PlanDevice): string | null {
  for (const role of ['ethernet', 'wifi'] as const) {
    const m = device.intuneMacs.find((x) => x.role === role && x.class === 'global' && x.mac);
    if (m?.mac) return m.mac;
  }
  return null;
}

/**
 * What a sync would write, per IoT asset: UPDATE the attributes that differ (from → to), CREATE an asset for an
 * identifying MAC IoT Security lacks, or SKIP with the reason. Pure: the same inventory gives the same plan.
 */
export function planSync(devices: readonly PlanDevice[], iotAssets: ReadonlyMap<string, IotAsset>, options: PlanOptions): Plan {
  const items: PlanItem[] = [];
  let unchanged = 0;
  const skip = (device: PlanDevice, reason: SkipReason, detail: string, iotDeviceId: string | null = null): void => {
    items.push({ action: 'skip', deviceId: device.id, iotDeviceId, reason, detail });
  };

  for (const device of devices) {
    const inIntune = device.sources.includes('intune');
    if (device.match.status === 'ambiguous' && !inIntune) {
      skip(device, 'ambiguous', device.match.explanation, device.iotDeviceIds[0] ?? null);
      continue;
    }
    if (!inIntune) {
      if (device.sources.includes('entra')) skip(device, 'no-mac', device.match.explanation);
      continue; // IoT-only assets: nothing of ours to write
    }
    if (options.inScope && !options.inScope(device)) {
      skip(device, 'out-of-scope', 'outside the scope of this sync', device.iotDeviceIds[0] ?? null);
      continue;
    }
    if (options.staleBefore && (!device.lastSeen || device.lastSeen < options.staleBefore)) {
      skip(device, 'stale', `last seen ${device.lastSeen ?? 'never'}, before ${options.staleBefore}`, device.iotDeviceIds[0] ?? null);
      continue;
    }
    const want = desired(device, options.mapping);
    if (device.match.status === 'matched') {
      for (const iotDeviceId of device.iotDeviceIds) {
        const asset = iotAssets.get(iotDeviceId);
        const changes = want
          .map((w) => ({ attribute: w.attribute, iotAttribute: w.iotAttribute, from: current(asset, options.mapping, w.iotAttribute), to: w.value }))
          .filter((c) => c.from !== c.to);
        if (changes.length === 0) unchanged++;
        else items.push({ action: 'update', deviceId: device.id, iotDeviceId, changes });
      }
      continue;
    }
    if (device.match.reason === 'not-seen-by-iot') {
      const mac = creatableMac(device);
      if (!mac) skip(device, 'no-mac', 'no identifying MAC to create an asset with');
      else if (!options.createMissing) skip(device, 'create-disabled', `IoT Security has no asset for ${mac}; creating is turned off`, mac);
      else items.push({ action: 'create', deviceId: device.id, iotDeviceId: mac, changes: want.map((w) => ({ attribute: w.attribute, iotAttribute: w.iotAttribute, from: null, to: w.value })) });
      continue;
    }
    skip(device, REASON_OF[device.match.reason ?? ''] ?? 'ambiguous', device.match.explanation);
  }

  const counts: PlanCounts = { updates: 0, creates: 0, skips: 0, unchanged, skipsByReason: {} };
  for (const item of items) {
    if (item.action === 'update') counts.updates++;
    else if (item.action === 'create') counts.creates++;
    else {
      counts.skips++;
      counts.skipsByReason[item.reason] = (counts.skipsByReason[item.reason] ?? 0) + 1;
    }
  }
  return { items, counts, fingerprint: fingerprintOf(options.mapping.updateSource, items) };
}

/**
 * sha256 of `JSON.stringify([updateSource, [[action, iotDeviceId, [[iotAttribute, to], …]], …]])` over the writes,
 * fed to the hash one write at a time: at 100,000 devices the whole text would be some 70 MB, built and held at
 * once. The bytes hashed are the same, so plans fingerprinted before still compare.
 */
function fingerprintOf(updateSource: string, items: readonly PlanItem[]): string {
  const hash = createHash('sha256').update(`[${JSON.stringify(updateSource)},[`);
  let first = true;
  for (const i of items) {
    if (i.action === 'skip') continue;
    hash.update((first ? '' : ',') + JSON.stringify([i.action, i.iotDeviceId, i.changes.map((c) => [c.iotAttribute, c.to])]));
    first = false;
  }
  return hash.update(']]').digest('hex').slice(0, 32);
}

/** The bulkUpdate item for a write: the join key and the changed attributes. */
export function toBulkItem(item: Extract<PlanItem, { action: 'update' | 'create' }>): IotBulkUpdateItem {
  return { ...Object.fromEntries(item.changes.map((c) => [c.iotAttribute, c.to])), deviceid: item.iotDeviceId };
}
