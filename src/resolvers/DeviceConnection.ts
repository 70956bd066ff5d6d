import type { DeviceConnectionResolvers } from '../__generated__/resolvers-types.js';

export const DeviceConnection: DeviceConnectionResolvers = {
  edges: (page) => page.devices.map((node, i) => ({ node, cursor: page.cursors[i]! })),
  nodes: (page) => page.devices,
  pageInfo: (page) => ({
    hasNextPage: page.hasNextPage,
    hasPreviousPage: page.hasPreviousPage,
    startCursor: page.startCursor,
    endCursor: page.endCursor,
  }),
};
