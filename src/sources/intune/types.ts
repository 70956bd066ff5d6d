/** Graph v1.0 `managedDevice`, the properties the gateway reads (exact Graph names). */
export interface ManagedDevice {
  id: string;
  deviceName: string | null;
  operatingSystem: string | null;
  osVersion: string | null;
  /** Null in LIST: only a single GET whose $select names it returns the real value. */
  ethernetMacAddress: string | null;
  wiFiMacAddress: string | null;
  emailAddress: string | null;
  userPrincipalName: string | null;
  userDisplayName: string | null;
  userId: string | null;
  azureADDeviceId: string | null;
  deviceEnrollmentType: string | null;
  managementAgent: string | null;
  managedDeviceOwnerType: string | null;
  complianceState: string | null;
  model: string | null;
  manufacturer: string | null;
  serialNumber: string | null;
  imei: string | null;
  enrolledDateTime: string | null;
  lastSyncDateTime: string | null;
  isEncrypted: boolean | null;
  jailBroken: string | null;
}

/** v1.0 complianceState values. */
export type ComplianceStateValue = 'unknown' | 'compliant' | 'noncompliant' | 'conflict' | 'error' | 'inGracePeriod' | 'configManager';

/** v1.0 deviceEnrollmentType values; beta-only ones and later additions map to unknownFutureValue. */
export type EnrollmentTypeValue =
  | 'unknown'
  | 'userEnrollment'
  | 'deviceEnrollmentManager'
  | 'appleBulkWithUser'
  | 'appleBulkWithoutUser'
  | 'windowsAzureADJoin'
  | 'windowsBulkUserless'
  | 'windowsAutoEnrollment'
  | 'windowsBulkAzureDomainJoin'
  | 'windowsCoManagement'
  | 'windowsAzureADJoinUsingDeviceAuth'
  | 'appleUserEnrollment'
  | 'appleUserEnrollmentWithServiceAccount'
  | 'unknownFutureValue';
