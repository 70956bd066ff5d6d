import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { badInput } from '../errors.js';

export const Mutation: MutationResolvers = {
  refreshInventory: (_, __, ctx) => ctx.inventory.refresh(),

  syncDevices(_, { input }, ctx) {
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
        actor: null,
      },
      input?.wait ?? true,
    );
  },
};
