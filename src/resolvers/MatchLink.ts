import type { MatchLinkResolvers } from '../__generated__/resolvers-types.js';

export const MatchLink: MatchLinkResolvers = {
  keys: (link) => Object.entries(link.keys).map(([key, value]) => ({ key, value })),
};
