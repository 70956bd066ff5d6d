/**
 * Lower bounds from the emulators' limits, so every figure can be read as a ratio.
 *
 * Two kinds of floor:
 * - a chain of requests that must go one after another (pages linked by nextLink) costs at least
 *   `requests × latency`;
 * - n requests under a sliding window of `limit` per `windowMs` that starts empty: the first `limit` may leave at
 *   once, the next `limit` one window later, and so on, so the last one leaves no sooner than
 *   `floor((n - 1) / limit) × windowMs`. (The plain "n ÷ rate" is not a lower bound: it ignores the first window,
 *   which a client may spend at once; for 50 bulkUpdate calls it would claim 17 s where one round trip is
 *   enough.) The sustained-rate figure n ÷ rate is reported beside it.
 */
import { scaledLimits, type Limit } from '../../src/emulators/start.js';

export type Limits = ReturnType<typeof scaledLimits> & Required<Pick<ReturnType<typeof scaledLimits>, 'intune' | 'directory' | 'iotList' | 'iotOther'>>;

export function emulatorLimits(timeScale: number): Limits {
  return scaledLimits(timeScale) as Limits;
}

/** The gateway's own budgets (src/sources defaults), windows divided by the time scale like the emulators'. */
export function gatewayBudgets(timeScale: number): Limits {
  const e = emulatorLimits(timeScale);
  return { ...e, intune: { limit: 2000, windowMs: e.intune.windowMs }, directory: { limit: 7000, windowMs: e.directory.windowMs } };
}

export function windowFloorMs(n: number, limit: Limit): number {
  return n <= 0 ? 0 : Math.floor((n - 1) / limit.limit) * limit.windowMs;
}

export function sustainedMs(n: number, limit: Limit): number {
  return (n / limit.limit) * limit.windowMs;
}

/** What a full read-and-write must do, whoever does it. */
export interface SyncWork {
  entraPages: number;
  intunePages: number;
  /** One single GET per Intune device whose Ethernet MAC must be read (LIST leaves it null). */
  hydrationGets: number;
  iotPages: number;
  /** bulkUpdate calls: writes ÷ the chunk size. */
  writeCalls: number;
}

export interface SyncBound {
  /** The three reads run at once; each is the larger of its chain and its rate floor. */
  entraMs: number;
  intuneMs: number;
  iotMs: number;
  readsMs: number;
  /** Writes follow a complete read of every source (a partial read must never be written), so they add. */
  writesMs: number;
  totalMs: number;
  /** The same work at sustained rates (n ÷ rate), without the first window's allowance. */
  sustainedMs: number;
}

/**
 * The Intune chain: the LIST pages follow each other; the hydration GETs could in principle overlap the listing
 * (a device can be hydrated once its page arrived), so the chain is the larger of the page chain and the window
 * floor of pages + GETs, plus the last GET's round trip. IoT's list is paged by offset, which lets pages go in
 * parallel, so only its rate binds. Writes: the window floor of the calls, plus one round trip.
 */
export function syncBound(work: SyncWork, limits: Limits, latencyMs: number): SyncBound {
  const rtt = latencyMs;
  const entraMs = Math.max(work.entraPages * rtt, windowFloorMs(work.entraPages, limits.directory));
  const intuneRequests = work.intunePages + work.hydrationGets;
  const intuneMs = Math.max(work.intunePages * rtt, windowFloorMs(intuneRequests, limits.intune)) + (work.hydrationGets > 0 ? rtt : 0);
  const iotMs = windowFloorMs(work.iotPages, limits.iotList) + (work.iotPages > 0 ? rtt : 0);
  const readsMs = Math.max(entraMs, intuneMs, iotMs);
  const writesMs = work.writeCalls > 0 ? windowFloorMs(work.writeCalls, limits.iotOther) + rtt : 0;
  const sustained =
    Math.max(work.entraPages * rtt, work.intunePages * rtt, sustainedMs(intuneRequests, limits.intune), sustainedMs(work.iotPages, limits.iotList)) +
    sustainedMs(work.writeCalls, limits.iotOther);
  return { entraMs, intuneMs, iotMs, readsMs, writesMs, totalMs: readsMs + writesMs, sustainedMs: sustained };
}

/**
 * The measured time carried over to the published limits: the time spent waiting on rate windows grows with the
 * time scale, latency and CPU do not. Per chain, the window floor under the gateway's own budget is added back
 * (real − scaled). Where a phase was latency-bound at the time scale but would be rate-bound at the published
 * limits, its latency would hide inside the longer waits, so this over-estimates: an upper figure.
 */
export function atPublishedLimitsMs(
  measured: { entraEndMs: number; intuneEndMs: number; iotEndMs: number; readsEndMs: number; totalMs: number },
  work: SyncWork,
  timeScale: number,
): number {
  const scaled = gatewayBudgets(timeScale);
  const real = gatewayBudgets(1);
  const extra = (n: number, key: 'intune' | 'directory' | 'iotList' | 'iotOther'): number => windowFloorMs(n, real[key]) - windowFloorMs(n, scaled[key]);
  const reads = Math.max(
    measured.entraEndMs + extra(work.entraPages, 'directory'),
    measured.intuneEndMs + extra(work.intunePages + work.hydrationGets, 'intune'),
    measured.iotEndMs + extra(work.iotPages, 'iotList'),
  );
  const afterReads = measured.totalMs - measured.readsEndMs;
  return reads + afterReads + extra(work.writeCalls, 'iotOther');
}

/** Query fan-out: the sub-requests of one page go in ceil(n ÷ 20) $batch envelopes, all at once. */
export function fanOutBound(subRequests: number): { batches: number; singles: number } {
  return { batches: Math.ceil(subRequests / 20), singles: 0 };
}
