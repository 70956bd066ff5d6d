import type { MutationResolvers } from '../__generated__/resolvers-types.js';

export const Mutation: MutationResolvers = {
  refreshInventory: (_, __, ctx) => ctx.inventory.refresh(),
};
