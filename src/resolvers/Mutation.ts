import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { requireRole } from '../auth/authorize.js';
import { actorOf } from '../auth/principal.js';
import { badInput } from '../errors.js';

export const Mutation: MutationResolvers = {
  // The authorization plugin refuses these before execution; checked again here so that a resolver is never
  // reachable without its role, whatever path leads to it.
  refreshInventory(_, __, ctx) {
    requireRole(ctx.principal, 'operator', 'refreshInventory');
    return ctx.inventory.refresh();
  },

  syncDevices(_, { input }, ctx) {
    requireRole(ctx.principal, 'operator', 'syncDevices');
    const key = input?.idempotencyKey ?? null;
    if (key !== null && !/^[\w.:-]{1,128}$/.test(key)) throw badInput('idempotencyKey must be 1 to 128 letters, digits or ._:-');
    if (input?.planId && input.dryRun) throw badInput('planId applies an earlier dry run; it cannot be combined with dryRun: true');
    const scope = input?.scope ? (Object.fromEntries(Object.entries(input.scope).filter(([, v]) => v !== null && v !== undefined)) as never) : null;
    return ctx.sync.start(
      {
        dryRun: input?.dryRun ?? false,
        createMissing: input?.createMissing ?? true,
        scope,
        planId: input?.planId ?? null,
        idempotencyKey: key,
        fullResync: input?.fullResync ?? false,
        trigger: 'api',
        actor: actorOf(ctx.principal),
      },
      input?.wait ?? true,
    );
  },
};
