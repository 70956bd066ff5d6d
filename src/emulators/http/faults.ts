/**
 * Fault injection for an emulator: latency with jitter and rates of failures, set at start or through
 * `POST /_emulator/faults`. Seeded, so a failing test replays the same sequence of faults.
 */
export interface FaultConfig {
  latencyMs: number;
  jitterMs: number;
  rate429: number;
  rate503: number;
  rate504: number;
  /** The socket is destroyed before any answer (ECONNRESET at the client). */
  rateReset: number;
  /** No answer at all until the client gives up or the emulator closes. */
  rateHang: number;
  /** A 200 whose JSON body is cut in half (a proxy or a dying backend): the client must not trust it. */
  rateTruncate: number;
  /** Graph only: a 429 for single items inside a 200 $batch envelope. */
  rateBatchItem429: number;
  /** Login only: the token endpoint answers 503. */
  rateTokenFailure: number;
  /** Retry-After sent with injected 429/503 answers, in seconds (fractions allowed, as Graph sends). */
  retryAfterSeconds: number;
  seed: number;
}

export type InjectedFault = 'none' | '429' | '503' | '504' | 'reset' | 'hang' | 'truncate';

export const NO_FAULTS: Readonly<FaultConfig> = Object.freeze({
  latencyMs: 0,
  jitterMs: 0,
  rate429: 0,
  rate503: 0,
  rate504: 0,
  rateReset: 0,
  rateHang: 0,
  rateTruncate: 0,
  rateBatchItem429: 0,
  rateTokenFailure: 0,
  retryAfterSeconds: 1,
  seed: 7,
});

const RATE_KEYS = ['rate429', 'rate503', 'rate504', 'rateReset', 'rateHang', 'rateTruncate', 'rateBatchItem429', 'rateTokenFailure'] as const;

/** Validates a partial fault config (from JSON) and merges it; throws a message naming the bad key. */
export function mergeFaults(base: FaultConfig, patch: unknown): FaultConfig {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) throw new Error('faults: expected a JSON object');
  const next: FaultConfig = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (!(key in NO_FAULTS)) throw new Error(`faults: unknown setting "${key}"`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new Error(`faults: "${key}" must be a non-negative number`);
    }
    if ((RATE_KEYS as readonly string[]).includes(key) && value > 1) throw new Error(`faults: "${key}" is a rate between 0 and 1`);
    (next as unknown as Record<string, number>)[key] = value;
  }
  return next;
}

/** mulberry32: small, fast, and good enough to spread faults. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  #config: FaultConfig;
  #random: () => number;

  constructor(config: Partial<FaultConfig> = {}) {
    this.#config = mergeFaults({ ...NO_FAULTS }, config);
    this.#random = rng(this.#config.seed);
  }

  get config(): FaultConfig {
    return { ...this.#config };
  }

  set(patch: unknown): FaultConfig {
    this.#config = mergeFaults(this.#config, patch);
    this.#random = rng(this.#config.seed);
    return this.config;
  }

  reset(initial: Partial<FaultConfig> = {}): void {
    this.#config = mergeFaults({ ...NO_FAULTS }, initial);
    this.#random = rng(this.#config.seed);
  }

  latency(): number {
    const { latencyMs, jitterMs } = this.#config;
    if (latencyMs <= 0 && jitterMs <= 0) return 0;
    return Math.max(0, latencyMs + (this.#random() * 2 - 1) * jitterMs);
  }

  /** Draws the fault, if any, for one request. */
  draw(): InjectedFault {
    const c = this.#config;
    let r = this.#random();
    for (const [rate, fault] of [
      [c.rate429, '429'],
      [c.rate503, '503'],
      [c.rate504, '504'],
      [c.rateReset, 'reset'],
      [c.rateHang, 'hang'],
      [c.rateTruncate, 'truncate'],
    ] as const) {
      if (r < rate) return fault;
      r -= rate;
    }
    return 'none';
  }

  chance(rate: number): boolean {
    return rate > 0 && this.#random() < rate;
  }
}
