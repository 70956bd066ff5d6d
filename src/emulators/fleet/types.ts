/**
 * The emulated world: what Entra ID, Intune and IoT Security each hold, plus the ground truth the
 * correlation is scored against. Records use the services' own wire field names, so the emulators
 * serve them with little more than projection; this is also the documented `--fleet FILE` format.
 */

export interface FleetUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail: string | null;
}

/** Graph v1.0 `device`, as the directory stores it. */
export interface EntraDeviceRecord {
  id: string;
  deviceId: string;
  displayName: string;
  operatingSystem: string;
  operatingSystemVersion: string;
  trustType: 'Workplace' | 'AzureAd' | 'ServerAd';
  accountEnabled: boolean;
  isCompliant: boolean | null;
  isManaged: boolean | null;
  managementType: string | null;
  deviceOwnership: 'unknown' | 'company' | 'personal';
  enrollmentType: string | null;
  profileType: 'RegisteredDevice' | 'SecureVM' | 'Printer' | 'Shared' | 'IoT';
  manufacturer: string | null;
  model: string | null;
  mdmAppId: string | null;
  registrationDateTime: string;
  approximateLastSignInDateTime: string | null;
  onPremisesSyncEnabled: boolean | null;
  onPremisesLastSyncDateTime: string | null;
  /** Object id of the registered owner (registeredOwners has at most one). */
  ownerUserId: string | null;
}

/** Graph v1.0 `managedDevice`, with the real values of the non-default properties. */
export interface ManagedDeviceRecord {
  id: string;
  userId: string | null;
  deviceName: string;
  managedDeviceName: string;
  managedDeviceOwnerType: 'unknown' | 'company' | 'personal';
  enrolledDateTime: string;
  lastSyncDateTime: string;
  operatingSystem: string;
  osVersion: string;
  complianceState: 'unknown' | 'compliant' | 'noncompliant' | 'conflict' | 'error' | 'inGracePeriod' | 'configManager';
  jailBroken: string;
  managementAgent: string;
  azureADRegistered: boolean | null;
  deviceEnrollmentType: string;
  azureADDeviceId: string | null;
  deviceRegistrationState: string;
  deviceCategoryDisplayName: string;
  isSupervised: boolean;
  isEncrypted: boolean;
  emailAddress: string | null;
  userPrincipalName: string | null;
  userDisplayName: string | null;
  model: string;
  manufacturer: string;
  serialNumber: string;
  imei: string;
  meid: string;
  phoneNumber: string;
  wiFiMacAddress: string | null;
  /** Real value; LIST and GET without $select answer null (the non-default-property quirk). */
  ethernetMacAddress: string | null;
  /** Non-default properties too: LIST answers their defaults. */
  iccid: string;
  udid: string;
  notes: string | null;
  physicalMemoryInBytes: number;
  totalStorageSpaceInBytes: number;
  freeStorageSpaceInBytes: number;
}

/**
 * One IoT Security asset as the device-detail route returns it (flat). `deviceid` is the lower-case colon MAC,
 * or the IP address for a static-IP asset. Attributes written by bulkUpdate land in the same record.
 */
export interface IotAssetRecord {
  deviceid: string;
  hostname: string;
  category: string;
  profile: string;
  profile_type: 'IoT' | 'Non_IoT';
  profile_vertical: string;
  ip_address: string;
  mac_address: string;
  risk_score: number;
  risk_level: 'Low' | 'Medium' | 'High' | 'Critical';
  last_activity: string;
  confidence_score: number;
  first_seen_date: string;
  vendor: string;
  model: string;
  os_group: string;
  os_combined: string;
  'os/firmware_version': string;
  Serial_Number: string;
  subnet: string;
  site_name: string;
  vlan: string;
  wire_or_wireless: 'Wired' | 'Wireless';
  DHCP: 'Yes' | 'No';
  number_of_critical_alerts: number;
  number_of_warning_alerts: number;
  number_of_caution_alerts: number;
  number_of_info_alerts: number;
  allTags: Array<{ tagType: string; tagValue: string; tagId: string }>;
  [attribute: string]: unknown;
}

/** Every trap the generator plants; each must appear at the default size. */
export const TRAPS = [
  'ethernet-match', // laptop seen by IoT on its Ethernet MAC
  'wifi-match', // seen on its Wi-Fi MAC only
  'dock-shared-mac', // a hot-desk dock (MAC pass-through) puts one Ethernet MAC on several laptops
  'usb-dongle-moved', // a USB Ethernet dongle moved between laptops: both Intune records name its MAC
  'randomized-mac', // locally administered (private) Wi-Fi MAC
  'placeholder-mac', // 02:00:00:00:00:00 reported by Android
  'no-mac', // Intune has no MAC at all
  'mac-format', // MAC in another format or case (dashes, dots, lower case)
  'entra-only', // registered in Entra, no Intune record
  'intune-duplicate', // re-enrolled: two Intune records, same serial and azureADDeviceId
  'hybrid-two-entra', // hybrid-joined: a ServerAd and a Workplace Entra object for one machine
  'not-in-iot', // identifying MAC that IoT Security has never seen (a create)
  'stale', // not synced or seen for months
  'iot-only', // printer, camera, phone, medical or OT asset with no Entra/Intune record
  'static-ip', // IoT asset keyed by its IP address
] as const;
export type Trap = (typeof TRAPS)[number];

/** Ground truth for one Intune record: the IoT assets it really is. */
export interface IntuneTruth {
  managedDeviceId: string;
  /** Entra `deviceId` it really belongs to (null when it has none). */
  azureADDeviceId: string | null;
  /** Every IoT asset that is really this machine (one per interface IoT has seen). */
  iotDeviceIds: string[];
  /** The subset an honest MAC rule can find: assets keyed by a MAC that identifies only this machine. */
  matchableIotDeviceIds: string[];
  /** A MAC this record could create an asset with (identifying, unique, not in IoT). */
  creatableMac: string | null;
  /** True for the older record of a re-enrolled device: the newer record owns the match. */
  supersededBy: string | null;
  /**
   * Entra `deviceId`s of other directory objects for the same machine, such as the Workplace registration that a
   * hybrid join leaves behind (trap hybrid-two-entra). Absent when there are none.
   */
  otherEntraDeviceIds?: string[];
  traps: Trap[];
}

export interface FleetTruth {
  intune: IntuneTruth[];
  entraOnly: Array<{ id: string; deviceId: string; traps: Trap[] }>;
  iotOnly: Array<{ deviceid: string; traps: Trap[] }>;
  /** MACs found on more than one Intune record, normalised lower-case colon form. */
  sharedMacs: Array<{ mac: string; managedDeviceIds: string[]; trap: Trap }>;
}

export interface Fleet {
  /** `generated` fleets repeat from (seed, size, now); `file` fleets come from a user's export. */
  origin: { kind: 'generated'; seed: number; size: number; now: string } | { kind: 'file'; path: string };
  users: FleetUser[];
  entraDevices: EntraDeviceRecord[];
  managedDevices: ManagedDeviceRecord[];
  iotAssets: IotAssetRecord[];
  truth: FleetTruth;
}
