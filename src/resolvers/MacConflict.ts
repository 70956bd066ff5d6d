import type { MacConflictResolvers } from '../__generated__/resolvers-types.js';
import type { UnifiedDevice } from '../correlate/model.js';

export const MacConflict: MacConflictResolvers = {
  devices: async (conflict, _, ctx) => (await ctx.loaders.device.loadMany(conflict.deviceIds)).filter((d): d is UnifiedDevice => d !== null && !(d instanceof Error)),
  iotAsset: (conflict, _, ctx) => (conflict.iotDeviceId ? ctx.loaders.device.load(`iot:${conflict.iotDeviceId}`) : null),
};
