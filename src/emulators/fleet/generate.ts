import { TRAPS } from './types.js';
import type {
  EntraDeviceRecord,
  Fleet,
  FleetTruth,
  FleetUser,
  IntuneTruth,
  IotAssetRecord,
  ManagedDeviceRecord,
  Trap,
} from './types.js';
import { Random } from './random.js';
import { MacAllocator, PLACEHOLDER_MAC, UNUSUAL_INTUNE_STYLES, formatMac, macKind } from './macs.js';
import type { MacStyle, OuiVendor } from './macs.js';

/**
 * A deterministic, realistic tenant: Entra devices, Intune managed devices and IoT Security assets, plus the ground
 * truth of which records are the same machine. `size` counts physical end-user machines: every machine is either one
 * current Intune record (a re-enrolled machine's older record does not count again) or one Entra-only registration
 * (truth.entraOnly). IoT-only assets (printers, cameras, …) come on top. Same (seed, size, now) → the same fleet.
 */
export interface GenerateFleetOptions {
  seed?: number;
  size?: number;
  /** The fleet's "today": every timestamp is derived from it. Default: start of the current UTC day. */
  now?: Date;
}

export const MAX_FLEET_SIZE = 250_000;

/** Shares of `size`. Entra-only devices are personal registrations without Intune. */
export const PLATFORM_SHARES = [
  ['windows', 0.57],
  ['macos', 0.1],
  ['ios', 0.15],
  ['android', 0.13],
  ['entraOnly', 0.05],
] as const;

/** What Intune says a Mac's or mobile's Wi-Fi MAC is: the hardware address, a private one, the placeholder, none. */
export const WIFI_SHARES = {
  macos: [['hardware', 0.8], ['randomized', 0.2]],
  ios: [['hardware', 0.55], ['randomized', 0.35], ['none', 0.1]],
  android: [['hardware', 0.4], ['randomized', 0.25], ['placeholder', 0.25], ['none', 0.1]],
} as const;

/** How many of each planted situation, as a share of `size` (docks and dongles are counted per device). */
export const SCENARIO_SHARES = {
  hotDeskDocks: 0.006, // each shared by 2–4 laptops
  movedDongles: 0.003, // each on 2 laptops
  hybridTwoEntra: 0.02,
  intuneDuplicate: 0.02,
  stale: 0.05,
  notInIot: 0.15,
  iotOnly: 0.15,
} as const;
/** Share of all Intune MAC values rendered in an unusual format. */
export const MAC_FORMAT_SHARE = 0.03;
/** Share of IoT-only assets keyed by IP address. */
export const STATIC_IP_SHARE = 0.05;

const STALE_AFTER_DAYS = 90;
const DAY = 86_400_000;
const INTUNE_APP_ID = '0000000a-0000-0000-c000-000000000000';
const DOMAIN = 'contoso.com';

export function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

export function generateFleet(options: GenerateFleetOptions = {}): Fleet {
  const seed = options.seed ?? 1;
  const size = options.size ?? 2000;
  const now = options.now ?? startOfUtcDay(new Date());
  if (!Number.isSafeInteger(seed)) throw new RangeError(`generateFleet: seed must be an integer, got ${seed}`);
  if (!Number.isInteger(size) || size < 0 || size > MAX_FLEET_SIZE) {
    throw new RangeError(`generateFleet: size must be an integer from 0 to ${MAX_FLEET_SIZE}, got ${size}`);
  }
  if (Number.isNaN(now.getTime())) throw new RangeError('generateFleet: now is not a valid date');
  const fleet = new FleetBuilder(seed, size, now.getTime()).build();
  return { origin: { kind: 'generated', seed, size, now: now.toISOString() }, ...fleet };
}

// ---------------------------------------------------------------------------------------------------------------
// Catalogue: sites, address plan, hardware, operating systems, names

interface Site {
  name: string;
  code: string;
  /** Second octet of the site's 10.x addresses; a site may grow into the next nine. */
  octet: number;
  weight: number;
}

const SITES: readonly Site[] = [
  { name: 'Seattle HQ', code: 'SEA', octet: 20, weight: 40 },
  { name: 'Boston Clinic', code: 'BOS', octet: 30, weight: 20 },
  { name: 'London Office', code: 'LON', octet: 40, weight: 20 },
  { name: 'Munich Plant', code: 'MUC', octet: 50, weight: 12 },
  { name: 'Singapore Office', code: 'SIN', octet: 60, weight: 8 },
];
const SITE_WEIGHTS = SITES.map((site) => [site, site.weight] as const);

type Segment = 'wired' | 'wireless' | 'printers' | 'voice' | 'cameras' | 'medical' | 'ot' | 'facility' | 'av';

/** Third-octet ranges per segment: /24s from `third` for `blocks` subnets, one VLAN per segment. */
const SEGMENTS: Record<Segment, { third: number; blocks: number; vlan: number }> = {
  wired: { third: 0, blocks: 64, vlan: 110 },
  wireless: { third: 64, blocks: 64, vlan: 120 },
  printers: { third: 128, blocks: 16, vlan: 130 },
  voice: { third: 144, blocks: 16, vlan: 140 },
  cameras: { third: 160, blocks: 16, vlan: 150 },
  medical: { third: 176, blocks: 16, vlan: 160 },
  ot: { third: 192, blocks: 32, vlan: 170 },
  facility: { third: 224, blocks: 16, vlan: 180 },
  av: { third: 240, blocks: 8, vlan: 190 },
};
const HOSTS_PER_SUBNET = 240; // .10–.249: the rest is gateways, DHCP helpers and broadcast

/** Hands out addresses in order, per site and segment, so no two assets share an IP (static-IP ids must be unique). */
class AddressPlan {
  private readonly issued = new Map<string, number>();

  allocate(site: Site, segment: Segment): { ip: string; subnet: string; vlan: string } {
    const key = `${site.code}/${segment}`;
    const index = this.issued.get(key) ?? 0;
    this.issued.set(key, index + 1);
    const plan = SEGMENTS[segment];
    const block = Math.floor(index / HOSTS_PER_SUBNET);
    const second = site.octet + Math.floor(block / plan.blocks);
    if (second >= site.octet + 10) throw new RangeError(`address plan exhausted for ${site.name} ${segment}`);
    const third = plan.third + (block % plan.blocks);
    return {
      ip: `10.${second}.${third}.${10 + (index % HOSTS_PER_SUBNET)}`,
      subnet: `10.${second}.${third}.0/24`,
      vlan: String(plan.vlan),
    };
  }
}

type Platform = 'windows' | 'macos' | 'ios' | 'android';
type Form = 'laptop' | 'desktop' | 'phone' | 'tablet';
type SerialStyle = 'dell' | 'lenovo' | 'hp' | 'surface' | 'apple' | 'samsung' | 'pixel';

interface Hardware {
  manufacturer: string; // as Intune reports it
  model: string;
  /** Marketing name: Android's device name and IoT's model. */
  name?: string;
  vendor: string; // as IoT Security profiles it
  form: Form;
  /** OUI of a built-in RJ45 port; null when the machine has none. */
  ethernet: OuiVendor | null;
  wifi: OuiVendor;
  /** Desktops often have no Wi-Fi card. */
  wifiChance: number;
  cellularChance: number;
  serial: SerialStyle;
  memoryGiB: readonly number[];
  storageGB: readonly number[];
}

function hw(spec: Omit<Hardware, 'wifiChance' | 'cellularChance'> & Partial<Hardware>): Hardware {
  return { wifiChance: 1, cellularChance: 0, ...spec };
}

const PC_MEMORY = [8, 16, 16, 32] as const;
const PC_STORAGE = [256, 512, 512, 1024] as const;

const WINDOWS_HARDWARE: ReadonlyArray<readonly [Hardware, number]> = [
  [hw({ manufacturer: 'Dell Inc.', model: 'Latitude 5540', vendor: 'Dell', form: 'laptop', ethernet: 'dell', wifi: 'intelWifi', serial: 'dell', memoryGiB: PC_MEMORY, storageGB: PC_STORAGE }), 10],
  [hw({ manufacturer: 'Dell Inc.', model: 'Latitude 7440', vendor: 'Dell', form: 'laptop', ethernet: null, wifi: 'intelWifi', serial: 'dell', memoryGiB: PC_MEMORY, storageGB: PC_STORAGE }), 9],
  [hw({ manufacturer: 'Dell Inc.', model: 'Latitude 5450', vendor: 'Dell', form: 'laptop', ethernet: 'dell', wifi: 'intelWifi', serial: 'dell', memoryGiB: PC_MEMORY, storageGB: PC_STORAGE }), 6],
  [hw({ manufacturer: 'Dell Inc.', model: 'OptiPlex 7010', vendor: 'Dell', form: 'desktop', ethernet: 'dell', wifi: 'intelWifi', wifiChance: 0.3, serial: 'dell', memoryGiB: PC_MEMORY, storageGB: PC_STORAGE }), 6],
  [hw({ manufacturer: 'Dell Inc.', model: 'Precision 3680 Tower', vendor: 'Dell', form: 'desktop', ethernet: 'dell', wifi: 'intelWifi', wifiChance: 0, serial: 'dell', memoryGiB: [32, 64], storageGB: [1024, 2048] }), 2],
  [hw({ manufacturer: 'LENOVO', model: 'ThinkPad T14 Gen 4', vendor: 'Lenovo', form: 'laptop', ethernet: 'lenovo', wifi: 'intelWifi', serial: 'lenovo', memoryGiB: PC_MEMORY, storageGB: PC_STORAGE }), 10],
  [hw({ manufacturer: 'LENOVO', model: 'ThinkPad X1 Carbon Gen 11', vendor: 'Lenovo', form: 'laptop', ethernet: null, wifi: 'intelWifi', serial: 'lenovo', memoryGiB: [16, 32], storageGB: [512, 1024] }), 5],
  [hw({ manufacturer: 'LENOVO', model: 'ThinkPad L14 Gen 4', vendor: 'Lenovo', form: 'laptop', ethernet: 'lenovo', wifi: 'intelWifi', serial: 'lenovo', memoryGiB: PC_MEMORY, storageGB: PC_STORAGE }), 4],
  [hw({ manufacturer: 'LENOVO', model: 'ThinkCentre M70q Gen 4', vendor: 'Lenovo', form: 'desktop', ethernet: 'lenovo', wifi: 'intelWifi', wifiChance: 0.5, serial: 'lenovo', memoryGiB: PC_MEMORY, storageGB: PC_STORAGE }), 4],
  [hw({ manufacturer: 'HP', model: 'EliteBook 840 G10', vendor: 'HP', form: 'laptop', ethernet: null, wifi: 'intelWifi', serial: 'hp', memoryGiB: PC_MEMORY, storageGB: PC_STORAGE }), 8],
  [hw({ manufacturer: 'HP', model: 'EliteBook 640 G10', vendor: 'HP', form: 'laptop', ethernet: 'hp', wifi: 'intelWifi', serial: 'hp', memoryGiB: PC_MEMORY, storageGB: PC_STORAGE }), 6],
  [hw({ manufacturer: 'HP', model: 'ProBook 450 G10', vendor: 'HP', form: 'laptop', ethernet: 'hp', wifi: 'intelWifi', serial: 'hp', memoryGiB: PC_MEMORY, storageGB: PC_STORAGE }), 5],
  [hw({ manufacturer: 'HP', model: 'EliteDesk 800 G9 Desktop Mini', vendor: 'HP', form: 'desktop', ethernet: 'hp', wifi: 'intelWifi', wifiChance: 0.4, serial: 'hp', memoryGiB: PC_MEMORY, storageGB: PC_STORAGE }), 4],
  [hw({ manufacturer: 'Microsoft Corporation', model: 'Surface Laptop 5', vendor: 'Microsoft', form: 'laptop', ethernet: null, wifi: 'intelWifi', serial: 'surface', memoryGiB: [8, 16], storageGB: [256, 512] }), 3],
  [hw({ manufacturer: 'Microsoft Corporation', model: 'Surface Pro 9', vendor: 'Microsoft', form: 'laptop', ethernet: null, wifi: 'intelWifi', serial: 'surface', memoryGiB: [8, 16], storageGB: [256, 512] }), 2],
];

const MAC_MEMORY = [8, 16, 18, 36] as const;
const MAC_HARDWARE: ReadonlyArray<readonly [Hardware, number]> = [
  [hw({ manufacturer: 'Apple', model: 'MacBook Pro (14-inch, 2023)', vendor: 'Apple', form: 'laptop', ethernet: null, wifi: 'apple', serial: 'apple', memoryGiB: MAC_MEMORY, storageGB: [512, 1024] }), 8],
  [hw({ manufacturer: 'Apple', model: 'MacBook Air (13-inch, M2, 2022)', vendor: 'Apple', form: 'laptop', ethernet: null, wifi: 'apple', serial: 'apple', memoryGiB: [8, 16], storageGB: [256, 512] }), 8],
  [hw({ manufacturer: 'Apple', model: 'MacBook Air (15-inch, M3, 2024)', vendor: 'Apple', form: 'laptop', ethernet: null, wifi: 'apple', serial: 'apple', memoryGiB: [8, 16, 24], storageGB: [256, 512] }), 5],
  [hw({ manufacturer: 'Apple', model: 'MacBook Pro (16-inch, Nov 2023)', vendor: 'Apple', form: 'laptop', ethernet: null, wifi: 'apple', serial: 'apple', memoryGiB: [18, 36, 48], storageGB: [512, 1024] }), 3],
  [hw({ manufacturer: 'Apple', model: 'iMac (24-inch, 2023)', vendor: 'Apple', form: 'desktop', ethernet: 'apple', wifi: 'apple', serial: 'apple', memoryGiB: [8, 16], storageGB: [256, 512] }), 1],
  [hw({ manufacturer: 'Apple', model: 'Mac mini (2023)', vendor: 'Apple', form: 'desktop', ethernet: 'apple', wifi: 'apple', serial: 'apple', memoryGiB: [8, 16, 24], storageGB: [256, 512] }), 1],
];

const IPHONE_HARDWARE: ReadonlyArray<readonly [Hardware, number]> = [
  [hw({ manufacturer: 'Apple', model: 'iPhone 15', vendor: 'Apple', form: 'phone', ethernet: null, wifi: 'apple', cellularChance: 1, serial: 'apple', memoryGiB: [6], storageGB: [128, 256] }), 8],
  [hw({ manufacturer: 'Apple', model: 'iPhone 15 Pro', vendor: 'Apple', form: 'phone', ethernet: null, wifi: 'apple', cellularChance: 1, serial: 'apple', memoryGiB: [8], storageGB: [128, 256, 512] }), 4],
  [hw({ manufacturer: 'Apple', model: 'iPhone 14', vendor: 'Apple', form: 'phone', ethernet: null, wifi: 'apple', cellularChance: 1, serial: 'apple', memoryGiB: [6], storageGB: [128, 256] }), 6],
  [hw({ manufacturer: 'Apple', model: 'iPhone 13', vendor: 'Apple', form: 'phone', ethernet: null, wifi: 'apple', cellularChance: 1, serial: 'apple', memoryGiB: [4], storageGB: [128] }), 4],
  [hw({ manufacturer: 'Apple', model: 'iPhone SE (3rd generation)', vendor: 'Apple', form: 'phone', ethernet: null, wifi: 'apple', cellularChance: 1, serial: 'apple', memoryGiB: [4], storageGB: [64, 128] }), 3],
];
const IPAD_HARDWARE: ReadonlyArray<readonly [Hardware, number]> = [
  [hw({ manufacturer: 'Apple', model: 'iPad (10th generation)', vendor: 'Apple', form: 'tablet', ethernet: null, wifi: 'apple', cellularChance: 0.3, serial: 'apple', memoryGiB: [4], storageGB: [64, 256] }), 5],
  [hw({ manufacturer: 'Apple', model: 'iPad Air (5th generation)', vendor: 'Apple', form: 'tablet', ethernet: null, wifi: 'apple', cellularChance: 0.3, serial: 'apple', memoryGiB: [8], storageGB: [64, 256] }), 3],
  [hw({ manufacturer: 'Apple', model: 'iPad Pro (11-inch) (4th generation)', vendor: 'Apple', form: 'tablet', ethernet: null, wifi: 'apple', cellularChance: 0.3, serial: 'apple', memoryGiB: [8, 16], storageGB: [128, 256, 512] }), 1],
];

const ANDROID_HARDWARE: ReadonlyArray<readonly [Hardware, number]> = [
  [hw({ manufacturer: 'samsung', model: 'SM-S911B', name: 'Galaxy S23', vendor: 'Samsung', form: 'phone', ethernet: null, wifi: 'samsung', cellularChance: 1, serial: 'samsung', memoryGiB: [8], storageGB: [128, 256] }), 6],
  [hw({ manufacturer: 'samsung', model: 'SM-S921B', name: 'Galaxy S24', vendor: 'Samsung', form: 'phone', ethernet: null, wifi: 'samsung', cellularChance: 1, serial: 'samsung', memoryGiB: [8], storageGB: [128, 256] }), 5],
  [hw({ manufacturer: 'samsung', model: 'SM-A546B', name: 'Galaxy A54 5G', vendor: 'Samsung', form: 'phone', ethernet: null, wifi: 'samsung', cellularChance: 1, serial: 'samsung', memoryGiB: [6, 8], storageGB: [128] }), 6],
  [hw({ manufacturer: 'samsung', model: 'SM-X710', name: 'Galaxy Tab S9', vendor: 'Samsung', form: 'tablet', ethernet: null, wifi: 'samsung', cellularChance: 0.2, serial: 'samsung', memoryGiB: [8, 12], storageGB: [128, 256] }), 2],
  [hw({ manufacturer: 'Google', model: 'Pixel 8', name: 'Pixel 8', vendor: 'Google', form: 'phone', ethernet: null, wifi: 'google', cellularChance: 1, serial: 'pixel', memoryGiB: [8], storageGB: [128, 256] }), 4],
  [hw({ manufacturer: 'Google', model: 'Pixel 7a', name: 'Pixel 7a', vendor: 'Google', form: 'phone', ethernet: null, wifi: 'google', cellularChance: 1, serial: 'pixel', memoryGiB: [8], storageGB: [128] }), 3],
];

/** Intune osVersion strings; the stale ones are what machines that stopped checking in months ago still report. */
const OS_VERSIONS: Record<Platform, { current: ReadonlyArray<readonly [string, number]>; stale: readonly string[] }> = {
  windows: {
    current: [['10.0.22631.4460', 40], ['10.0.26100.2314', 25], ['10.0.22621.4317', 10], ['10.0.19045.5131', 20], ['10.0.19045.5011', 5]],
    stale: ['10.0.19045.3693', '10.0.22621.2428', '10.0.19044.2965', '10.0.22631.2506'],
  },
  macos: { current: [['15.1', 25], ['15.0.1', 15], ['14.7.1', 25], ['14.6.1', 25], ['13.7.1', 10]], stale: ['13.6.3', '14.2.1', '12.7.2'] },
  ios: { current: [['18.1', 25], ['18.0.1', 20], ['17.6.1', 25], ['17.5.1', 20], ['16.7.10', 10]], stale: ['16.6', '17.1.2', '15.7.9'] },
  android: { current: [['14', 50], ['15', 20], ['13', 25], ['12', 5]], stale: ['12', '13', '11'] },
};

const FIRST_NAMES = [
  'Alex', 'Amelia', 'Aisha', 'Anna', 'Ben', 'Björn', 'Carlos', 'Chen', 'Chiara', 'Chloe', 'Daniel', 'David', 'Dmitri',
  'Elena', 'Emily', 'Ewa', 'Fatima', 'Felix', 'Gabriel', 'Grace', 'Hannah', 'Hiro', 'Ingrid', 'Isabel', 'Jack', 'James',
  'Jana', 'José', 'Julia', 'Kenji', 'Laura', 'Liam', 'Lucas', 'Maria', 'Mateo', 'Mia', 'Mohammed', 'Nadia', 'Noah',
  'Olivia', 'Omar', 'Priya', 'Rahul', 'Ravi', 'Sara', 'Sophie', 'Tom', 'Wei', 'Yuki', 'Zoë',
] as const;
const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez',
  'Lopez', 'Wilson', 'Anderson', 'Taylor', 'Thomas', 'Moore', 'Jackson', 'Martin', 'Lee', 'Thompson', 'White',
  'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Green', 'Baker',
  'Adams', 'Nelson', 'Hill', 'Campbell', 'Mitchell', 'Roberts', 'Carter', 'Evans', 'Turner', 'Müller', 'Schmidt',
  'Fischer', 'Weber', 'Nguyen', 'Tran', 'Kim', 'Park', 'Singh', 'Patel', 'Sharma', 'Tanaka', 'Suzuki', 'Wang', 'Zhang',
  "O'Brien", 'Dubois', 'Rossi', 'Kowalski', 'Andersson',
] as const;

const NOTES = ['Loaner pool', 'Hot desk, floor 3', 'Keyboard replaced under warranty', 'Exec device: white-glove support', 'Shared lab machine', 'Pending hardware refresh'];
const UPPER_ALNUM = '0123456789ABCDEFGHIJKLMNPQRSTUVWXYZ';
const DELL_TAG = '0123456789BCDFGHJKLMNPQRSTVWXYZ';
const APPLE_SERIAL = '0123456789CDFGHJKLMNPQRTVWXY';

// ---------------------------------------------------------------------------------------------------------------
// IoT-only products: what the firewall sees that no directory knows

interface IotProduct {
  kind: 'printer' | 'camera' | 'phone' | 'medical' | 'ot' | 'badge' | 'tv';
  weight: number;
  /** Weight among static-IP assets: OT and medical gear is the usual static-IP population. */
  staticWeight: number;
  vendor: string;
  oui: OuiVendor;
  models: readonly string[];
  category: string;
  profile: string;
  vertical: string;
  segment: Segment;
  osGroup: string;
  osCombined: string;
  firmware: readonly string[];
  /** The name the device announces itself with, often derived from its MAC (`mac12` is upper-case, no separators). */
  hostname: (mac12: string, n: number) => string;
  risk: readonly [number, number];
}

const IOT_PRODUCTS: readonly IotProduct[] = [
  { kind: 'printer', weight: 12, staticWeight: 1, vendor: 'HP', oui: 'hpPrinter', models: ['HP LaserJet Enterprise M611', 'HP Color LaserJet Pro MFP M479fdw', 'HP LaserJet Enterprise MFP M634'], category: 'Printer', profile: 'HP Printer', vertical: 'Office', segment: 'printers', osGroup: 'Embedded', osCombined: 'HP FutureSmart 5', firmware: ['5.7.1.1', '5.6.0.3', '2411181_000046'], hostname: (mac) => `NPI${mac.slice(6)}`, risk: [15, 60] },
  { kind: 'printer', weight: 6, staticWeight: 1, vendor: 'Xerox', oui: 'xerox', models: ['VersaLink C405', 'AltaLink C8130'], category: 'Printer', profile: 'Xerox Printer', vertical: 'Office', segment: 'printers', osGroup: 'Embedded', osCombined: 'Xerox ConnectKey', firmware: ['107.001.013.32000', '114.009.003.21700'], hostname: (mac) => `XRX${mac}`, risk: [20, 65] },
  { kind: 'printer', weight: 5, staticWeight: 0, vendor: 'Canon', oui: 'canon', models: ['imageRUNNER ADVANCE DX C5840i', 'imageRUNNER ADVANCE DX 4745i'], category: 'Printer', profile: 'Canon Printer', vertical: 'Office', segment: 'printers', osGroup: 'Embedded', osCombined: 'Canon MEAP', firmware: ['95.10', '93.05'], hostname: (mac) => `Canon${mac.slice(6)}`, risk: [15, 55] },
  { kind: 'camera', weight: 10, staticWeight: 2, vendor: 'Axis Communications', oui: 'axis', models: ['AXIS P3265-LVE', 'AXIS M3086-V', 'AXIS Q6135-LE'], category: 'IP Camera', profile: 'Axis Network Camera', vertical: 'Facility', segment: 'cameras', osGroup: 'Linux', osCombined: 'AXIS OS 11', firmware: ['11.11.73', '10.12.199', '11.8.64'], hostname: (mac) => `axis-${mac.toLowerCase()}`, risk: [25, 75] },
  { kind: 'camera', weight: 6, staticWeight: 2, vendor: 'Hikvision', oui: 'hikvision', models: ['DS-2CD2143G2-I', 'DS-2CD2387G2-LU'], category: 'IP Camera', profile: 'Hikvision IP Camera', vertical: 'Facility', segment: 'cameras', osGroup: 'Embedded', osCombined: 'Hikvision Firmware', firmware: ['V5.7.3', 'V5.5.800'], hostname: (_mac, n) => `HIKVISION-${n}`, risk: [45, 95] },
  { kind: 'phone', weight: 14, staticWeight: 0, vendor: 'Cisco', oui: 'ciscoPhone', models: ['CP-8845', 'CP-7841', 'CP-8865'], category: 'IP Phone', profile: 'Cisco IP Phone', vertical: 'Office', segment: 'voice', osGroup: 'Embedded', osCombined: 'Cisco IP Phone Firmware', firmware: ['sip88xx.14-2-1-0001-26', 'sip78xx.14-1-1-0001-125'], hostname: (mac) => `SEP${mac}`, risk: [5, 40] },
  { kind: 'phone', weight: 6, staticWeight: 0, vendor: 'Polycom', oui: 'polycom', models: ['VVX 450', 'CCX 600'], category: 'IP Phone', profile: 'Polycom IP Phone', vertical: 'Office', segment: 'voice', osGroup: 'Embedded', osCombined: 'Polycom UC Software', firmware: ['6.4.3.5018', '8.1.3.1301'], hostname: (mac) => `Polycom_${mac.toLowerCase()}`, risk: [10, 45] },
  { kind: 'medical', weight: 5, staticWeight: 3, vendor: 'Baxter', oui: 'baxter', models: ['Sigma Spectrum'], category: 'Infusion System', profile: 'Sigma Spectrum Infusion System', vertical: 'Medical', segment: 'medical', osGroup: 'Embedded', osCombined: 'Sigma Spectrum Firmware', firmware: ['8.01.01', '6.02.13'], hostname: (_mac, n) => `InfusionPump-${n}`, risk: [40, 95] },
  { kind: 'medical', weight: 4, staticWeight: 2, vendor: 'BD', oui: 'bd', models: ['BD Alaris 8015 PC Unit'], category: 'Infusion System', profile: 'BD Alaris Infusion System', vertical: 'Medical', segment: 'medical', osGroup: 'Embedded', osCombined: 'Alaris System Software', firmware: ['12.1.3', '9.33'], hostname: (_mac, n) => `ALARIS-${String(n).padStart(4, '0')}`, risk: [45, 95] },
  { kind: 'medical', weight: 4, staticWeight: 3, vendor: 'Philips', oui: 'philipsMedical', models: ['IntelliVue MX450', 'IntelliVue MX750'], category: 'Patient Monitor', profile: 'Philips IntelliVue Patient Monitor', vertical: 'Medical', segment: 'medical', osGroup: 'Embedded', osCombined: 'IntelliVue Firmware', firmware: ['M.00.03', 'L.01.12'], hostname: (_mac, n) => `MX-BED${String(n).padStart(3, '0')}`, risk: [35, 90] },
  { kind: 'medical', weight: 3, staticWeight: 2, vendor: 'GE Healthcare', oui: 'geHealthcare', models: ['CARESCAPE B450', 'CARESCAPE B650'], category: 'Patient Monitor', profile: 'GE CARESCAPE Patient Monitor', vertical: 'Medical', segment: 'medical', osGroup: 'Embedded', osCombined: 'CARESCAPE Software', firmware: ['2.0.8', '3.2.1'], hostname: () => '', risk: [35, 90] },
  { kind: 'ot', weight: 5, staticWeight: 5, vendor: 'Siemens', oui: 'siemens', models: ['SIMATIC S7-1500', 'SIMATIC S7-1200', 'SIMATIC HMI TP1200 Comfort'], category: 'PLC', profile: 'Siemens SIMATIC PLC', vertical: 'Industrial', segment: 'ot', osGroup: 'Embedded', osCombined: 'SIMATIC Firmware', firmware: ['V3.1.2', 'V4.6.1', 'V2.9.7'], hostname: (_mac, n) => `plc-line${(n % 12) + 1}-${n}`, risk: [50, 98] },
  { kind: 'ot', weight: 3, staticWeight: 4, vendor: 'Rockwell Automation', oui: 'rockwell', models: ['ControlLogix 5580', 'CompactLogix 5380'], category: 'PLC', profile: 'Rockwell Automation PLC', vertical: 'Industrial', segment: 'ot', osGroup: 'Embedded', osCombined: 'Logix Firmware', firmware: ['33.011', '35.013'], hostname: () => '', risk: [50, 98] },
  { kind: 'badge', weight: 4, staticWeight: 1, vendor: 'HID Global', oui: 'hid', models: ['VertX EVO V1000', 'Aero X1100'], category: 'Access Control', profile: 'HID Access Controller', vertical: 'Facility', segment: 'facility', osGroup: 'Embedded', osCombined: 'HID Firmware', firmware: ['3.5.2.1483', '1.8.4'], hostname: (mac) => `hid-${mac.slice(6).toLowerCase()}`, risk: [20, 60] },
  { kind: 'badge', weight: 2, staticWeight: 1, vendor: 'LenelS2', oui: 'lenel', models: ['LNL-X2220', 'LNL-4420'], category: 'Access Control', profile: 'LenelS2 Access Panel', vertical: 'Facility', segment: 'facility', osGroup: 'Embedded', osCombined: 'Lenel Firmware', firmware: ['1.296', '1.312'], hostname: () => '', risk: [20, 60] },
  { kind: 'tv', weight: 3, staticWeight: 0, vendor: 'Samsung', oui: 'samsung', models: ['QM55R', 'QB65R'], category: 'Smart TV', profile: 'Samsung Smart TV', vertical: 'Office', segment: 'av', osGroup: 'Tizen', osCombined: 'Tizen 6.5', firmware: ['T-KTM2DEUC-2110.2', 'T-KTSUDEUC-1201.0'], hostname: (_mac, n) => `[TV] Samsung Room ${100 + n}`, risk: [20, 55] },
  { kind: 'tv', weight: 2, staticWeight: 0, vendor: 'LG Electronics', oui: 'lg', models: ['55UR640S', '43UR640S'], category: 'Smart TV', profile: 'LG Smart TV', vertical: 'Office', segment: 'av', osGroup: 'webOS', osCombined: 'webOS 6', firmware: ['03.40.60', '03.21.15'], hostname: (_mac, n) => `LG-TV-${n}`, risk: [20, 55] },
];

// ---------------------------------------------------------------------------------------------------------------
// The machine: one physical device, before it is rendered into records

type MobileWifi = 'hardware' | 'randomized' | 'placeholder' | 'none';
type AndroidMode = 'workProfile' | 'fullyManaged' | 'dedicated';

interface Machine {
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

interface HardwareFacts {
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

interface SharedEthernet {
  mac: string;
  machines: Machine[];
  trap: 'dock-shared-mac' | 'usb-dongle-moved';
}

// ---------------------------------------------------------------------------------------------------------------

class FleetBuilder {
  private readonly rng: Random;
  private readonly macs: MacAllocator;
  private readonly addresses = new AddressPlan();
  private readonly serials = new Set<string>();
  private readonly hostCounters = new Map<string, number>();
  private users: FleetUser[] = [];
  private ownerCursor = 0;
  private readonly shared: SharedEthernet[] = [];
  private readonly entraDevices: EntraDeviceRecord[] = [];
  private readonly managedDevices: ManagedDeviceRecord[] = [];
  private readonly iotAssets: IotAssetRecord[] = [];
  private readonly truth: FleetTruth = { intune: [], entraOnly: [], iotOnly: [], sharedMacs: [] };

  constructor(
    seed: number,
    private readonly size: number,
    private readonly now: number,
  ) {
    this.rng = new Random(seed);
    this.macs = new MacAllocator(this.rng);
  }

  build(): Omit<Fleet, 'origin'> {
    this.users = this.makeUsers(Math.max(5, Math.round(this.size * 0.62)));
    const machines = this.makeMachines();
    const managed = machines.filter((m) => !m.registeredOnly);

    this.plantWindowsScenarios(managed.filter((m) => m.platform === 'windows'));
    this.plantStale(machines.filter((m) => !m.reenrolled));
    for (const machine of machines) this.planLifecycle(machine);
    this.plantNotInIot(managed);
    this.plantMacFormats(managed);

    for (const machine of machines) this.renderDirectoryRecords(machine);
    for (const machine of managed) this.renderMachineAssets(machine);
    this.renderSharedEthernetAssets();
    this.renderIotOnlyAssets();
    this.recordTruth(machines);

    // Sources never list records in the order they were made; neither should the emulators.
    this.rng.shuffle(this.entraDevices);
    this.rng.shuffle(this.managedDevices);
    this.rng.shuffle(this.iotAssets);
    return {
      users: this.users,
      entraDevices: this.entraDevices,
      managedDevices: this.managedDevices,
      iotAssets: this.iotAssets,
      truth: this.truth,
    };
  }

  // ----- people -------------------------------------------------------------------------------------------------

  private makeUsers(count: number): FleetUser[] {
    const taken = new Map<string, number>();
    const users: FleetUser[] = [];
    for (let i = 0; i < count; i++) {
      const first = this.rng.pick(FIRST_NAMES);
      const last = this.rng.pick(LAST_NAMES);
      const base = `${asciiLetters(first)}.${asciiLetters(last)}`;
      const seen = (taken.get(base) ?? 0) + 1;
      taken.set(base, seen);
      const upn = `${base}${seen > 1 ? seen : ''}@${DOMAIN}`;
      users.push({ id: this.rng.uuid(), displayName: `${first} ${last}`, userPrincipalName: upn, mail: upn });
    }
    return this.rng.shuffle(users);
  }

  /** Computers go to users in turn, so most people have one and a few (developers) have two. */
  private nextOwner(): FleetUser {
    const user = this.users[this.ownerCursor % this.users.length]!;
    this.ownerCursor++;
    return user;
  }

  private anyUser(): FleetUser {
    return this.rng.pick(this.users);
  }

  // ----- machines -----------------------------------------------------------------------------------------------

  private makeMachines(): Machine[] {
    const plan = this.rng.deal(this.size, PLATFORM_SHARES);
    const count = (platform: string) => plan.filter((p) => p === platform).length;
    const macWifi = dealer(this.rng.deal(count('macos'), WIFI_SHARES.macos));
    const iosWifi = dealer(this.rng.deal(count('ios'), WIFI_SHARES.ios));
    const androidWifi = dealer(this.rng.deal(count('android'), WIFI_SHARES.android));
    return plan.map((platform) => {
      switch (platform) {
        case 'windows':
          return this.windowsMachine(false);
        case 'macos':
          return this.macMachine(macWifi(), false);
        case 'ios':
          return this.appleMobile(iosWifi(), false);
        case 'android':
          return this.androidMachine(androidWifi(), false);
        case 'entraOnly':
          return this.personalRegistration();
      }
    });
  }

  /** Shared defaults; each platform overrides what differs. */
  private baseMachine(platform: Platform, hardware: Hardware, user: FleetUser | null, registeredOnly: boolean): Machine {
    const site = this.rng.weighted(SITE_WEIGHTS);
    return {
      platform,
      hw: hardware,
      registeredOnly,
      user,
      site,
      deviceName: '',
      serialNumber: this.serial(hardware.serial),
      intuneOs: '',
      entraOs: '',
      trustType: 'Workplace',
      enrollmentType: '',
      managementAgent: 'mdm',
      ownerType: 'company',
      managedNameToken: '',
      isSupervised: false,
      hasEntra: true,
      neverSignsIn: false,
      ethernet: null,
      wifi: null,
      ethernetStyle: 'intune',
      wifiStyle: 'intune',
      sharedEthernet: false,
      dongleRole: null,
      stale: false,
      unseen: false,
      hybridTwoEntra: false,
      reenrolled: false,
      facts: this.hardwareFacts(hardware),
      osVersion: '',
      compliance: 'compliant',
      // NaN, not 0: epoch milliseconds are doubles, and starting the fields as small integers would make V8 migrate
      // every machine object when the real times arrive.
      enrolledAt: Number.NaN,
      firstEnrolledAt: Number.NaN,
      lastSyncAt: Number.NaN,
      supersededLastSyncAt: Number.NaN,
      registeredAt: Number.NaN,
      lastSignInAt: null,
      entraDeviceId: null,
      otherEntraDeviceIds: [],
      records: [],
      entraObjectId: null,
      iotIds: [],
    };
  }

  private windowsMachine(registeredOnly: boolean): Machine {
    const hardware = this.rng.weighted(WINDOWS_HARDWARE);
    const kiosk = !registeredOnly && hardware.form === 'desktop' && this.rng.chance(0.08);
    const user = kiosk ? null : registeredOnly ? this.anyUser() : this.nextOwner();
    const m = this.baseMachine('windows', hardware, user, registeredOnly);
    m.intuneOs = 'Windows';
    m.entraOs = 'Windows';
    m.managedNameToken = 'Windows';
    m.ethernet = this.windowsEthernet(hardware);
    m.wifi = this.rng.chance(hardware.wifiChance) ? this.macs.fromVendor(hardware.wifi) : null;
    if (registeredOnly) {
      m.deviceName = `DESKTOP-${this.rng.chars(7, UPPER_ALNUM)}`;
      m.ownerType = 'personal';
      return m;
    }
    m.deviceName = kiosk ? `KIOSK-${m.site.code}-${this.rng.int(100, 999)}` : this.windowsName(m);
    m.trustType = 'AzureAd';
    m.enrollmentType = kiosk ? 'windowsAzureADJoinUsingDeviceAuth' : 'windowsAzureADJoin';
    if (kiosk) m.facts.deviceCategory = 'Kiosk';
    if (!kiosk && this.rng.chance(0.35)) this.makeHybridJoined(m);
    return m;
  }

  /** Laptops without an RJ45 port often still report an Ethernet MAC: their owner's own USB-C dongle or dock. */
  private windowsEthernet(hardware: Hardware): string | null {
    if (hardware.ethernet) return this.macs.fromVendor(hardware.ethernet);
    if (hardware.form === 'laptop' && this.rng.chance(0.6)) {
      return this.macs.fromVendor(this.rng.pick(['realtekUsb', 'dell', 'lenovo', 'hp'] as const));
    }
    return null;
  }

  private windowsName(m: Machine): string {
    const style = this.rng.weighted([['serial', 70], ['default', 20], ['site', 10]] as const);
    if (style === 'serial') return `CTS-${m.serialNumber}`.slice(0, 15);
    if (style === 'default') return `DESKTOP-${this.rng.chars(7, UPPER_ALNUM)}`;
    return `${m.hw.form === 'desktop' ? 'DT' : 'LT'}-${m.site.code}-${this.rng.int(1000, 9999)}`;
  }

  /** Hybrid Entra join: the on-prem AD object synced up (ServerAd); Intune enrols it by GPO or through ConfigMgr. */
  private makeHybridJoined(m: Machine): void {
    m.trustType = 'ServerAd';
    m.enrollmentType = this.rng.chance(0.5) ? 'windowsCoManagement' : 'windowsAutoEnrollment';
    m.managementAgent = m.enrollmentType === 'windowsCoManagement' ? 'configurationManagerClientMdm' : 'mdm';
  }

  private macMachine(wifi: 'hardware' | 'randomized', registeredOnly: boolean): Machine {
    const hardware = this.rng.weighted(MAC_HARDWARE);
    const user = registeredOnly ? this.anyUser() : this.nextOwner();
    const m = this.baseMachine('macos', hardware, user, registeredOnly);
    m.intuneOs = 'macOS';
    m.entraOs = registeredOnly ? 'MacOS' : 'MacMDM';
    m.managedNameToken = 'MacOS';
    m.ethernet = hardware.ethernet ? this.macs.fromVendor(hardware.ethernet) : null;
    // A private Wi-Fi address is per network; on the corporate SSID it is stable, so Intune and IoT agree on it.
    m.wifi = wifi === 'randomized' ? this.macs.randomized() : this.macs.fromVendor(hardware.wifi);
    m.deviceName = `${firstName(user)}’s ${hardware.model.replace(/ \(.*$/, '')}`;
    const personal = registeredOnly || this.rng.chance(0.08);
    m.ownerType = personal ? 'personal' : 'company';
    m.enrollmentType = personal ? 'userEnrollment' : 'appleBulkWithUser';
    m.isSupervised = !personal;
    return m;
  }

  private appleMobile(wifi: MobileWifi, registeredOnly: boolean): Machine {
    const isPad = this.rng.chance(0.25);
    const hardware = this.rng.weighted(isPad ? IPAD_HARDWARE : IPHONE_HARDWARE);
    const sharedPad = isPad && !registeredOnly && this.rng.chance(0.2);
    const user = sharedPad ? null : this.anyUser();
    const m = this.baseMachine('ios', hardware, user, registeredOnly);
    const noun = isPad ? 'iPad' : 'iPhone';
    m.intuneOs = isPad ? 'iPadOS' : 'iOS';
    m.entraOs = isPad ? 'IPad' : 'iOS';
    m.managedNameToken = noun;
    m.wifi = this.mobileWifi(wifi, hardware);
    // Since iOS 16 apps and MDM see the generic name, so many records are just "iPhone".
    if (sharedPad) m.deviceName = `IPAD-${m.site.code}-${String(this.rng.int(1, 99)).padStart(2, '0')}`;
    else m.deviceName = this.rng.chance(0.45) ? noun : `${firstName(user)}’s ${noun}`;
    const personal = registeredOnly || (!sharedPad && this.rng.chance(0.2));
    m.ownerType = personal ? 'personal' : 'company';
    m.enrollmentType = sharedPad ? 'appleBulkWithoutUser' : personal ? 'userEnrollment' : 'appleBulkWithUser';
    m.isSupervised = !personal;
    m.hasEntra = !sharedPad;
    return m;
  }

  private androidMachine(wifi: MobileWifi, registeredOnly: boolean): Machine {
    const hardware = this.rng.weighted(ANDROID_HARDWARE);
    const mode: AndroidMode = registeredOnly
      ? 'workProfile'
      : this.rng.weighted([['workProfile', 45], ['fullyManaged', 45], ['dedicated', 10]] as const);
    const user = mode === 'dedicated' ? null : this.anyUser();
    const m = this.baseMachine('android', hardware, user, registeredOnly);
    m.intuneOs = 'Android';
    m.entraOs = registeredOnly ? 'Android' : mode === 'workProfile' ? 'AndroidForWork' : 'AndroidEnterprise';
    m.managedNameToken = mode === 'workProfile' ? 'AndroidForWork' : 'AndroidEnterprise';
    m.wifi = this.mobileWifi(wifi, hardware);
    m.deviceName = mode === 'dedicated' ? `KIOSK-${m.site.code}-${this.rng.int(100, 999)}` : hardware.name ?? hardware.model;
    m.ownerType = mode === 'workProfile' ? 'personal' : 'company';
    // The record keeps the service's real value; Graph v1.0 would answer unknownFutureValue for the Android ones.
    m.enrollmentType =
      mode === 'workProfile' ? 'userEnrollment' : mode === 'fullyManaged' ? 'androidEnterpriseFullyManaged' : 'androidEnterpriseDedicatedDevice';
    m.managementAgent = mode === 'workProfile' ? 'mdm' : 'googleCloudDevicePolicyController';
    m.neverSignsIn = mode === 'dedicated';
    if (mode === 'workProfile') {
      // Android 10+ hides the IMEI from a work profile.
      m.facts.imei = '';
      m.facts.iccid = '';
    }
    return m;
  }

  private mobileWifi(kind: MobileWifi, hardware: Hardware): string | null {
    switch (kind) {
      case 'hardware':
        return this.macs.fromVendor(hardware.wifi);
      case 'randomized':
        return this.macs.randomized();
      case 'placeholder':
        return PLACEHOLDER_MAC;
      case 'none':
        return null;
    }
  }

  private personalRegistration(): Machine {
    const platform = this.rng.weighted([['windows', 35], ['ios', 30], ['android', 25], ['macos', 10]] as const);
    const m =
      platform === 'windows'
        ? this.windowsMachine(true)
        : platform === 'macos'
          ? this.macMachine('hardware', true)
          : platform === 'ios'
            ? this.appleMobile('hardware', true)
            : this.androidMachine('hardware', true);
    m.trustType = 'Workplace';
    m.ownerType = 'personal';
    return m;
  }

  private hardwareFacts(hardware: Hardware): HardwareFacts {
    const cellular = this.rng.chance(hardware.cellularChance);
    const total = this.rng.pick(hardware.storageGB) * 1_000_000_000 - this.rng.int(0, 4096) * 1_048_576;
    const apple = hardware.manufacturer === 'Apple';
    const mobile = hardware.form === 'phone' || hardware.form === 'tablet';
    return {
      imei: cellular ? imei(this.rng) : '',
      iccid: cellular ? iccid(this.rng) : '',
      phoneNumber: cellular && hardware.form === 'phone' && this.rng.chance(0.7) ? `+1${this.rng.pick(['206', '425', '617', '312'])}555${String(this.rng.int(0, 9999)).padStart(4, '0')}` : '',
      udid: apple && mobile ? `0000${this.rng.int(8020, 8130)}-${this.rng.hex(16).toUpperCase()}` : '',
      notes: this.rng.chance(0.06) ? this.rng.pick(NOTES) : null,
      physicalMemoryInBytes: this.rng.pick(hardware.memoryGiB) * 1024 ** 3,
      totalStorageSpaceInBytes: total,
      freeStorageSpaceInBytes: Math.floor((total * this.rng.int(8, 80)) / 100),
      deviceCategory: this.rng.weighted([['Unknown', 65], ['Standard', 20], ['Developer', 8], ['Executive', 4], ['Frontline', 3]] as const),
      isEncrypted: mobile || this.rng.chance(0.95),
    };
  }

  private serial(style: SerialStyle): string {
    for (;;) {
      const serial = this.drawSerial(style);
      if (!this.serials.has(serial)) {
        this.serials.add(serial);
        return serial;
      }
    }
  }

  private drawSerial(style: SerialStyle): string {
    const r = this.rng;
    switch (style) {
      case 'dell':
        return r.chars(7, DELL_TAG);
      case 'lenovo':
        return r.pick(['PF', 'PC', 'R9', 'MJ']) + r.chars(6, UPPER_ALNUM);
      case 'hp':
        return r.pick(['5CG', 'CND', '8CC', '5CD']) + r.chars(7, UPPER_ALNUM);
      case 'surface':
        return r.chars(12, '0123456789');
      case 'apple':
        return r.chars(10, APPLE_SERIAL);
      case 'samsung':
        return `R5C${r.chars(8, UPPER_ALNUM)}`;
      case 'pixel':
        return `${r.chars(5, '0123456789')}FDH${r.chars(6, UPPER_ALNUM)}`;
    }
  }

  // ----- planted situations -------------------------------------------------------------------------------------

  /** Docks, moved dongles, hybrid double registrations and re-enrolments: each Windows machine gets at most one. */
  private plantWindowsScenarios(windows: Machine[]): void {
    const laptops = this.rng.shuffle(windows.filter((m) => m.hw.form === 'laptop' && m.user !== null));
    let next = 0;
    const takeLaptops = (n: number): Machine[] | null => {
      if (next + n > laptops.length) return null;
      next += n;
      return laptops.slice(next - n, next);
    };

    for (let i = 0; i < atLeast(2, this.size * SCENARIO_SHARES.hotDeskDocks); i++) {
      const group = takeLaptops(this.rng.int(2, 4));
      if (!group) break;
      const mac = this.macs.fromVendor(this.rng.pick(['dell', 'lenovo', 'hp'] as const));
      for (const m of group) {
        m.ethernet = mac;
        m.sharedEthernet = true;
      }
      this.shared.push({ mac, machines: group, trap: 'dock-shared-mac' });
    }
    for (let i = 0; i < atLeast(2, this.size * SCENARIO_SHARES.movedDongles); i++) {
      const pair = takeLaptops(2);
      if (!pair) break;
      const mac = this.macs.fromVendor('realtekUsb');
      pair.forEach((m, index) => {
        m.ethernet = mac;
        m.sharedEthernet = true;
        m.dongleRole = index === 0 ? 'previous' : 'current';
      });
      this.shared.push({ mac, machines: pair, trap: 'usb-dongle-moved' });
    }

    const used = new Set(laptops.slice(0, next));
    const rest = this.rng.shuffle(windows.filter((m) => !used.has(m) && m.user !== null));
    const hybrids = atLeast(2, this.size * SCENARIO_SHARES.hybridTwoEntra);
    for (const m of rest.slice(0, hybrids)) {
      this.makeHybridJoined(m);
      m.hybridTwoEntra = true;
    }
    const duplicates = atLeast(2, this.size * SCENARIO_SHARES.intuneDuplicate);
    for (const m of rest.slice(hybrids, hybrids + duplicates)) m.reenrolled = true;
  }

  private plantStale(candidates: Machine[]): void {
    const count = atLeast(2, this.size * SCENARIO_SHARES.stale);
    for (const m of this.rng.shuffle([...candidates]).slice(0, count)) m.stale = true;
  }

  /** The not-in-iot trap: machines with a MAC that identifies them, on which IoT Security has never seen them. */
  private plantNotInIot(managed: Machine[]): void {
    const eligible = managed.filter((m) => ownInterfaces(m).some((i) => macKind(i.mac) === 'global'));
    const count = atLeast(2, this.size * SCENARIO_SHARES.notInIot);
    for (const m of this.rng.shuffle(eligible).slice(0, count)) m.unseen = true;
  }

  /** The mac-format trap: a few MAC values come back dashed, dotted, coloned or lower-case. */
  private plantMacFormats(managed: Machine[]): void {
    const withMac = managed.filter((m) => m.ethernet !== null || m.wifi !== null);
    const values = withMac.reduce((sum, m) => sum + (m.ethernet ? 1 : 0) + (m.wifi ? 1 : 0), 0);
    for (const m of this.rng.shuffle(withMac).slice(0, atLeast(2, values * MAC_FORMAT_SHARE))) {
      const style = this.rng.pick(UNUSUAL_INTUNE_STYLES);
      if (m.ethernet && (!m.wifi || this.rng.chance(0.5))) m.ethernetStyle = style;
      else m.wifiStyle = style;
    }
  }

  /** Times, OS version and compliance, which all depend on whether the machine went stale. */
  private planLifecycle(m: Machine): void {
    const r = this.rng;
    const versions = OS_VERSIONS[m.platform];
    m.osVersion = m.stale ? r.pick(versions.stale) : r.weighted(versions.current);
    m.compliance = this.compliance(m);

    if (m.registeredOnly) {
      m.lastSignInAt = m.stale ? this.daysAgo(STALE_AFTER_DAYS, 400) : this.now - r.int(0, 30 * 86_400) * 1000;
      m.registeredAt = m.lastSignInAt - r.int(5, 700) * DAY - r.int(0, 86_399) * 1000;
      return;
    }
    if (m.stale) m.lastSyncAt = this.daysAgo(STALE_AFTER_DAYS, 400);
    else if (m.dongleRole === 'previous') m.lastSyncAt = this.daysAgo(10, 60);
    else m.lastSyncAt = this.now - r.int(0, 7 * 86_400 - 1) * 1000;

    if (m.reenrolled) {
      // The newer record is weeks old; the superseded one stopped syncing just before it, well short of stale.
      m.enrolledAt = this.daysAgo(7, 70);
      m.firstEnrolledAt = m.enrolledAt - r.int(100, 800) * DAY - r.int(0, 86_399) * 1000;
    } else {
      m.enrolledAt = Math.min(m.lastSyncAt, this.now - DAY) - r.int(20, 900) * DAY - r.int(0, 86_399) * 1000;
      m.firstEnrolledAt = m.enrolledAt;
    }
    // Entra registration comes minutes before enrolment, except a hybrid join, which came with the AD object.
    m.registeredAt =
      m.trustType === 'ServerAd' ? m.firstEnrolledAt - r.int(1, 700) * DAY : m.firstEnrolledAt - r.int(60, 1800) * 1000;
    m.lastSignInAt = m.neverSignsIn ? null : Math.max(m.registeredAt, m.lastSyncAt - r.int(0, 2 * 86_400) * 1000);
  }

  private compliance(m: Machine): Machine['compliance'] {
    if (m.stale) return this.rng.weighted([['noncompliant', 6], ['compliant', 3], ['unknown', 1]] as const);
    if (m.managementAgent === 'configurationManagerClientMdm' && this.rng.chance(0.3)) return 'configManager';
    return this.rng.weighted([
      ['compliant', 86],
      ['noncompliant', 8],
      ['inGracePeriod', 3],
      ['unknown', 1],
      ['error', 1],
      ['conflict', 1],
    ] as const);
  }

  private daysAgo(minDays: number, maxDays: number): number {
    return this.now - this.rng.int(minDays, maxDays) * DAY - this.rng.int(0, 86_399) * 1000;
  }

  // ----- Entra and Intune records ---------------------------------------------------------------------------------

  private renderDirectoryRecords(m: Machine): void {
    if (m.hasEntra) {
      m.entraObjectId = this.rng.uuid();
      m.entraDeviceId = this.rng.uuid();
      this.entraDevices.push(this.entraRecord(m, m.entraObjectId, m.entraDeviceId));
    }
    if (m.hybridTwoEntra) this.renderLeftoverWorkplaceRegistration(m);
    if (m.registeredOnly) return;

    const current = this.managedRecord(m, this.rng.uuid(), m.enrolledAt, m.lastSyncAt);
    m.records.push(current);
    this.managedDevices.push(current);
    if (m.reenrolled) {
      m.supersededLastSyncAt = m.enrolledAt - this.rng.int(1, 10) * DAY - this.rng.int(0, 86_399) * 1000;
      const superseded = this.managedRecord(m, this.rng.uuid(), m.firstEnrolledAt, m.supersededLastSyncAt);
      m.records.push(superseded);
      this.managedDevices.push(superseded);
    }
  }

  private entraRecord(m: Machine, id: string, deviceId: string): EntraDeviceRecord {
    const managed = !m.registeredOnly;
    const serverAd = m.trustType === 'ServerAd';
    return {
      id,
      deviceId,
      displayName: m.deviceName,
      operatingSystem: m.entraOs,
      operatingSystemVersion: m.osVersion,
      trustType: m.trustType,
      accountEnabled: !(m.stale && this.rng.chance(0.2)),
      isCompliant: managed ? ['compliant', 'inGracePeriod', 'configManager'].includes(m.compliance) : null,
      isManaged: managed,
      managementType: managed ? 'MDM' : null,
      deviceOwnership: managed ? m.ownerType : 'unknown',
      enrollmentType: managed ? m.enrollmentType : null,
      profileType: 'RegisteredDevice',
      manufacturer: m.hw.manufacturer,
      model: m.hw.model,
      mdmAppId: managed ? INTUNE_APP_ID : null,
      registrationDateTime: graphTime(m.registeredAt),
      approximateLastSignInDateTime: m.lastSignInAt === null ? null : graphTime(m.lastSignInAt),
      onPremisesSyncEnabled: serverAd ? true : null,
      onPremisesLastSyncDateTime: serverAd ? graphTime(this.now - this.rng.int(60, 7200) * 1000) : null,
      // A hybrid-joined device has no registered owner: the object came from AD, not from a user's sign-in.
      ownerUserId: serverAd ? null : (m.user?.id ?? null),
    };
  }

  /** The Workplace registration a user made before the machine was hybrid joined: same name, never cleaned up. */
  private renderLeftoverWorkplaceRegistration(m: Machine): void {
    const deviceId = this.rng.uuid();
    const registeredAt = m.registeredAt - this.rng.int(20, 400) * DAY - this.rng.int(0, 86_399) * 1000;
    const lastSignInAt = Math.min(registeredAt + this.rng.int(1, 60) * DAY, m.registeredAt);
    m.otherEntraDeviceIds.push(deviceId);
    this.entraDevices.push({
      ...this.entraRecord({ ...m, trustType: 'Workplace', registeredOnly: true, stale: false }, this.rng.uuid(), deviceId),
      deviceOwnership: 'unknown',
      registrationDateTime: graphTime(registeredAt),
      approximateLastSignInDateTime: graphTime(lastSignInAt),
    });
  }

  private managedRecord(m: Machine, id: string, enrolledAt: number, lastSyncAt: number): ManagedDeviceRecord {
    const user = m.user;
    const mobile = m.platform === 'ios' || m.platform === 'android';
    return {
      id,
      userId: user?.id ?? null,
      deviceName: m.deviceName,
      managedDeviceName: managedDeviceName(m, enrolledAt),
      managedDeviceOwnerType: m.ownerType,
      enrolledDateTime: graphTime(enrolledAt),
      lastSyncDateTime: graphTime(lastSyncAt),
      operatingSystem: m.intuneOs,
      osVersion: m.osVersion,
      complianceState: m.compliance,
      jailBroken: mobile ? 'False' : 'Unknown',
      managementAgent: m.managementAgent,
      azureADRegistered: m.hasEntra,
      deviceEnrollmentType: m.enrollmentType,
      azureADDeviceId: m.entraDeviceId,
      deviceRegistrationState: m.hasEntra ? 'registered' : 'notRegistered',
      deviceCategoryDisplayName: m.facts.deviceCategory,
      isSupervised: m.isSupervised,
      isEncrypted: m.facts.isEncrypted,
      emailAddress: user?.mail ?? null,
      userPrincipalName: user?.userPrincipalName ?? null,
      userDisplayName: user?.displayName ?? null,
      model: m.hw.model,
      manufacturer: m.hw.manufacturer,
      serialNumber: m.serialNumber,
      imei: m.facts.imei,
      meid: '',
      phoneNumber: m.facts.phoneNumber,
      wiFiMacAddress: m.wifi === null ? null : formatMac(m.wifi, m.wifiStyle),
      ethernetMacAddress: m.ethernet === null ? null : formatMac(m.ethernet, m.ethernetStyle),
      iccid: m.facts.iccid,
      udid: m.facts.udid,
      notes: m.facts.notes,
      physicalMemoryInBytes: m.facts.physicalMemoryInBytes,
      totalStorageSpaceInBytes: m.facts.totalStorageSpaceInBytes,
      freeStorageSpaceInBytes: m.facts.freeStorageSpaceInBytes,
    };
  }

  // ----- IoT Security assets --------------------------------------------------------------------------------------

  /** Each interface IoT Security saw is its own asset, keyed by that MAC. */
  private renderMachineAssets(m: Machine): void {
    if (m.unseen) return;
    const own = ownInterfaces(m);
    const identifying = own.filter((i) => macKind(i.mac) === 'global');
    const private_ = own.filter((i) => macKind(i.mac) !== 'global');
    let seen = identifying;
    if (identifying.length === 2) {
      seen = this.rng.weighted([[identifying, 35], [identifying.slice(0, 1), 40], [identifying.slice(1), 25]] as const);
    }
    seen = [...seen, ...private_.filter(() => this.rng.chance(0.5))];
    // A phone that gives Intune no usable MAC still joins the Wi-Fi, under an address nobody else knows.
    if (identifying.length === 0 && private_.length === 0 && m.hw.form !== 'laptop' && m.hw.form !== 'desktop' && this.rng.chance(0.3)) {
      seen.push({ mac: this.macs.randomized(), wired: false });
    }
    for (const { mac, wired } of seen) {
      this.iotAssets.push(this.machineAsset(m, mac, wired));
      m.iotIds.push(mac);
    }
  }

  /** One asset per dock or dongle MAC, named after whichever laptop used it last; it belongs to no machine. */
  private renderSharedEthernetAssets(): void {
    for (const { mac, machines, trap } of this.shared) {
      const lastUser =
        trap === 'usb-dongle-moved'
          ? machines.find((m) => m.dongleRole === 'current')!
          : machines.reduce((latest, m) => (m.lastSyncAt > latest.lastSyncAt ? m : latest));
      this.iotAssets.push(this.machineAsset(lastUser, mac, true));
      this.truth.sharedMacs.push({ mac, managedDeviceIds: machines.map((m) => m.records[0]!.id), trap });
    }
  }

  private machineAsset(m: Machine, mac: string, wired: boolean): IotAssetRecord {
    const r = this.rng;
    const lastActivity = m.stale
      ? Math.min(this.now - 1000, m.lastSyncAt + r.int(-3 * 86_400, 3 * 86_400) * 1000)
      : this.now - r.int(0, 3 * 86_400 - 1) * 1000;
    const look = machineLook(m);
    const risk = m.stale ? r.int(40, 85) : r.chance(0.05) ? r.int(50, 80) : r.int(5, 45);
    return this.asset({
      deviceid: mac,
      mac_address: mac,
      hostname: look.hostname,
      category: look.category,
      profile: look.profile,
      profile_type: 'Non_IoT',
      profile_vertical: 'Traditional IT',
      vendor: m.hw.vendor,
      model: m.hw.name ?? m.hw.model,
      os_group: look.osGroup,
      os_combined: look.osCombined,
      'os/firmware_version': m.osVersion,
      Serial_Number: (m.platform === 'windows' || m.platform === 'macos') && r.chance(0.4) ? m.serialNumber : '',
      risk_score: risk,
      lastActivity,
      site: m.site,
      segment: wired ? 'wired' : 'wireless',
      wired,
      dhcp: true,
    });
  }

  private renderIotOnlyAssets(): void {
    const total = atLeast(20, this.size * SCENARIO_SHARES.iotOnly);
    const staticCount = Math.min(total, atLeast(2, total * STATIC_IP_SHARE));
    const normal = IOT_PRODUCTS.map((p) => [p, p.weight] as const);
    const staticIp = IOT_PRODUCTS.filter((p) => p.staticWeight > 0).map((p) => [p, p.staticWeight] as const);
    for (let i = 0; i < total; i++) {
      const isStatic = i < staticCount;
      const product = this.rng.weighted(isStatic ? staticIp : normal);
      const site = this.iotSite(product);
      const address = this.addresses.allocate(site, product.segment);
      const mac = isStatic ? '' : this.macs.fromVendor(product.oui);
      const n = (this.hostCounters.get(product.profile) ?? 0) + 1;
      this.hostCounters.set(product.profile, n);
      const r = this.rng;
      const offline = r.chance(0.1);
      const asset = this.asset({
        deviceid: isStatic ? address.ip : mac,
        mac_address: mac,
        hostname: product.hostname(mac.replace(/:/g, '').toUpperCase(), n),
        category: product.category,
        profile: product.profile,
        profile_type: 'IoT',
        profile_vertical: product.vertical,
        vendor: product.vendor,
        model: r.pick(product.models),
        os_group: product.osGroup,
        os_combined: product.osCombined,
        'os/firmware_version': r.pick(product.firmware),
        Serial_Number: r.chance(0.7) ? r.chars(r.int(9, 12), UPPER_ALNUM) : '',
        risk_score: r.int(product.risk[0], product.risk[1]),
        lastActivity: offline ? this.daysAgo(3, 200) : this.now - r.int(0, 2 * 86_400) * 1000,
        site,
        segment: product.segment,
        wired: true,
        dhcp: !isStatic,
        address,
      });
      this.iotAssets.push(asset);
      this.truth.iotOnly.push({ deviceid: asset.deviceid, traps: isStatic ? ['iot-only', 'static-ip'] : ['iot-only'] });
    }
  }

  /** Medical gear lives mostly at the clinic, OT at the plant, the rest wherever people are. */
  private iotSite(product: IotProduct): Site {
    const home = product.kind === 'medical' ? 'BOS' : product.kind === 'ot' ? 'MUC' : null;
    if (home && this.rng.chance(0.85)) return SITES.find((s) => s.code === home)!;
    return this.rng.weighted(SITE_WEIGHTS);
  }

  private asset(spec: AssetSpec): IotAssetRecord {
    const r = this.rng;
    const address = spec.address ?? this.addresses.allocate(spec.site, spec.segment);
    const lastActivity = spec.lastActivity - r.int(0, 999);
    const firstSeen = lastActivity - r.int(20, 900) * DAY - r.int(0, 86_399_999);
    return {
      deviceid: spec.deviceid,
      hostname: spec.hostname,
      category: spec.category,
      profile: spec.profile,
      profile_type: spec.profile_type,
      profile_vertical: spec.profile_vertical,
      ip_address: address.ip,
      mac_address: spec.mac_address,
      risk_score: spec.risk_score,
      risk_level: riskLevel(spec.risk_score),
      last_activity: iotTime(lastActivity),
      confidence_score: r.int(spec.profile_type === 'IoT' ? 60 : 80, 99),
      first_seen_date: iotTime(firstSeen),
      vendor: spec.vendor,
      model: spec.model,
      os_group: spec.os_group,
      os_combined: spec.os_combined,
      'os/firmware_version': spec['os/firmware_version'],
      Serial_Number: spec.Serial_Number,
      subnet: address.subnet,
      site_name: spec.site.name,
      vlan: address.vlan,
      wire_or_wireless: spec.wired ? 'Wired' : 'Wireless',
      DHCP: spec.dhcp ? 'Yes' : 'No',
      number_of_critical_alerts: r.chance(0.03) ? 1 : 0,
      number_of_warning_alerts: r.weighted([[0, 80], [1, 15], [2, 5]] as const),
      number_of_caution_alerts: r.weighted([[0, 70], [1, 20], [2, 7], [3, 3]] as const),
      number_of_info_alerts: r.int(0, 5),
      allTags: r.chance(0.05)
        ? [{ tagType: 'user', tagValue: r.pick(['quarantine-review', 'pci-scope', 'biomed', 'vip-floor']), tagId: r.hex(24) }]
        : [],
    };
  }

  // ----- ground truth ---------------------------------------------------------------------------------------------

  private recordTruth(machines: Machine[]): void {
    const sharedTrap = new Map(this.shared.map((s) => [s.mac, s.trap] as const));
    const assetIds = new Set(this.iotAssets.map((a) => a.deviceid));
    const identifying = (mac: string | null): mac is string => mac !== null && macKind(mac) === 'global' && !sharedTrap.has(mac);

    for (const m of machines) {
      if (m.registeredOnly) {
        this.truth.entraOnly.push({
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
      this.truth.intune.push(this.intuneTruth(m, current!, m.lastSyncAt, null, matchable, creatableMac, sharedTrap));
      if (superseded) {
        this.truth.intune.push(this.intuneTruth(m, superseded, m.supersededLastSyncAt, current!.id, [], null, sharedTrap));
      }
    }
  }

  private intuneTruth(
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
    if (this.now - lastSyncAt >= STALE_AFTER_DAYS * DAY) traps.add('stale');
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
}

interface AssetSpec {
  deviceid: string;
  mac_address: string;
  hostname: string;
  category: string;
  profile: string;
  profile_type: IotAssetRecord['profile_type'];
  profile_vertical: string;
  vendor: string;
  model: string;
  os_group: string;
  os_combined: string;
  'os/firmware_version': string;
  Serial_Number: string;
  risk_score: number;
  lastActivity: number;
  site: Site;
  segment: Segment;
  wired: boolean;
  dhcp: boolean;
  address?: { ip: string; subnet: string; vlan: string };
}

// ---------------------------------------------------------------------------------------------------------------
// Small pure helpers

/** Interfaces IoT Security could see this machine on; a dock's or dongle's MAC is the dock's, not the machine's. */
function ownInterfaces(m: Machine): Array<{ mac: string; wired: boolean }> {
  const own: Array<{ mac: string; wired: boolean }> = [];
  if (m.ethernet !== null && !m.sharedEthernet) own.push({ mac: m.ethernet, wired: true });
  if (m.wifi !== null && m.wifi !== PLACEHOLDER_MAC) own.push({ mac: m.wifi, wired: false });
  return own;
}

function machineLook(m: Machine): { hostname: string; category: string; profile: string; osGroup: string; osCombined: string } {
  // DHCP host names cannot carry spaces or apostrophes: "Ana’s MacBook Pro" announces itself as "Anas-MacBook-Pro".
  const hostname = m.deviceName.replace(/['’]/g, '').replace(/\s+/g, '-');
  const major = m.osVersion.split('.')[0] ?? m.osVersion;
  const tablet = m.hw.form === 'tablet';
  switch (m.platform) {
    case 'windows': {
      const build = Number(m.osVersion.split('.')[2] ?? 0);
      return { hostname, category: 'Personal Computer', profile: 'Windows Workstation', osGroup: 'Windows', osCombined: build >= 22000 ? 'Windows 11' : 'Windows 10' };
    }
    case 'macos':
      return { hostname, category: 'Personal Computer', profile: 'Apple macOS Workstation', osGroup: 'macOS', osCombined: `macOS ${major}` };
    case 'ios':
      return { hostname, category: tablet ? 'Tablet' : 'Smartphone', profile: tablet ? 'Apple iPad' : 'Apple iPhone', osGroup: 'iOS', osCombined: `${tablet ? 'iPadOS' : 'iOS'} ${major}` };
    case 'android':
      return { hostname, category: tablet ? 'Tablet' : 'Smartphone', profile: `${m.hw.vendor} Android ${tablet ? 'Tablet' : 'Phone'}`, osGroup: 'Android', osCombined: `Android ${major}` };
  }
}

function riskLevel(score: number): IotAssetRecord['risk_level'] {
  if (score >= 90) return 'Critical';
  if (score >= 70) return 'High';
  if (score >= 40) return 'Medium';
  return 'Low';
}

/** Intune's own naming: `upnprefix_Windows_3/15/2024_2:22 PM` (the enrolment time). */
function managedDeviceName(m: Machine, enrolledAt: number): string {
  const at = new Date(enrolledAt);
  const hours = at.getUTCHours();
  const stamp = `${at.getUTCMonth() + 1}/${at.getUTCDate()}/${at.getUTCFullYear()}_${hours % 12 || 12}:${String(at.getUTCMinutes()).padStart(2, '0')} ${hours < 12 ? 'AM' : 'PM'}`;
  const prefix = m.user ? m.user.userPrincipalName.split('@')[0]! : m.serialNumber;
  return `${prefix}_${m.managedNameToken}_${stamp}`;
}

/** Graph renders directory and Intune times to the second. */
function graphTime(ms: number): string {
  return isoTime(ms, false);
}

/** IoT Security renders times with milliseconds. */
function iotTime(ms: number): string {
  return isoTime(ms, true);
}

const calendarDays = new Map<number, string>();
const clockTimes: Array<string | undefined> = new Array(86_400);
const MILLIS_AND_ZONE = Array.from({ length: 1000 }, (_, n) => `.${String(n).padStart(3, '0')}Z`);

/**
 * `Date#toISOString` from cached pieces: a 100k fleet formats over a million timestamps, but only a few hundred
 * distinct days and at most 86,400 distinct clock times, so each result is a join of shared strings.
 */
function isoTime(ms: number, withMillis: boolean): string {
  const whole = Math.floor(ms);
  const day = Math.floor(whole / DAY);
  let date = calendarDays.get(day);
  if (date === undefined) {
    date = new Date(day * DAY).toISOString().slice(0, 11);
    calendarDays.set(day, date);
  }
  const inDay = whole - day * DAY;
  const second = Math.floor(inDay / 1000);
  let clock = clockTimes[second];
  if (clock === undefined) {
    clock = new Date(second * 1000).toISOString().slice(11, 19);
    clockTimes[second] = clock;
  }
  return date + clock + (withMillis ? MILLIS_AND_ZONE[inDay % 1000]! : 'Z');
}

function firstName(user: FleetUser | null): string {
  return user ? (user.displayName.split(' ')[0] ?? 'User') : 'Shared';
}

function asciiLetters(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

function atLeast(minimum: number, value: number): number {
  return Math.max(minimum, Math.round(value));
}

/** Hands out a pre-dealt list one value at a time. */
function dealer<T>(values: T[]): () => T {
  let next = 0;
  return () => {
    if (next >= values.length) throw new RangeError('dealer ran out of values');
    return values[next++] as T;
  };
}

function luhnCompleted(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let digit = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return body + String((10 - (sum % 10)) % 10);
}

function imei(rng: Random): string {
  return luhnCompleted(`35${rng.chars(12, '0123456789')}`);
}

function iccid(rng: Random): string {
  return luhnCompleted(`8901410${rng.chars(11, '0123456789')}`);
}
