/** Graph v1.0 `device`, the properties the gateway reads (exact Graph names; a codegen mapper target). */
export interface EntraDevice {
  id: string;
  deviceId: string | null;
  displayName: string | null;
  operatingSystem: string | null;
  operatingSystemVersion: string | null;
  trustType: string | null;
  accountEnabled: boolean | null;
  isCompliant: boolean | null;
  isManaged: boolean | null;
  managementType: string | null;
  deviceOwnership: string | null;
  enrollmentType: string | null;
  profileType: string | null;
  manufacturer: string | null;
  model: string | null;
  registrationDateTime: string | null;
  approximateLastSignInDateTime: string | null;
  onPremisesSyncEnabled: boolean | null;
}

/** A delta page entry for a device that left the directory. */
export interface EntraRemoved {
  id: string;
  '@removed': { reason: 'changed' | 'deleted' | string };
}

export interface DirectoryUser {
  '@odata.type'?: string;
  id: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
  mail?: string | null;
}

/** Graph's trustType values, plus our catch-all for a value Graph adds later. */
export type TrustTypeValue = 'Workplace' | 'AzureAd' | 'ServerAd' | 'unknown';
