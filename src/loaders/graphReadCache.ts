import { LRUCache } from 'lru-cache';

/**
 * Graph answers shared across requests for a short while, so a dashboard refreshing every few seconds does
 * not spend the tenant's Intune budget on the same devices. Safe to share: every read uses the gateway's own
 * app token, so no answer depends on who asked. Only successes are kept.
 *
 * It counts its lookups by the service a URL reads, for /metrics: a hit is a Graph request not sent.
 */
export class GraphReadCache extends LRUCache<string, { value: unknown }> {
  readonly lookups = { entra: { hits: 0, misses: 0 }, intune: { hits: 0, misses: 0 } };

  override get(key: string, options?: LRUCache.GetOptions<string, { value: unknown }, unknown>): { value: unknown } | undefined {
    const entry = super.get(key, options);
    const counts = this.lookups[/^\/?deviceManagement\//i.test(key) ? 'intune' : 'entra'];
    if (entry === undefined) counts.misses++;
    else counts.hits++;
    return entry;
  }
}

export function createGraphReadCache(options: { max: number; ttlMs: number }): GraphReadCache {
  return new GraphReadCache({ max: options.max, ttl: Math.max(1, options.ttlMs) });
}
