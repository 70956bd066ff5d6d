import { setTimeout as sleep } from 'node:timers/promises';

interface Slot {
  at: number;
  settled: boolean;
}

/**
 * Keeps one IoT rate-limit family (device/list, or everything else) under its per-tenant limit by waiting for room
 * instead of sending into a 429. A request holds its slot from send until its answer, and the slot's window then
 * runs from the answer's time: the server counted the request somewhere in between, so measuring from the latest
 * moment it could have been counted never lets us get ahead of the server's window, whatever the latency.
 */
export class SlidingWindowPacer {
  readonly limit: number;
  readonly windowMs: number;
  #slots: Slot[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  #onSettle: Array<() => void> = [];

  constructor(options: { limit: number; windowMs: number }) {
    if (!(options.limit > 0) || !(options.windowMs > 0)) throw new Error('SlidingWindowPacer: limit and windowMs must be positive');
    this.limit = options.limit;
    this.windowMs = options.windowMs;
  }

  /** Waits for room (in call order) and returns `settle`, to be called once the request has its answer or failed. */
  acquire(): Promise<() => void> {
    const turn = this.#queue.then(() => this.#waitForSlot());
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #waitForSlot(): Promise<() => void> {
    for (;;) {
      const now = Date.now();
      this.#slots = this.#slots.filter((s) => !s.settled || s.at > now - this.windowMs);
      if (this.#slots.length < this.limit) {
        const slot: Slot = { at: now, settled: false };
        this.#slots.push(slot);
        return () => {
          if (slot.settled) return;
          slot.at = Date.now();
          slot.settled = true;
          for (const wake of this.#onSettle.splice(0)) wake();
        };
      }
      const settled = this.#slots.filter((s) => s.settled);
      if (settled.length > 0) {
        await sleep(Math.max(1, Math.min(...settled.map((s) => s.at)) + this.windowMs - now));
      } else {
        // Every slot is in flight: nothing can expire before one of them answers.
        await new Promise<void>((resolve) => this.#onSettle.push(resolve));
      }
    }
  }
}
