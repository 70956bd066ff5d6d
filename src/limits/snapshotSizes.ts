import type { Store } from '../store/types.js';
import type { ListSizes } from './costModel.js';

/** The lengths of the snapshot's unpaged lists, read only when a query selects them. */
export function snapshotSizes(store: Store): ListSizes {
  return {
    macConflicts() {
      const conflicts = store.macConflicts();
      return { conflicts: conflicts.length, devices: conflicts.reduce((n, c) => n + c.deviceIds.length, 0) };
    },
  };
}
