// The in-between model every builder stage shares: a Machine (one physical device before it is rendered into records), the stage base class with the one random stream, and helpers more than one stage needs.
import type { Random } from './random.js';
import type { MacAllocator, MacStyle } from './macs.js';
import { PLACEHOLDER_MAC } from './macs.js';
import type { EntraDeviceRecord, FleetUser, ManagedDeviceRecord } from './types.js';
import type { Hardware, Platform, Site } from './catalog.js';
import { DAY } from './time.js';

/** One physical device, before it is rendered into records. */
export interface Machine {
  platform: Platform;
  hw: Hardware;
  /** A personal device registered in Entra only: no Intune record, never on the corporate wire. */
  registeredOnly: boolean;
  user: FleetUser | null;
  site: Site;
  deviceName: string;
  serialNumber: string;
  intuneOs: string;
  entraOs: string;
  trustType: EntraDeviceRecord['trustType'];
  enrollmentType: string;
  managementAgent: string;
  ownerType: 'company' | 'personal';
  managedNameToken: string;
  isSupervised: boolean;
  /** False for shared iPads enrolled without a user: Intune only, no Entra object. */
  hasEntra: boolean;
  /** Android dedicated devices: the Entra object never records an interactive sign-in. */
  neverSignsIn: boolean;
  ethernet: string | null;
  wifi: string | null;
  ethernetStyle: MacStyle;
  wifiStyle: MacStyle;
  /** Ethernet MAC belongs to a hot-desk dock or a moved dongle: its IoT asset is not this machine's. */
  sharedEthernet: boolean;
  dongleRole: 'previous' | 'current' | null;
  stale: boolean;
  unseen: boolean;
  hybridTwoEntra: boolean;
  reenrolled: boolean;
  facts: HardwareFacts;
  // Set when planned and rendered:
  osVersion: string;
  compliance: ManagedDeviceRecord['complianceState'];
  enrolledAt: number;
  /** Enrolment of the first (superseded) record of a re-enrolled machine; equals enrolledAt otherwise. */
  firstEnrolledAt: number;
  lastSyncAt: number;
  /** Last sync of the superseded record of a re-enrolled machine, just before it was wiped. */
  supersededLastSyncAt: number;
  registeredAt: number;
  lastSignInAt: number | null;
  entraDeviceId: string | null;
  otherEntraDeviceIds: string[];
  /** Current record first, then the superseded one of a re-enrolled machine. */
  records: ManagedDeviceRecord[];
  entraObjectId: string | null;
  iotIds: string[];
}

export interface HardwareFacts {
  imei: string;
  iccid: string;
  phoneNumber: string;
  udid: string;
  notes: string | null;
  physicalMemoryInBytes: number;
  totalStorageSpaceInBytes: number;
  freeStorageSpaceInBytes: number;
  deviceCategory: string;
  isEncrypted: boolean;
}

export interface SharedEthernet {
  mac: string;
  machines: Machine[];
  trap: 'dock-shared-mac' | 'usb-dongle-moved';
}

/** What every stage of one generation shares. Every draw comes from the one `rng`, so the order of stages is part of the fleet's identity. */
export interface FleetContext {
  readonly rng: Random;
  readonly macs: MacAllocator;
  readonly size: number;
  readonly now: number;
}

/** Base of the builder stages: the shared context as fields, so stage code reads `this.rng`, `this.now` and so on. */
export abstract class FleetStage {
  protected readonly rng: Random;
  protected readonly macs: MacAllocator;
  protected readonly size: number;
  protected readonly now: number;

  constructor(context: FleetContext) {
    this.rng = context.rng;
    this.macs = context.macs;
    this.size = context.size;
    this.now = context.now;
  }

  protected daysAgo(minDays: number, maxDays: number): number {
    return this.now - this.rng.int(minDays, maxDays) * DAY - this.rng.int(0, 86_399) * 1000;
  }
}

/** Interfaces IoT Security could see this machine on; a dock's or dongle's MAC is the dock's, not the machine's. */
export function ownInterfaces(m: Machine): Array<{ mac: string; wired: boolean }> {
  const own: Array<{ mac: string; wired: boolean }> = [];
  if (m.ethernet !== null && !m.sharedEthernet) own.push({ mac: m.ethernet, wired: true });
  if (m.wifi !== null && m.wifi !== PLACEHOLDER_MAC) own.push({ mac: m.wifi, wired: false });
  return own;
}

export function atLeast(minimum: number, value: number): number {
  return Math.max(minimum, Math.round(value));
}
