import { batchGetByKey, graphPages } from '../graph/graphRequests.js';
import type { Graph } from '../graph/graphClient.js';
import type { ManagedDevice } from './types.js';

/** Properties Intune returns as null/defaults in LIST; a per-device GET with $select fills them. */
export const NON_DEFAULT_FIELDS = ['ethernetMacAddress'] as const;

export const MANAGED_DEVICE_FIELDS = [
  'id', 'deviceName', 'operatingSystem', 'osVersion', 'ethernetMacAddress', 'wiFiMacAddress', 'emailAddress',
  'userPrincipalName', 'userDisplayName', 'userId', 'azureADDeviceId', 'deviceEnrollmentType', 'managementAgent',
  'managedDeviceOwnerType', 'complianceState', 'model', 'manufacturer', 'serialNumber', 'imei', 'enrolledDateTime',
  'lastSyncDateTime', 'isEncrypted', 'jailBroken',
] as const;

export type HydratedFields = Pick<ManagedDevice, 'id' | (typeof NON_DEFAULT_FIELDS)[number]>;

export interface IntuneSource {
  /** Every managed device; ethernetMacAddress is null in these, as Intune's LIST answers it. */
  listManagedDevices(): AsyncGenerator<ManagedDevice[]>;
  /** Managed devices by id, all properties, through $batch; a missing or failed id maps to an Error. */
  getManagedDevices(ids: readonly string[]): Promise<Map<string, ManagedDevice | Error>>;
  /** The LIST-null properties by id, through batched single GETs whose $select names them. */
  getNonDefaultFields(ids: readonly string[]): Promise<Map<string, HydratedFields | Error>>;
}

export function createIntuneSource(graph: Graph): IntuneSource {
  const byId = <T>(ids: readonly string[], select: readonly string[]) =>
    batchGetByKey<T>(graph, ids, (id) => `/deviceManagement/managedDevices/${encodeURIComponent(id)}?$select=${select.join(',')}`, (body) =>
      body && typeof (body as { id?: unknown }).id === 'string' ? (body as T) : undefined,
    );

  return {
    listManagedDevices: () => graphPages<ManagedDevice>(graph, `/deviceManagement/managedDevices?$select=${MANAGED_DEVICE_FIELDS.join(',')}&$top=1000`),
    getManagedDevices: (ids) => byId<ManagedDevice>(ids, MANAGED_DEVICE_FIELDS),
    getNonDefaultFields: (ids) => byId<HydratedFields>(ids, ['id', ...NON_DEFAULT_FIELDS]),
  };
}
