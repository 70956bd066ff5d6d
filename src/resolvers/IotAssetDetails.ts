import type { IotAssetDetailsResolvers } from '../__generated__/resolvers-types.js';
import type { IotAsset } from '../sources/iot/types.js';

function str(asset: IotAsset, key: string): string | null {
  const v = asset[key];
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;
}

export const IotAssetDetails: IotAssetDetailsResolvers = {
  deviceId: (a) => a.deviceid,
  hostname: (a) => str(a, 'hostname'),
  ipAddress: (a) => str(a, 'ip_address'),
  macAddress: (a) => str(a, 'mac_address'),
  category: (a) => str(a, 'category'),
  profile: (a) => str(a, 'profile'),
  profileType: (a) => str(a, 'profile_type'),
  profileVertical: (a) => str(a, 'profile_vertical'),
  vendor: (a) => str(a, 'vendor'),
  model: (a) => str(a, 'model'),
  osGroup: (a) => str(a, 'os_group'),
  osVersion: (a) => str(a, 'os/firmware_version'),
  serialNumber: (a) => str(a, 'Serial_Number'),
  riskScore: (a) => (typeof a.risk_score === 'number' ? Math.round(a.risk_score) : null),
  riskLevel: (a) => str(a, 'risk_level'),
  lastActivity: (a) => str(a, 'last_activity'),
  firstSeen: (a) => str(a, 'first_seen_date'),
  site: (a) => str(a, 'site_name'),
  vlan: (a) => str(a, 'vlan'),
  wiredOrWireless: (a) => str(a, 'wire_or_wireless'),
  // Integrations' attributes are stored as `<integration>.<attribute>`; "os/firmware_version" is the API's own.
  integrationAttributes: (a) =>
    Object.entries(a)
      .filter(([k, v]) => k.includes('.') && v !== null && v !== undefined)
      .map(([key, value]) => ({ key, value: String(value) }))
      .sort((x, y) => (x.key < y.key ? -1 : 1)),
};
