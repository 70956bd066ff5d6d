import { setTimeout as sleep } from 'node:timers/promises';

interface Slot {
  /** When the window of these requests started running: their answer's time once settled. */
  at: number;
  settled: boolean;
  /** How many requests the slot stands for (a Graph $batch envelope spends what its items would). */
  count: number;
}

/**
 * Keeps a client under an upstream's published rate (Intune's 2000 per 20 s per app, IoT Security's 60 or 180 a
 * minute per tenant) by waiting for room instead of sending into a 429. A request holds its slot from send until
 * its answer, and the slot's window then runs from the answer's time: the server counted the request somewhere in
 * between, so measuring from the latest moment it could have been counted never lets us get ahead of the server's
 * window, whatever the latency and its jitter. That is why the whole published limit can be used: a budget kept
 * below it would only be paying for clock skew we do not have.
 */
export class SlidingWindowPacer {
  readonly limit: number;
  readonly windowMs: number;
  #slots: Slot[] = [];
  #used = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #onSettle: Array<() => void> = [];
  #waitedMs = 0;

  constructor(options: { limit: number; windowMs: number }) {
    if (!(options.limit > 0) || !(options.windowMs > 0)) throw new Error('SlidingWindowPacer: limit and windowMs must be positive');
    this.limit = options.limit;
    this.windowMs = options.windowMs;
  }

  /** Total time callers spent waiting for room, for the ledger and the benchmark. */
  get waitedMs(): number {
    return this.#waitedMs;
  }

  /**
   * Waits for room for `count` requests (granted in call order) and returns `settle`, to be called once they have
   * their answer or failed.
   */
  acquire(count = 1): Promise<() => void> {
    if (!(count >= 1) || count > this.limit) throw new Error(`SlidingWindowPacer: asked for ${count} at once; the limit is ${this.limit}`);
    const turn = this.#queue.then(() => this.#waitForRoom(count));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #waitForRoom(count: number): Promise<() => void> {
    const began = Date.now();
    for (;;) {
      const now = Date.now();
      this.#expire(now);
      if (this.#used + count <= this.limit) {
        this.#waitedMs += now - began;
        const slot: Slot = { at: now, settled: false, count };
        this.#slots.push(slot);
        this.#used += count;
        return () => {
          if (slot.settled) return;
          slot.at = Date.now();
          slot.settled = true;
          for (const wake of this.#onSettle.splice(0)) wake();
        };
      }
      const wait = this.#roomAfter(count, now);
      if (wait !== null) await sleep(Math.max(1, wait));
      // Too much is still in flight: nothing can expire before some of it answers.
      else await new Promise<void>((resolve) => this.#onSettle.push(resolve));
    }
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
