interface Slot {
  /** When the window of these requests started running: their answer's time once settled. */
  at: number;
  settled: boolean;
  /** How many requests the slot stands for (a Graph $batch envelope spends what its items would). */
  count: number;
}

interface Waiter {
  count: number;
  grant: (settle: () => void) => void;
}

export type Priority = 'normal' | 'first';

/**
 * Keeps a client under an upstream's published rate (Intune's 2000 per 20 s per app, IoT Security's 60 or 180 a
 * minute per tenant) by waiting for room instead of sending into a 429. A request holds its slot from send until
 * its answer, and the slot's window then runs from the answer's time: the server counted the request somewhere in
 * between, so measuring from the latest moment it could have been counted never lets us get ahead of the server's
 * window, whatever the latency and its jitter. That is why the whole published limit can be used: a budget kept
 * below it would only be paying for clock skew we do not have.
 *
 * Waiters are served in call order, except that `first` ones go before every `normal` one: a page of a list is a
 * link in a chain nothing else can start before, while a batch of single GETs can wait its turn.
 */
export class SlidingWindowPacer {
  readonly limit: number;
  readonly windowMs: number;
  #slots: Slot[] = [];
  #used = 0;
  readonly #queues: Record<Priority, Waiter[]> = { first: [], normal: [] };
  #pumping = false;
  /** Cuts the pump's wait short: an answer came, or a `first` waiter that may fit where the head did not. */
  #wake: (() => void) | null = null;
  #waitedMs = 0;

  constructor(options: { limit: number; windowMs: number }) {
    if (!(options.limit > 0) || !(options.windowMs > 0)) throw new Error('SlidingWindowPacer: limit and windowMs must be positive');
    this.limit = options.limit;
    this.windowMs = options.windowMs;
  }

  /** Total time the queue's head spent waiting for room, for the ledger and the benchmark. */
  get waitedMs(): number {
    return this.#waitedMs;
  }

  /**
   * Waits for room for `count` requests and returns `settle`, to be called once they have their answer or failed.
   */
  acquire(count = 1, priority: Priority = 'normal'): Promise<() => void> {
    if (!(count >= 1) || count > this.limit) throw new Error(`SlidingWindowPacer: asked for ${count} at once; the limit is ${this.limit}`);
    return new Promise((grant) => {
      this.#queues[priority].push({ count, grant });
      if (priority === 'first') this.#wake?.();
      void this.#pump();
    });
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (;;) {
        const queue = this.#queues.first.length > 0 ? this.#queues.first : this.#queues.normal;
        const next = queue[0];
        if (next === undefined) return;
        const now = Date.now();
        this.#expire(now);
        if (this.#used + next.count <= this.limit) {
          queue.shift();
          next.grant(this.#take(next.count, now));
          continue;
        }
        // Until enough settled slots expire; with too much still in flight, until something answers.
        const wait = this.#roomAfter(next.count, now);
        const began = Date.now();
        await new Promise<void>((resolve) => {
          const timer = wait === null ? null : setTimeout(resolve, Math.max(1, wait));
          this.#wake = () => {
            if (timer) clearTimeout(timer);
            resolve();
          };
        });
        this.#wake = null;
        this.#waitedMs += Date.now() - began;
      }
    } finally {
      this.#pumping = false;
    }
  }

  #take(count: number, now: number): () => void {
    const slot: Slot = { at: now, settled: false, count };
    this.#slots.push(slot);
    this.#used += count;
    return () => {
      if (slot.settled) return;
      slot.at = Date.now();
      slot.settled = true;
      this.#wake?.();
    };
  }

  #expire(now: number): void {
    const cutoff = now - this.windowMs;
    if (!this.#slots.some((s) => s.settled && s.at <= cutoff)) return;
    this.#slots = this.#slots.filter((s) => {
      const keep = !s.settled || s.at > cutoff;
      if (!keep) this.#used -= s.count;
      return keep;
    });
  }

  /** How long until enough settled slots expire to fit `count` more; null if the settled ones are not enough. */
  #roomAfter(count: number, now: number): number | null {
    let needed = this.#used + count - this.limit;
    const settled = this.#slots.filter((s) => s.settled).sort((a, b) => a.at - b.at);
    for (const slot of settled) {
      needed -= slot.count;
      if (needed <= 0) return slot.at + this.windowMs - now;
    }
    return null;
  }
}
