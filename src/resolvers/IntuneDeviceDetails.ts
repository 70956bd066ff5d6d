import type { IntuneDeviceDetailsResolvers } from '../__generated__/resolvers-types.js';
import { ComplianceState, EnrollmentType, knownOr } from './enums.js';

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
