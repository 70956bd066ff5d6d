/**
 * A sliding-window request counter, per key (app, tenant, route family): `limit` requests per `windowMs`.
 * Sliding rather than fixed so a client cannot spend two windows' worth in a burst across a boundary,
 * which is how the real services behave from the outside.
 */
export class WindowLimiter {
  readonly limit: number;
  readonly windowMs: number;
  readonly #slices: number;
  readonly #sliceMs: number;
  readonly #buckets = new Map<string, { counts: number[]; stamps: number[] }>();
  readonly #now: () => number;

  constructor(options: { limit: number; windowMs: number; slices?: number; now?: () => number }) {
    if (!(options.limit > 0) || !(options.windowMs > 0)) throw new Error('WindowLimiter: limit and windowMs must be positive');
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.#slices = options.slices ?? 20;
    this.#sliceMs = this.windowMs / this.#slices;
    this.#now = options.now ?? Date.now;
  }

  /** Counts one request (or `cost`) if it fits; otherwise tells how long until it would. */
  take(key: string, cost = 1): { ok: true } | { ok: false; retryAfterMs: number } {
    const now = this.#now();
    const slice = Math.floor(now / this.#sliceMs);
    let b = this.#buckets.get(key);
    if (!b) {
      b = { counts: new Array(this.#slices).fill(0), stamps: new Array(this.#slices).fill(-1) };
      this.#buckets.set(key, b);
    }
    let used = 0;
    for (let i = 0; i < this.#slices; i++) {
      if (b.stamps[i]! > slice - this.#slices) used += b.counts[i]!;
    }
    if (used + cost > this.limit) {
      // The oldest live slice frees its share first.
      let oldest = slice;
      for (let i = 0; i < this.#slices; i++) {
        const s = b.stamps[i]!;
        if (s > slice - this.#slices && b.counts[i]! > 0 && s < oldest) oldest = s;
      }
      const freesAt = (oldest + this.#slices) * this.#sliceMs;
      return { ok: false, retryAfterMs: Math.max(1, Math.ceil(freesAt - now)) };
    }
    const idx = slice % this.#slices;
    if (b.stamps[idx] !== slice) {
      b.stamps[idx] = slice;
      b.counts[idx] = 0;
    }
    b.counts[idx]! += cost;
    return { ok: true };
  }

  reset(): void {
    this.#buckets.clear();
  }
}
