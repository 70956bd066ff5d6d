import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { badInput, GatewayError, GatewayErrorCode } from '../errors.js';
import { normalizeMac } from '../correlate/mac.js';
import type { DeviceFilter } from '../store/types.js';
import type { GatewayContext } from '../context.js';

export const MAX_PAGE_SIZE = 500;

function requireSnapshot(ctx: GatewayContext): void {
  if (!ctx.store.hasSnapshot()) {
    throw new GatewayError(GatewayErrorCode.NOT_READY, 'the first inventory refresh has not finished yet; see inventoryStatus');
  }
}

/** GraphQL input → store filter: drops nulls (GraphQL's "not given") so the store sees only real constraints. */
function toFilter(input: Record<string, unknown> | null | undefined): DeviceFilter | undefined {
  if (!input) return undefined;
  const filter = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined)) as DeviceFilter;
  if (typeof filter.text === 'string' && filter.text.length > 200) throw badInput('filter.text is limited to 200 characters');
  // Control characters match nothing a device holds, and SQLite's full-text index refuses a NUL outright.
  if (typeof filter.text === 'string' && /[\u0000-\u001f\u007f]/.test(filter.text)) throw badInput('filter.text must not contain control characters');
  return filter;
}

function pageSize(name: string, value: number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (value < 0 || value > MAX_PAGE_SIZE) throw badInput(`${name} must be between 0 and ${MAX_PAGE_SIZE} (got ${value})`);
  return value;
}

export const Query: QueryResolvers = {
  devices(_, args, ctx) {
    requireSnapshot(ctx);
    // `first` has a default, so `last` alone decides the direction: paging backwards is asked for explicitly.
    const first = pageSize('first', args.first);
    const last = pageSize('last', args.last);
    return ctx.store.listDevices({
      filter: toFilter(args.filter),
      orderBy: args.orderBy ? { field: args.orderBy.field, direction: args.orderBy.direction ?? 'ASC' } : undefined,
      ...(last !== undefined ? { last, before: args.before ?? null } : { first: first ?? 50, after: args.after ?? null }),
    });
  },

  device(_, { id }, ctx) {
    requireSnapshot(ctx);
    return ctx.loaders.device.load(id);
  },

  deviceByMac(_, { mac }, ctx) {
    if (!normalizeMac(mac)) throw badInput(`"${mac.slice(0, 40)}" is not a MAC address (expected e.g. aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF, aabb.ccdd.eeff or 12 hex digits)`);
    requireSnapshot(ctx);
    return ctx.store.getDeviceByMac(mac);
  },

  deviceStats(_, { filter }, ctx) {
    requireSnapshot(ctx);
    return ctx.store.deviceStats(toFilter(filter));
  },

  macConflicts(_, __, ctx) {
    requireSnapshot(ctx);
    return ctx.store.macConflicts();
  },

  inventoryStatus(_, __, ctx) {
    return ctx.inventory.status();
  },

  syncRun: (_, { id }, ctx) => ctx.store.getSyncRun(id),

  syncRuns(_, args, ctx) {
    const first = pageSize('first', args.first) ?? 20;
    return ctx.store.listSyncRuns({ first, after: args.after ?? null });
  },
};
