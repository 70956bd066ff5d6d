import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Keeps a client under an upstream's published rate instead of running into its 429s: callers `acquire(n)`
 * before sending n requests and wait while the sliding window is full. Intune allows 2000 requests per 20 s
 * per app; we default to 90% of that so other apps of the tenant and clock skew leave us room.
 */
export class RequestBudget {
  readonly limit: number;
  readonly windowMs: number;
  readonly #sent: number[] = [];
  #queue: Promise<void> = Promise.resolve();
  #waitedMs = 0;

  constructor(options: { limit: number; windowMs: number }) {
    if (!(options.limit > 0) || !(options.windowMs > 0)) throw new Error('RequestBudget: limit and windowMs must be positive');
    this.limit = options.limit;
    this.windowMs = options.windowMs;
  }

  /** Total time callers spent waiting for room, for the sync ledger and benchmarks. */
  get waitedMs(): number {
    return this.#waitedMs;
  }

  /** Resolves once `n` more requests fit in the window; requests are granted in call order. */
  acquire(n = 1): Promise<void> {
    if (n > this.limit) throw new Error(`RequestBudget: asked for ${n} at once, more than the limit of ${this.limit}`);
    const turn = this.#queue.then(() => this.#waitFor(n));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #waitFor(n: number): Promise<void> {
    for (;;) {
      const now = Date.now();
      while (this.#sent.length > 0 && this.#sent[0]! <= now - this.windowMs) this.#sent.shift();
      if (this.#sent.length + n <= this.limit) {
        for (let i = 0; i < n; i++) this.#sent.push(now);
        return;
      }
      // The stamp that must expire before n more fit.
      const blocking = this.#sent[this.#sent.length + n - this.limit - 1]!;
      const wait = Math.max(1, blocking + this.windowMs - now);
      this.#waitedMs += wait;
      await sleep(wait);
    }
  }
}
