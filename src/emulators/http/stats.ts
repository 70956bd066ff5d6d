/** Counts what an emulator was asked, so tests and benchmarks can assert on upstream traffic. */
export interface StatsSnapshot {
  total: number;
  /** route → status → count, e.g. `{"GET /v1.0/devices": {"200": 3}}`. */
  requests: Record<string, Record<string, number>>;
  throttled: number;
  faultsInjected: number;
  batches: { count: number; items: number; sizes: Record<string, number> };
  /** Requests answered inside $batch envelopes, by inner route and status. */
  batchItems: Record<string, Record<string, number>>;
  /**
   * When each route (outer, or inner to a $batch) was first and last asked for (ms since the epoch), when it last
   * answered and how many of its requests were open at once at most (outer routes only): what overlaps what.
   */
  timing: Record<string, { first: number; last: number; lastAnswered: number; maxInFlight: number }>;
}

function bump(map: Record<string, Record<string, number>>, route: string, status: number): void {
  const byStatus = (map[route] ??= {});
  byStatus[status] = (byStatus[status] ?? 0) + 1;
}

export class EmulatorStats {
  #s: StatsSnapshot = EmulatorStats.empty();

  static empty(): StatsSnapshot {
    return { total: 0, requests: {}, throttled: 0, faultsInjected: 0, batches: { count: 0, items: 0, sizes: {} }, batchItems: {}, timing: {} };
  }

  #open = new Map<string, number>();

  #seen(route: string): StatsSnapshot['timing'][string] {
    const now = Date.now();
    const t = (this.#s.timing[route] ??= { first: now, last: now, lastAnswered: 0, maxInFlight: 0 });
    t.last = now;
    return t;
  }

  /** A request arrived; call `ended` when it is answered. */
  began(route: string): void {
    const open = (this.#open.get(route) ?? 0) + 1;
    this.#open.set(route, open);
    const t = this.#seen(route);
    t.maxInFlight = Math.max(t.maxInFlight, open);
  }

  ended(route: string): void {
    this.#open.set(route, Math.max(0, (this.#open.get(route) ?? 1) - 1));
    const t = this.#s.timing[route];
    if (t) t.lastAnswered = Date.now();
  }

  request(route: string, status: number): void {
    this.#s.total++;
    bump(this.#s.requests, route, status);
    if (status === 429) this.#s.throttled++;
  }

  batch(size: number): void {
    this.#s.batches.count++;
    this.#s.batches.items += size;
    this.#s.batches.sizes[size] = (this.#s.batches.sizes[size] ?? 0) + 1;
  }

  batchItem(route: string, status: number): void {
    bump(this.#s.batchItems, route, status);
    this.#seen(route);
    if (status === 429) this.#s.throttled++;
  }

  fault(): void {
    this.#s.faultsInjected++;
  }

  snapshot(): StatsSnapshot {
    return structuredClone(this.#s);
  }

  reset(): void {
    this.#s = EmulatorStats.empty();
  }
}
