import type { InventoryStatusResolvers } from '../__generated__/resolvers-types.js';

export const InventoryStatus: InventoryStatusResolvers = {
  recentRefreshes: (_, { first }, ctx) => ctx.store.latestRefreshes(Math.min(Math.max(first ?? 10, 0), 100)),
};
