// Static catalogue for the fleet generator (sites, address plan, hardware, OS versions, names, serial alphabets, IoT products): pure data, kept apart from the logic that draws from it.
import type { OuiVendor } from './macs.js';

export interface Site {
  name: string;
  code: string;
  /** Second octet of the site's 10.x addresses; a site may grow into the next nine. */
  octet: number;
  weight: number;
}

export const SITES: readonly Site[] = [
  { name: 'Seattle HQ', code: 'SEA', octet: 20, weight: 40 },
  { name: 'Boston Clinic', code: 'BOS', octet: 30, weight: 20 },
  { name: 'London Office', code: 'LON', octet: 40, weight: 20 },
  { name: 'Munich Plant', code: 'MUC', octet: 50, weight: 12 },
  { name: 'Singapore Office', code: 'SIN', octet: 60, weight: 8 },
];
export const SITE_WEIGHTS = SITES.map((site) => [site, site.weight] as const);

export type Segment = 'wired' | 'wireless' | 'printers' | 'voice' | 'cameras' | 'medical' | 'ot' | 'facility' | 'av';

/** Third-octet ranges per segment: /24s from `third` for `blocks` subnets, one VLAN per segment. */
export const SEGMENTS: Record<Segment, { third: number; blocks: number; vlan: number }> = {
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
export const HOSTS_PER_SUBNET = 240; // .10–.249: the rest is gateways, DHCP helpers and broadcast

export type Platform = 'windows' | 'macos' | 'ios' | 'android';
export type Form = 'laptop' | 'desktop' | 'phone' | 'tablet';
export type SerialStyle = 'dell' | 'lenovo' | 'hp' | 'surface' | 'apple' | 'samsung' | 'pixel';

export interface Hardware {
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

export const WINDOWS_HARDWARE: ReadonlyArray<readonly [Hardware, number]> = [
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
export const MAC_HARDWARE: ReadonlyArray<readonly [Hardware, number]> = [
  [hw({ manufacturer: 'Apple', model: 'MacBook Pro (14-inch, 2023)', vendor: 'Apple', form: 'laptop', ethernet: null, wifi: 'apple', serial: 'apple', memoryGiB: MAC_MEMORY, storageGB: [512, 1024] }), 8],
  [hw({ manufacturer: 'Apple', model: 'MacBook Air (13-inch, M2, 2022)', vendor: 'Apple', form: 'laptop', ethernet: null, wifi: 'apple', serial: 'apple', memoryGiB: [8, 16], storageGB: [256, 512] }), 8],
  [hw({ manufacturer: 'Apple', model: 'MacBook Air (15-inch, M3, 2024)', vendor: 'Apple', form: 'laptop', ethernet: null, wifi: 'apple', serial: 'apple', memoryGiB: [8, 16, 24], storageGB: [256, 512] }), 5],
  [hw({ manufacturer: 'Apple', model: 'MacBook Pro (16-inch, Nov 2023)', vendor: 'Apple', form: 'laptop', ethernet: null, wifi: 'apple', serial: 'apple', memoryGiB: [18, 36, 48], storageGB: [512, 1024] }), 3],
  [hw({ manufacturer: 'Apple', model: 'iMac (24-inch, 2023)', vendor: 'Apple', form: 'desktop', ethernet: 'apple', wifi: 'apple', serial: 'apple', memoryGiB: [8, 16], storageGB: [256, 512] }), 1],
  [hw({ manufacturer: 'Apple', model: 'Mac mini (2023)', vendor: 'Apple', form: 'desktop', ethernet: 'apple', wifi: 'apple', serial: 'apple', memoryGiB: [8, 16, 24], storageGB: [256, 512] }), 1],
];

export const IPHONE_HARDWARE: ReadonlyArray<readonly [Hardware, number]> = [
  [hw({ manufacturer: 'Apple', model: 'iPhone 15', vendor: 'Apple', form: 'phone', ethernet: null, wifi: 'apple', cellularChance: 1, serial: 'apple', memoryGiB: [6], storageGB: [128, 256] }), 8],
  [hw({ manufacturer: 'Apple', model: 'iPhone 15 Pro', vendor: 'Apple', form: 'phone', ethernet: null, wifi: 'apple', cellularChance: 1, serial: 'apple', memoryGiB: [8], storageGB: [128, 256, 512] }), 4],
  [hw({ manufacturer: 'Apple', model: 'iPhone 14', vendor: 'Apple', form: 'phone', ethernet: null, wifi: 'apple', cellularChance: 1, serial: 'apple', memoryGiB: [6], storageGB: [128, 256] }), 6],
  [hw({ manufacturer: 'Apple', model: 'iPhone 13', vendor: 'Apple', form: 'phone', ethernet: null, wifi: 'apple', cellularChance: 1, serial: 'apple', memoryGiB: [4], storageGB: [128] }), 4],
  [hw({ manufacturer: 'Apple', model: 'iPhone SE (3rd generation)', vendor: 'Apple', form: 'phone', ethernet: null, wifi: 'apple', cellularChance: 1, serial: 'apple', memoryGiB: [4], storageGB: [64, 128] }), 3],
];
export const IPAD_HARDWARE: ReadonlyArray<readonly [Hardware, number]> = [
  [hw({ manufacturer: 'Apple', model: 'iPad (10th generation)', vendor: 'Apple', form: 'tablet', ethernet: null, wifi: 'apple', cellularChance: 0.3, serial: 'apple', memoryGiB: [4], storageGB: [64, 256] }), 5],
  [hw({ manufacturer: 'Apple', model: 'iPad Air (5th generation)', vendor: 'Apple', form: 'tablet', ethernet: null, wifi: 'apple', cellularChance: 0.3, serial: 'apple', memoryGiB: [8], storageGB: [64, 256] }), 3],
  [hw({ manufacturer: 'Apple', model: 'iPad Pro (11-inch) (4th generation)', vendor: 'Apple', form: 'tablet', ethernet: null, wifi: 'apple', cellularChance: 0.3, serial: 'apple', memoryGiB: [8, 16], storageGB: [128, 256, 512] }), 1],
];

export const ANDROID_HARDWARE: ReadonlyArray<readonly [Hardware, number]> = [
  [hw({ manufacturer: 'samsung', model: 'SM-S911B', name: 'Galaxy S23', vendor: 'Samsung', form: 'phone', ethernet: null, wifi: 'samsung', cellularChance: 1, serial: 'samsung', memoryGiB: [8], storageGB: [128, 256] }), 6],
  [hw({ manufacturer: 'samsung', model: 'SM-S921B', name: 'Galaxy S24', vendor: 'Samsung', form: 'phone', ethernet: null, wifi: 'samsung', cellularChance: 1, serial: 'samsung', memoryGiB: [8], storageGB: [128, 256] }), 5],
  [hw({ manufacturer: 'samsung', model: 'SM-A546B', name: 'Galaxy A54 5G', vendor: 'Samsung', form: 'phone', ethernet: null, wifi: 'samsung', cellularChance: 1, serial: 'samsung', memoryGiB: [6, 8], storageGB: [128] }), 6],
  [hw({ manufacturer: 'samsung', model: 'SM-X710', name: 'Galaxy Tab S9', vendor: 'Samsung', form: 'tablet', ethernet: null, wifi: 'samsung', cellularChance: 0.2, serial: 'samsung', memoryGiB: [8, 12], storageGB: [128, 256] }), 2],
  [hw({ manufacturer: 'Google', model: 'Pixel 8', name: 'Pixel 8', vendor: 'Google', form: 'phone', ethernet: null, wifi: 'google', cellularChance: 1, serial: 'pixel', memoryGiB: [8], storageGB: [128, 256] }), 4],
  [hw({ manufacturer: 'Google', model: 'Pixel 7a', name: 'Pixel 7a', vendor: 'Google', form: 'phone', ethernet: null, wifi: 'google', cellularChance: 1, serial: 'pixel', memoryGiB: [8], storageGB: [128] }), 3],
];

/** Intune osVersion strings; the stale ones are what machines that stopped checking in months ago still report. */
export const OS_VERSIONS: Record<Platform, { current: ReadonlyArray<readonly [string, number]>; stale: readonly string[] }> = {
  windows: {
    current: [['10.0.22631.4460', 40], ['10.0.26100.2314', 25], ['10.0.22621.4317', 10], ['10.0.19045.5131', 20], ['10.0.19045.5011', 5]],
    stale: ['10.0.19045.3693', '10.0.22621.2428', '10.0.19044.2965', '10.0.22631.2506'],
  },
  macos: { current: [['15.1', 25], ['15.0.1', 15], ['14.7.1', 25], ['14.6.1', 25], ['13.7.1', 10]], stale: ['13.6.3', '14.2.1', '12.7.2'] },
  ios: { current: [['18.1', 25], ['18.0.1', 20], ['17.6.1', 25], ['17.5.1', 20], ['16.7.10', 10]], stale: ['16.6', '17.1.2', '15.7.9'] },
  android: { current: [['14', 50], ['15', 20], ['13', 25], ['12', 5]], stale: ['12', '13', '11'] },
};

/** Tenant domain of every generated user principal name. */
export const DOMAIN = 'contoso.com';

export const FIRST_NAMES = [
  'Alex', 'Amelia', 'Aisha', 'Anna', 'Ben', 'Björn', 'Carlos', 'Chen', 'Chiara', 'Chloe', 'Daniel', 'David', 'Dmitri',
  'Elena', 'Emily', 'Ewa', 'Fatima', 'Felix', 'Gabriel', 'Grace', 'Hannah', 'Hiro', 'Ingrid', 'Isabel', 'Jack', 'James',
  'Jana', 'José', 'Julia', 'Kenji', 'Laura', 'Liam', 'Lucas', 'Maria', 'Mateo', 'Mia', 'Mohammed', 'Nadia', 'Noah',
  'Olivia', 'Omar', 'Priya', 'Rahul', 'Ravi', 'Sara', 'Sophie', 'Tom', 'Wei', 'Yuki', 'Zoë',
] as const;
export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez',
  'Lopez', 'Wilson', 'Anderson', 'Taylor', 'Thomas', 'Moore', 'Jackson', 'Martin', 'Lee', 'Thompson', 'White',
  'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Green', 'Baker',
  'Adams', 'Nelson', 'Hill', 'Campbell', 'Mitchell', 'Roberts', 'Carter', 'Evans', 'Turner', 'Müller', 'Schmidt',
  'Fischer', 'Weber', 'Nguyen', 'Tran', 'Kim', 'Park', 'Singh', 'Patel', 'Sharma', 'Tanaka', 'Suzuki', 'Wang', 'Zhang',
  "O'Brien", 'Dubois', 'Rossi', 'Kowalski', 'Andersson',
] as const;

export const NOTES = ['Loaner pool', 'Hot desk, floor 3', 'Keyboard replaced under warranty', 'Exec device: white-glove support', 'Shared lab machine', 'Pending hardware refresh'];
export const UPPER_ALNUM = '0123456789ABCDEFGHIJKLMNPQRSTUVWXYZ';
export const DELL_TAG = '0123456789BCDFGHJKLMNPQRSTVWXYZ';
export const APPLE_SERIAL = '0123456789CDFGHJKLMNPQRTVWXY';

// ---------------------------------------------------------------------------------------------------------------
// IoT-only products: what the firewall sees that no directory knows

export interface IotProduct {
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

export const IOT_PRODUCTS: readonly IotProduct[] = [
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
