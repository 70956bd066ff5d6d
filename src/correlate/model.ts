import type { MacClass } from './mac.js';

/**
 * The unified device: what the correlation produces, the store keeps and the GraphQL `Device` maps.
 * Pure data (JSON-serialisable), so a snapshot can be stored and compared.
 */

export type SourceKind = 'entra' | 'intune' | 'iot';

/** The twelve attributes IoT Security learns from Entra ID and Intune (the product's own list). */
export const ATTRIBUTE_NAMES = [
  'deviceName',
  'osGroup',
  'osVersion',
  'ethernetMac',
  'wifiMac',
  'userEmail',
  'entraDeviceId',
  'enrollmentType',
  'userPrincipalName',
  'model',
  'manufacturer',
  'serialNumber',
] as const;
export type AttributeName = (typeof ATTRIBUTE_NAMES)[number];

/** One attribute's chosen value and where it came from. */
export interface AttributeValue {
  value: string | null;
  source: SourceKind | null;
  /** When that source last saw the device (Intune lastSyncDateTime, Entra last sign-in, IoT last activity). */
  observedAt: string | null;
  /** Values the other sources hold, for the analyst who wonders why this one won. */
  alternatives: Array<{ source: SourceKind; value: string }>;
}

export type Attributes = Record<AttributeName, AttributeValue>;

export type MacRole = 'ethernet' | 'wifi' | 'iot';

export interface DeviceMac {
  /** Lower-case colon form; null when the raw value is not a MAC. */
  mac: string | null;
  raw: string;
  role: MacRole;
  /** `shared`: a global MAC found on more than one device in this snapshot (docks, dongles). */
  class: MacClass | 'shared';
  source: SourceKind;
  /** The source record holding it (Intune id or IoT deviceid). */
  recordId: string;
}

export type MatchRule = 'entra-intune-device-id' | 'entra-dual-state-name' | 'intune-iot-ethernet-mac' | 'intune-iot-wifi-mac' | 'intune-duplicate-device-id';

export interface MatchLink {
  rule: MatchRule;
  /** The key values that made the link, e.g. `{ mac: "a4:c3:…", iotDeviceId: "a4:c3:…" }`. */
  keys: Record<string, string>;
  confidence: 'high' | 'medium';
  /** Sentences an analyst can read. */
  evidence: string[];
}

export type MatchStatus =
  | 'matched' // joined Intune to at least one IoT asset
  | 'unmatched' // in Entra/Intune, no IoT asset found (see reason)
  | 'ambiguous' // candidates exist but could not be told apart; kept apart
  | 'iot-only'; // an IoT asset no Entra/Intune device claims

export type UnmatchedReason =
  | 'no-mac'
  | 'only-randomized-mac'
  | 'only-placeholder-mac'
  | 'mac-shared'
  | 'not-seen-by-iot'
  | 'no-intune-record'
  | 'static-ip-asset'
  | 'no-identifying-mac'
  | 'not-claimed';

export interface MatchInfo {
  status: MatchStatus;
  links: MatchLink[];
  reason: UnmatchedReason | null;
  /** A sentence saying why, for every status. */
  explanation: string;
}

export interface UnifiedDevice {
  /** Stable across refreshes: `entra:<deviceId>`, else `intune:<id>`, else `iot:<deviceid>`. */
  id: string;
  sources: SourceKind[];
  entraObjectIds: string[];
  entraDeviceId: string | null;
  /** The winning Intune record first; superseded re-enrolments after it. */
  intuneIds: string[];
  /** The primary IoT asset first (Ethernet before Wi-Fi). */
  iotDeviceIds: string[];
  attributes: Attributes;
  macs: DeviceMac[];
  match: MatchInfo;
  /** Most recent time any source saw the device. */
  lastSeen: string | null;
  /** Lower-cased text a filter searches: name, serial, UPN, MACs. */
  searchText: string;
}

export interface MacConflict {
  mac: string;
  deviceIds: string[];
  intuneIds: string[];
  iotDeviceId: string | null;
}

/**
 * A device the correlation has decided but not yet built: its id, everything its document is built from, and the
 * build. Building is pure, so the same `records` and `decisions` (under the same precedence) build the same device:
 * a caller that remembers them can tell an unchanged device without building it.
 */
export interface DeviceDraft {
  id: string;
  /** The source records it is built from, in a fixed order: Entra objects, the Intune record and those it superseded, IoT assets. */
  records: readonly object[];
  /** Everything else the build reads, as one string: how the records were joined, which of their MACs other devices share, and the match. */
  decisions: string;
  build(): UnifiedDevice;
}

export interface CorrelationResult {
  devices: UnifiedDevice[];
  macConflicts: MacConflict[];
}

export type MacClassValue = DeviceMac['class'];
export type Confidence = MatchLink['confidence'];
