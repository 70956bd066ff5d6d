import type { IntuneDeviceDetailsResolvers } from '../__generated__/resolvers-types.js';
import { ComplianceState, EnrollmentType } from './enums.js';
import { knownOr } from './enumValues.js';

export const IntuneDeviceDetails: IntuneDeviceDetailsResolvers = {
  wifiMacAddress: (d) => d.wiFiMacAddress,
  azureAdDeviceId: (d) => d.azureADDeviceId,
  enrollmentType: (d) => knownOr(d.deviceEnrollmentType, EnrollmentType, 'unknownFutureValue'),
  enrollmentTypeRaw: (d) => d.deviceEnrollmentType,
  complianceState: (d) => knownOr(d.complianceState, ComplianceState, 'unknown'),
  ownerType: (d) => d.managedDeviceOwnerType,
  enrolledAt: (d) => d.enrolledDateTime,
  lastSyncAt: (d) => d.lastSyncDateTime,
};
