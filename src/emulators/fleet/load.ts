import { readFileSync } from 'node:fs';
import type { EntraDeviceRecord, Fleet, FleetTruth, FleetUser, IotAssetRecord, ManagedDeviceRecord } from './types.js';

/**
 * The `--fleet FILE` format: the three inventories as the services hold them (wire field names), the users they
 * point at, and optionally the ground truth. A generated fleet written with `fleetToFile` is a complete example.
 */
export interface FleetFile {
  users: FleetUser[];
  entraDevices: EntraDeviceRecord[];
  managedDevices: ManagedDeviceRecord[];
  iotAssets: IotAssetRecord[];
  truth?: FleetTruth;
}

export class FleetFileError extends Error {
  override name = 'FleetFileError';
}

/** Reads and checks a fleet file. Nothing is normalised; absent optional fields get the services' own defaults. */
export function loadFleetFile(path: string): Fleet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new FleetFileError(`fleet file ${path}: cannot read it (${(error as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new FleetFileError(`fleet file ${path}: not valid JSON (${(error as Error).message})`);
  }
  try {
    return { origin: { kind: 'file', path }, ...parseFleetFile(data) };
  } catch (error) {
    if (error instanceof FleetFileError) throw new FleetFileError(`${error.message} (${path})`);
    throw error;
  }
}

/** The inverse of loading: what `JSON.stringify` should write to make a fleet file. */
export function fleetToFile(fleet: Fleet): FleetFile {
  return {
    users: fleet.users,
    entraDevices: fleet.entraDevices,
    managedDevices: fleet.managedDevices,
    iotAssets: fleet.iotAssets,
    truth: fleet.truth,
  };
}

export function parseFleetFile(data: unknown): Omit<Fleet, 'origin'> {
  if (!isObject(data)) throw new FleetFileError('fleet file: the top level must be a JSON object');
  const truth = data['truth'] ?? {};
  if (!isObject(truth)) throw new FleetFileError('fleet file truth: must be an object');
  const fleet = {
    users: records<FleetUser>(data, 'users', USER),
    entraDevices: records<EntraDeviceRecord>(data, 'entraDevices', ENTRA_DEVICE),
    managedDevices: records<ManagedDeviceRecord>(data, 'managedDevices', MANAGED_DEVICE),
    iotAssets: records<IotAssetRecord>(data, 'iotAssets', IOT_ASSET),
    truth: {
      intune: records<FleetTruth['intune'][number]>(truth, 'intune', TRUTH_INTUNE, 'truth.', false),
      entraOnly: records<FleetTruth['entraOnly'][number]>(truth, 'entraOnly', TRUTH_ENTRA_ONLY, 'truth.', false),
      iotOnly: records<FleetTruth['iotOnly'][number]>(truth, 'iotOnly', TRUTH_IOT_ONLY, 'truth.', false),
      sharedMacs: records<FleetTruth['sharedMacs'][number]>(truth, 'sharedMacs', TRUTH_SHARED_MAC, 'truth.', false),
    },
  };
  // The emulators key records by these; a repeat would silently hide a record.
  unique(fleet.users, 'users', 'id');
  unique(fleet.entraDevices, 'entraDevices', 'id');
  unique(fleet.entraDevices, 'entraDevices', 'deviceId');
  unique(fleet.managedDevices, 'managedDevices', 'id');
  unique(fleet.iotAssets, 'iotAssets', 'deviceid');
  return fleet;
}

// ---------------------------------------------------------------------------------------------------------------
// Field rules: a required field, or an optional one and the value the service itself answers when it has none.

type Kind = 'string' | 'number' | 'boolean' | 'array';
interface Rule {
  kind: Kind;
  required: boolean;
  nullable: boolean;
  fallback?: () => unknown;
  oneOf?: readonly string[];
}
type Rules = Record<string, Rule>;

const required = (kind: Kind, oneOf?: readonly string[]): Rule => ({ kind, required: true, nullable: false, ...(oneOf ? { oneOf } : {}) });
const orNull = (kind: Kind): Rule => ({ kind, required: false, nullable: true, fallback: () => null });
const orDefault = (kind: Kind, value: string | number | boolean): Rule => ({ kind, required: false, nullable: false, fallback: () => value });
const orEmptyList: Rule = { kind: 'array', required: false, nullable: false, fallback: () => [] };

const USER: Rules = {
  id: required('string'),
  displayName: required('string'),
  userPrincipalName: required('string'),
  mail: orNull('string'),
};

const ENTRA_DEVICE: Rules = {
  id: required('string'),
  deviceId: required('string'),
  displayName: required('string'),
  operatingSystem: required('string'),
  operatingSystemVersion: orDefault('string', ''),
  trustType: required('string', ['Workplace', 'AzureAd', 'ServerAd']),
  accountEnabled: orDefault('boolean', true),
  isCompliant: orNull('boolean'),
  isManaged: orNull('boolean'),
  managementType: orNull('string'),
  deviceOwnership: orDefault('string', 'unknown'),
  enrollmentType: orNull('string'),
  profileType: orDefault('string', 'RegisteredDevice'),
  manufacturer: orNull('string'),
  model: orNull('string'),
  mdmAppId: orNull('string'),
  registrationDateTime: required('string'),
  approximateLastSignInDateTime: orNull('string'),
  onPremisesSyncEnabled: orNull('boolean'),
  onPremisesLastSyncDateTime: orNull('string'),
  ownerUserId: orNull('string'),
};

const MANAGED_DEVICE: Rules = {
  id: required('string'),
  userId: orNull('string'),
  deviceName: required('string'),
  managedDeviceName: orDefault('string', ''),
  managedDeviceOwnerType: orDefault('string', 'unknown'),
  enrolledDateTime: required('string'),
  lastSyncDateTime: required('string'),
  operatingSystem: required('string'),
  osVersion: orDefault('string', ''),
  complianceState: orDefault('string', 'unknown'),
  jailBroken: orDefault('string', 'Unknown'),
  managementAgent: orDefault('string', 'unknown'),
  azureADRegistered: orNull('boolean'),
  deviceEnrollmentType: orDefault('string', 'unknown'),
  azureADDeviceId: orNull('string'),
  deviceRegistrationState: orDefault('string', 'unknown'),
  deviceCategoryDisplayName: orDefault('string', ''),
  isSupervised: orDefault('boolean', false),
  isEncrypted: orDefault('boolean', false),
  emailAddress: orNull('string'),
  userPrincipalName: orNull('string'),
  userDisplayName: orNull('string'),
  model: orDefault('string', ''),
  manufacturer: orDefault('string', ''),
  serialNumber: orDefault('string', ''),
  imei: orDefault('string', ''),
  meid: orDefault('string', ''),
  phoneNumber: orDefault('string', ''),
  wiFiMacAddress: orNull('string'),
  ethernetMacAddress: orNull('string'),
  iccid: orDefault('string', ''),
  udid: orDefault('string', ''),
  notes: orNull('string'),
  physicalMemoryInBytes: orDefault('number', 0),
  totalStorageSpaceInBytes: orDefault('number', 0),
  freeStorageSpaceInBytes: orDefault('number', 0),
};

// detail=false exports carry only the list fields, so everything past them is optional.
const IOT_ASSET: Rules = {
  deviceid: required('string'),
  hostname: orDefault('string', ''),
  category: orDefault('string', ''),
  profile: orDefault('string', ''),
  profile_type: required('string', ['IoT', 'Non_IoT']),
  profile_vertical: orDefault('string', ''),
  ip_address: orDefault('string', ''),
  mac_address: orDefault('string', ''),
  risk_score: orDefault('number', 0),
  risk_level: orDefault('string', 'Low'),
  last_activity: required('string'),
  confidence_score: orDefault('number', 0),
  first_seen_date: orDefault('string', ''),
  vendor: orDefault('string', ''),
  model: orDefault('string', ''),
  os_group: orDefault('string', ''),
  os_combined: orDefault('string', ''),
  'os/firmware_version': orDefault('string', ''),
  Serial_Number: orDefault('string', ''),
  subnet: orDefault('string', ''),
  site_name: orDefault('string', ''),
  vlan: orDefault('string', ''),
  wire_or_wireless: orDefault('string', 'Wired'),
  DHCP: orDefault('string', 'Yes'),
  number_of_critical_alerts: orDefault('number', 0),
  number_of_warning_alerts: orDefault('number', 0),
  number_of_caution_alerts: orDefault('number', 0),
  number_of_info_alerts: orDefault('number', 0),
  allTags: orEmptyList,
};

const TRUTH_INTUNE: Rules = {
  managedDeviceId: required('string'),
  azureADDeviceId: orNull('string'),
  iotDeviceIds: orEmptyList,
  matchableIotDeviceIds: orEmptyList,
  creatableMac: orNull('string'),
  supersededBy: orNull('string'),
  traps: orEmptyList,
};
const TRUTH_ENTRA_ONLY: Rules = { id: required('string'), deviceId: required('string'), traps: orEmptyList };
const TRUTH_IOT_ONLY: Rules = { deviceid: required('string'), traps: orEmptyList };
const TRUTH_SHARED_MAC: Rules = { mac: required('string'), managedDeviceIds: required('array'), trap: required('string') };

/**
 * Checks every record of one list against its rules and fills absent optional fields. Fields beyond the rules
 * (custom IoT attributes, `@odata` annotations of an export) are kept as they are.
 */
function records<T>(container: Record<string, unknown>, list: string, rules: Rules, prefix = '', mandatory = true): T[] {
  const value = container[list];
  if (value === undefined && !mandatory) return [];
  const where = `fleet file ${prefix}${list}`;
  if (value === undefined) throw new FleetFileError(`fleet file: missing "${list}"`);
  if (!Array.isArray(value)) throw new FleetFileError(`${where}: must be an array`);
  return value.map((item: unknown, index) => {
    const at = `${where}[${index}]`;
    if (!isObject(item)) throw new FleetFileError(`${at}: must be an object`);
    const record: Record<string, unknown> = { ...item };
    for (const [field, rule] of Object.entries(rules)) {
      const present = record[field];
      if (present === undefined || (present === null && !rule.nullable && !rule.required)) {
        if (rule.required) throw new FleetFileError(`${at}: missing "${field}"`);
        record[field] = rule.fallback!();
        continue;
      }
      if (present === null && rule.nullable) continue;
      if (!hasKind(present, rule.kind)) {
        throw new FleetFileError(`${at}: "${field}" must be ${rule.nullable ? `a ${rule.kind} or null` : `a ${rule.kind}`}, got ${JSON.stringify(present)}`);
      }
      if (rule.oneOf && !rule.oneOf.includes(present as string)) {
        throw new FleetFileError(`${at}: "${field}" must be one of ${rule.oneOf.join(', ')}, got ${JSON.stringify(present)}`);
      }
    }
    return record as T;
  });
}

function unique<T>(items: readonly T[], list: string, key: keyof T & string): void {
  const seen = new Map<unknown, number>();
  items.forEach((item, index) => {
    const value = item[key];
    const first = seen.get(value);
    if (first !== undefined) {
      throw new FleetFileError(`fleet file ${list}[${index}]: "${key}" ${JSON.stringify(value)} repeats ${list}[${first}]`);
    }
    seen.set(value, index);
  });
}

function hasKind(value: unknown, kind: Kind): boolean {
  return kind === 'array' ? Array.isArray(value) : typeof value === kind && !(kind === 'number' && !Number.isFinite(value));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
