/**
 * Scenario 1, query fan-out: `devices(first: 100)` with the live `entra` and `intune` sections. Ours (one
 * per-request DataLoader into $batch envelopes, a shared cache) cold and warm, beside the naive resolver (one GET
 * per section per device, no batching, no cache) for the very same devices. Several consecutive pages, so the cold
 * figure is never helped by the cache.
 */
import type { Sources } from '../../src/sources/index.js';
import { fanOutBound } from '../lib/bounds.js';
import { upstreamDelta, type EmulatorProcess } from '../lib/emulatorProcess.js';
import { firstError, graphql } from '../lib/graphql.js';
import { naiveFanOut } from '../lib/naive.js';

const QUERY = `query FanOut($after: String) {
  devices(first: 100, after: $after) {
    nodes {
      id entraObjectIds intuneIds
      entra { id displayName operatingSystem trustType isCompliant }
      intune { id deviceName ethernetMacAddress serialNumber model }
    }
    pageInfo { endCursor }
  }
}`;

interface Page {
  devices: { nodes: Array<{ id: string; entraObjectIds: string[]; intuneIds: string[]; entra: unknown; intune: unknown }>; pageInfo: { endCursor: string | null } };
}

export interface FanOutRun {
  subRequests: number;
  graphRequests: number;
  batches: number;
  batchItems: number;
  singles: number;
  throttled: number;
  ms: number;
}

export interface FanOutResult {
  pages: number;
  /** Per page (means over the pages). */
  subRequests: number;
  bound: { batches: number; singles: number; latencyMs: number };
  cold: FanOutRun[];
  warm: FanOutRun[];
  naive: Array<{ graphRequests: number; ms: number; failed: number }>;
  summary: {
    coldRequests: number;
    coldBatches: number;
    coldSingles: number;
    warmRequests: number;
    naiveRequests: number;
    coldMs: number;
    warmMs: number;
    naiveMs: number;
    boundMs: number;
    /** Every cold page exactly at ceil(sub-requests ÷ 20) envelopes, no single GET, no item sent twice. */
    exactlyBound: boolean;
    naiveOverOurs: number;
  };
  errors: string[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export async function runFanOut(options: { url: string; emulators: EmulatorProcess; naive: Sources; pages: number; latencyMs: number }): Promise<FanOutResult> {
  const { url, emulators, naive, pages, latencyMs } = options;
  const errors: string[] = [];
  const cursors: Array<string | null> = [];
  const nodesByPage: Array<Page['devices']['nodes']> = [];

  const measure = async (after: string | null): Promise<{ run: FanOutRun; page: Page | undefined }> => {
    const before = await emulators.stats('graph');
    const { answer, ms } = await graphql<Page>(url, QUERY, { after });
    const d = upstreamDelta(before, await emulators.stats('graph'));
    const error = firstError(answer);
    if (error) errors.push(error);
    const nodes = answer.data?.devices.nodes ?? [];
    const subRequests = nodes.reduce((n, d) => n + (d.entraObjectIds.length > 0 ? 1 : 0) + (d.intuneIds.length > 0 ? 1 : 0), 0);
    return { run: { subRequests, graphRequests: d.requests, batches: d.batches, batchItems: d.batchItems, singles: d.singles, throttled: d.throttled, ms }, page: answer.data };
  };

  const cold: FanOutRun[] = [];
  let after: string | null = null;
  for (let i = 0; i < pages; i++) {
    cursors.push(after);
    const { run, page } = await measure(after);
    cold.push(run);
    nodesByPage.push(page?.devices.nodes ?? []);
    after = page?.devices.pageInfo.endCursor ?? null;
    if (!after) break;
  }
  const warm: FanOutRun[] = [];
  for (const cursor of cursors) warm.push((await measure(cursor)).run);

  const naiveRuns: FanOutResult['naive'] = [];
  for (const nodes of nodesByPage) {
    const before = await emulators.stats('graph');
    const r = await naiveFanOut(naive, nodes);
    const d = upstreamDelta(before, await emulators.stats('graph'));
    naiveRuns.push({ graphRequests: d.requests, ms: r.ms, failed: r.failed });
  }

  const subRequests = cold.reduce((n, r) => n + r.subRequests, 0) / cold.length;
  const warmMs = median(warm.map((r) => r.ms));
  const exactlyBound = cold.every((r) => r.batches === fanOutBound(r.subRequests).batches && r.singles === 0 && r.batchItems === r.subRequests);
  const coldRequests = cold.reduce((n, r) => n + r.graphRequests, 0) / cold.length;
  const naiveRequests = naiveRuns.reduce((n, r) => n + r.graphRequests, 0) / naiveRuns.length;
  return {
    pages: cold.length,
    subRequests,
    // One page's envelopes can all leave at once: one round trip on top of what the gateway does with a warm cache.
    bound: { ...fanOutBound(Math.round(subRequests)), latencyMs: warmMs + latencyMs },
    cold,
    warm,
    naive: naiveRuns,
    summary: {
      coldRequests,
      coldBatches: cold.reduce((n, r) => n + r.batches, 0) / cold.length,
      coldSingles: cold.reduce((n, r) => n + r.singles, 0) / cold.length,
      warmRequests: warm.reduce((n, r) => n + r.graphRequests, 0) / warm.length,
      naiveRequests,
      coldMs: median(cold.map((r) => r.ms)),
      warmMs,
      naiveMs: median(naiveRuns.map((r) => r.ms)),
      boundMs: warmMs + latencyMs,
      exactlyBound,
      naiveOverOurs: naiveRequests / coldRequests,
    },
    errors: [...new Set(errors)],
  };
}
