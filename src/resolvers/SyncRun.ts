import type { SyncRunResolvers } from '../__generated__/resolvers-types.js';
import { requireRole } from '../auth/authorize.js';
import { badInput } from '../errors.js';
import { enumName } from './enumValues.js';

export const SyncRun: SyncRunResolvers = {
  progress: (run) => ({ phase: run.phase, done: run.progress.done, total: run.progress.total }),
  counts: (run) =>
    run.counts && {
      ...run.counts,
      skipsByReason: Object.entries(run.counts.skipsByReason)
        .map(([key, count]) => ({ key: enumName(key), count }))
        .sort((a, b) => b.count - a.count),
    },
  applied: (run) => run.outcomes.applied,
  failed: (run) => run.outcomes.failed,
  // The per-item details name every device and attribute value a run touched: operators only. A reader's query
  // still gets the run itself, with this field null and a FORBIDDEN error.
  items(run, args, ctx) {
    requireRole(ctx.principal, 'operator', 'SyncRun.items');
    const first = args.first ?? 50;
    if (first < 0 || first > 500) throw badInput(`first must be between 0 and 500 (got ${first})`);
    return ctx.store.listSyncItems(run.id, { first, after: args.after ?? null, actions: args.actions ?? undefined, outcomes: args.outcomes ?? undefined });
  },
};
