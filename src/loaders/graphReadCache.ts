import { LRUCache } from 'lru-cache';

/**
 * Graph answers shared across requests for a short while, so a dashboard refreshing every few seconds does
 * not spend the tenant's Intune budget on the same devices. Safe to share: every read uses the gateway's own
 * app token, so no answer depends on who asked. Only successes are kept.
 */
export type GraphReadCache = LRUCache<string, { value: unknown }>;

export function createGraphReadCache(options: { max: number; ttlMs: number }): GraphReadCache {
  return new LRUCache<string, { value: unknown }>({ max: options.max, ttl: Math.max(1, options.ttlMs) });
}
