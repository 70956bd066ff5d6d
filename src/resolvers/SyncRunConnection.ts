import type { SyncRunConnectionResolvers } from '../__generated__/resolvers-types.js';

export const SyncRunConnection: SyncRunConnectionResolvers = {
  nodes: (page) => page.runs,
  pageInfo: (page) => ({ hasNextPage: page.hasNextPage, hasPreviousPage: false, startCursor: null, endCursor: page.endCursor }),
};
