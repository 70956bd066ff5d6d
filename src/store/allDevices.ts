import type { UnifiedDevice } from '../correlate/model.js';
import type { DeviceFilter, Store } from './types.js';

/** Every device matching `filter`, read page by page in id order (for whole-inventory work such as a sync plan). */
export function allDevices(store: Store, filter?: DeviceFilter): UnifiedDevice[] {
  const out: UnifiedDevice[] = [];
  let after: string | null = null;
  for (;;) {
    const page = store.listDevices({ filter, first: 1000, after, orderBy: { field: 'ID', direction: 'ASC' } });
    out.push(...page.devices);
    if (!page.hasNextPage) return out;
    after = page.endCursor;
  }
}
