import type { SyncItemResolvers } from '../__generated__/resolvers-types.js';
import { enumName } from './enumValues.js';

export const SyncItem: SyncItemResolvers = {
  device: (item, _, ctx) => ctx.loaders.device.load(item.deviceId),
  reason: (item) => item.reason && enumName(item.reason),
};
