import type { SyncItemConnectionResolvers } from '../__generated__/resolvers-types.js';

export const SyncItemConnection: SyncItemConnectionResolvers = {
  nodes: (page) => page.items,
  pageInfo: (page) => ({ hasNextPage: page.hasNextPage, hasPreviousPage: false, startCursor: null, endCursor: page.endCursor }),
};
