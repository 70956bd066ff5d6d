import type { EntraDeviceRecord, FleetUser, ManagedDeviceRecord } from '../fleet/types.js';

/** A Graph entity type's structural properties, in the order Graph serialises them. */
export interface EntitySchema {
  type: string;
  properties: readonly string[];
}

/** Graph matches property names case-insensitively and answers with the schema's casing. */
export function canonicalProperty(schema: EntitySchema, name: string): string | undefined {
  const lower = name.toLowerCase();
  return schema.properties.find((p) => p.toLowerCase() === lower);
}

/**
 * `$select` as the schema's property names, or the first name the type does not have (Graph answers that
 * with "Could not find a property named …"). Empty items (`$select=a,,b`) are skipped, as Graph does.
 */
export function parseSelect(schema: EntitySchema, raw: string): { select: string[] } | { unknown: string } {
  const select: string[] = [];
  for (const name of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const canonical = canonicalProperty(schema, name);
    if (!canonical) return { unknown: name };
    if (!select.includes(canonical)) select.push(canonical);
  }
  return { select };
}

/**
 * Builds the projection once per request: pages hold up to a thousand entities, so the property list and
 * the value lookup are settled before the per-entity loop, which only reads and copies.
 */
function projector<T extends object>(
  schema: EntitySchema,
  names: ReadonlySet<string>,
  valueOf: (record: Readonly<Record<string, unknown>>, property: string) => unknown,
): (record: T) => Record<string, unknown> {
  const properties = schema.properties.filter((p) => names.has(p));
  return (record) => {
    const values = record as Readonly<Record<string, unknown>>;
    const out: Record<string, unknown> = {};
    for (const p of properties) out[p] = valueOf(values, p) ?? null;
    return out;
  };
}

export const DEVICE_SCHEMA: EntitySchema = {
  type: 'microsoft.graph.device',
  properties: [
    'id', 'deletedDateTime', 'accountEnabled', 'approximateLastSignInDateTime', 'complianceExpirationDateTime', 'deviceCategory', 'deviceId',
    'deviceMetadata', 'deviceOwnership', 'deviceVersion', 'displayName', 'enrollmentProfileName', 'enrollmentType', 'isCompliant', 'isManaged',
    'isManagementRestricted', 'isRooted', 'managementType', 'manufacturer', 'mdmAppId', 'model', 'onPremisesLastSyncDateTime',
    'onPremisesSecurityIdentifier', 'onPremisesSyncEnabled', 'operatingSystem', 'operatingSystemVersion', 'physicalIds', 'profileType',
    'registrationDateTime', 'systemLabels', 'trustType', 'alternativeSecurityIds',
  ],
};

/** The docs mark these "returned only on $select". */
const DEVICE_SELECT_ONLY = new Set(['isManagementRestricted', 'onPremisesSecurityIdentifier']);
const DEVICE_DEFAULT_PROPERTIES = new Set(DEVICE_SCHEMA.properties.filter((p) => !DEVICE_SELECT_ONLY.has(p)));

/** Device properties the fleet does not model, with the values an ordinary tenant shows for them. */
const DEVICE_UNMODELLED: Readonly<Record<string, unknown>> = { physicalIds: [], systemLabels: [], alternativeSecurityIds: [] };

/** Projects devices to their wire shape: the default properties, or exactly the selected ones. */
export function deviceProjector(select?: readonly string[]): (record: EntraDeviceRecord) => Record<string, unknown> {
  return projector(DEVICE_SCHEMA, select ? new Set(select) : DEVICE_DEFAULT_PROPERTIES, (r, p) => r[p] ?? DEVICE_UNMODELLED[p]);
}

export const MANAGED_DEVICE_SCHEMA: EntitySchema = {
  type: 'microsoft.graph.managedDevice',
  properties: [
    'id', 'userId', 'deviceName', 'managedDeviceOwnerType', 'enrolledDateTime', 'lastSyncDateTime', 'operatingSystem', 'complianceState', 'jailBroken',
    'managementAgent', 'osVersion', 'easActivated', 'easDeviceId', 'easActivationDateTime', 'azureADRegistered', 'deviceEnrollmentType',
    'activationLockBypassCode', 'emailAddress', 'azureADDeviceId', 'deviceRegistrationState', 'deviceCategoryDisplayName', 'isSupervised',
    'exchangeLastSuccessfulSyncDateTime', 'exchangeAccessState', 'exchangeAccessStateReason', 'remoteAssistanceSessionUrl',
    'remoteAssistanceSessionErrorDetails', 'isEncrypted', 'userPrincipalName', 'model', 'manufacturer', 'imei',
    'complianceGracePeriodExpirationDateTime', 'serialNumber', 'phoneNumber', 'androidSecurityPatchLevel', 'userDisplayName',
    'configurationManagerClientEnabledFeatures', 'wiFiMacAddress', 'deviceHealthAttestationState', 'subscriberCarrier', 'meid',
    'totalStorageSpaceInBytes', 'freeStorageSpaceInBytes', 'managedDeviceName', 'partnerReportedThreatState', 'requireUserEnrollmentApproval',
    'managementCertificateExpirationDate', 'iccid', 'udid', 'notes', 'ethernetMacAddress', 'physicalMemoryInBytes', 'enrollmentProfileName',
    'managementState', 'deviceActionResults',
  ],
};

/**
 * THE QUIRK (FACTS §2): Intune's "non-default" properties answer these placeholders in LIST and in a single
 * GET whose $select does not name them. Only a single GET with $select naming one returns its real value.
 */
export const NON_DEFAULT_PLACEHOLDERS: Readonly<Record<string, unknown>> = {
  activationLockBypassCode: null,
  remoteAssistanceSessionUrl: '',
  iccid: '',
  udid: '',
  notes: null,
  ethernetMacAddress: null,
  physicalMemoryInBytes: 0,
};

/** Managed-device properties the fleet does not model, as Intune reports them for a device that never used them. */
const MANAGED_DEVICE_UNMODELLED: Readonly<Record<string, unknown>> = {
  easActivated: false,
  easDeviceId: '',
  easActivationDateTime: '0001-01-01T00:00:00Z',
  exchangeLastSuccessfulSyncDateTime: '0001-01-01T00:00:00Z',
  exchangeAccessState: 'none',
  exchangeAccessStateReason: 'none',
  remoteAssistanceSessionErrorDetails: '',
  complianceGracePeriodExpirationDateTime: '9999-12-31T23:59:59Z',
  androidSecurityPatchLevel: '',
  subscriberCarrier: '',
  partnerReportedThreatState: 'unknown',
  managementCertificateExpirationDate: '0001-01-01T00:00:00Z',
  managementState: 'managed',
  deviceActionResults: [],
};

/** Projects managed devices; `revealNonDefault` is for the single GET whose $select names the properties. */
export function managedDeviceProjector(options: {
  select?: readonly string[];
  revealNonDefault: boolean;
}): (record: ManagedDeviceRecord) => Record<string, unknown> {
  const names = new Set(options.select ?? MANAGED_DEVICE_SCHEMA.properties);
  return projector(MANAGED_DEVICE_SCHEMA, names, (r, p) =>
    !options.revealNonDefault && p in NON_DEFAULT_PLACEHOLDERS ? NON_DEFAULT_PLACEHOLDERS[p] : (r[p] ?? MANAGED_DEVICE_UNMODELLED[p]),
  );
}

/**
 * A user as a directoryObject collection member. Without a user-read permission Graph still lists the
 * member, but "limited information": only `@odata.type` and `id`.
 */
export function userEntity(user: FleetUser, limited: boolean): Record<string, unknown> {
  const base = { '@odata.type': '#microsoft.graph.user', id: user.id };
  if (limited) return base;
  return {
    ...base,
    businessPhones: [],
    displayName: user.displayName,
    givenName: null,
    jobTitle: null,
    mail: user.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: null,
    userPrincipalName: user.userPrincipalName,
  };
}
