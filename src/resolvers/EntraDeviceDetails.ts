import type { EntraDeviceDetailsResolvers } from '../__generated__/resolvers-types.js';
import { TrustType } from './enums.js';
import { knownOr } from './enumValues.js';

export const EntraDeviceDetails: EntraDeviceDetailsResolvers = {
  trustType: (d) => knownOr(d.trustType, TrustType, 'unknown'),
  registeredAt: (d) => d.registrationDateTime,
  lastSignInAt: (d) => d.approximateLastSignInDateTime,
};
