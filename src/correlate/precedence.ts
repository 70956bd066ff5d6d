import type { EntraDevice } from '../sources/entra/types.js';
import type { ManagedDevice } from '../sources/intune/types.js';
import type { IotAsset } from '../sources/iot/types.js';
import { normalizeMac } from './mac.js';
import { ATTRIBUTE_NAMES, type AttributeName, type Attributes, type SourceKind } from './model.js';

export type Precedence = Record<AttributeName, readonly SourceKind[]>;

/**
 * Default: Intune first, then Entra, then IoT Security. Intune's agent reads the hardware itself and syncs
 * daily; Entra's copy of model/OS is written by the same agent but later; IoT Security guesses from traffic.
 */
export const DEFAULT_PRECEDENCE: Readonly<Precedence> = Object.freeze(
  Object.fromEntries(ATTRIBUTE_NAMES.map((name) => [name, ['intune', 'entra', 'iot'] as const])) as unknown as Precedence,
);

/** Parses `deviceName=entra,intune;model=iot,intune` into overrides; throws naming the bad part. */
export function parsePrecedence(spec: string): Partial<Precedence> {
  const out: Partial<Precedence> = {};
  for (const part of spec.split(';').map((p) => p.trim()).filter(Boolean)) {
    const [name, list] = part.split('=').map((s) => s?.trim());
    if (!name || !list || !(ATTRIBUTE_NAMES as readonly string[]).includes(name)) {
      throw new Error(`precedence: "${part}" is not attribute=source,source (attributes: ${ATTRIBUTE_NAMES.join(', ')})`);
    }
    const sources = list.split(',').map((s) => s.trim());
    for (const s of sources) if (!['entra', 'intune', 'iot'].includes(s)) throw new Error(`precedence: unknown source "${s}" in "${part}"`);
    out[name as AttributeName] = sources as SourceKind[];
  }
  return out;
}

export interface SourceRecords {
  entra: EntraDevice | undefined;
  intune: ManagedDevice | undefined;
  iot: IotAsset | undefined;
}

type Reader = Partial<Record<SourceKind, (r: SourceRecords) => unknown>>;

function text(v: unknown): string | null {
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' ? null : t;
}

function mac(v: unknown): string | null {
  const t = text(v);
  return t ? (normalizeMac(t) ?? t) : null;
}

function iotInterface(asset: IotAsset | undefined, kind: 'Wired' | 'Wireless'): string | null {
  if (!asset || asset.wire_or_wireless !== kind) return null;
  return normalizeMac(asset.mac_address ?? asset.deviceid);
}

/** Where each attribute lives in each source's record (exact wire names). */
const READERS: Record<AttributeName, Reader> = {
  deviceName: { intune: (r) => r.intune?.deviceName, entra: (r) => r.entra?.displayName, iot: (r) => r.iot?.hostname },
  osGroup: { intune: (r) => r.intune?.operatingSystem, entra: (r) => r.entra?.operatingSystem, iot: (r) => r.iot?.os_group },
  osVersion: { intune: (r) => r.intune?.osVersion, entra: (r) => r.entra?.operatingSystemVersion, iot: (r) => r.iot?.['os/firmware_version'] },
  ethernetMac: { intune: (r) => mac(r.intune?.ethernetMacAddress), iot: (r) => iotInterface(r.iot, 'Wired') },
  wifiMac: { intune: (r) => mac(r.intune?.wiFiMacAddress), iot: (r) => iotInterface(r.iot, 'Wireless') },
  userEmail: { intune: (r) => r.intune?.emailAddress },
  entraDeviceId: { intune: (r) => r.intune?.azureADDeviceId, entra: (r) => r.entra?.deviceId },
  enrollmentType: { intune: (r) => r.intune?.deviceEnrollmentType, entra: (r) => r.entra?.enrollmentType },
  userPrincipalName: { intune: (r) => r.intune?.userPrincipalName },
  model: { intune: (r) => r.intune?.model, entra: (r) => r.entra?.model, iot: (r) => r.iot?.model },
  manufacturer: { intune: (r) => r.intune?.manufacturer, entra: (r) => r.entra?.manufacturer, iot: (r) => r.iot?.vendor },
  serialNumber: { intune: (r) => r.intune?.serialNumber, iot: (r) => r.iot?.Serial_Number },
};

export function observedAt(source: SourceKind, r: SourceRecords): string | null {
  switch (source) {
    case 'intune':
      return r.intune?.lastSyncDateTime ?? null;
    case 'entra':
      return r.entra?.approximateLastSignInDateTime ?? r.entra?.registrationDateTime ?? null;
    case 'iot':
      return text(r.iot?.last_activity);
  }
}

/** Picks each attribute from the first source in precedence order that has a value, and keeps the others. */
export function resolveAttributes(records: SourceRecords, precedence: Precedence): Attributes {
  const out = {} as Attributes;
  for (const name of ATTRIBUTE_NAMES) {
    const candidates: Array<{ source: SourceKind; value: string }> = [];
    for (const source of precedence[name]) {
      const read = READERS[name][source];
      const value = read ? (name === 'ethernetMac' || name === 'wifiMac' ? (read(records) as string | null) : text(read(records))) : null;
      if (value) candidates.push({ source, value });
    }
    const [winner, ...rest] = candidates;
    out[name] = {
      value: winner?.value ?? null,
      source: winner?.source ?? null,
      observedAt: winner ? observedAt(winner.source, records) : null,
      alternatives: rest.filter((c) => c.value.toLowerCase() !== winner!.value.toLowerCase()),
    };
  }
  return out;
}
