import type { DeviceStatsResolvers } from '../__generated__/resolvers-types.js';
import type { StatBucket } from '../store/types.js';
import { enumName } from './enumValues.js';

/** Keys that name enum values are shown as the enum's GraphQL names, so a dashboard can feed them back into a filter. */
const asEnumNames = (buckets: StatBucket[]): StatBucket[] => buckets.map((b) => ({ ...b, key: b.key === null ? null : enumName(b.key) }));

export const DeviceStats: DeviceStatsResolvers = {
  bySourceCoverage: (stats) => asEnumNames(stats.bySourceCoverage),
  byMatchStatus: (stats) => asEnumNames(stats.byMatchStatus),
  byMacClass: (stats) => asEnumNames(stats.byMacClass),
};
