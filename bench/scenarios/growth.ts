/**
 * Scenario 5, growth: the full sync and the dashboard page from one size to the next. "No worse than linear": the
 * gateway's own work (CPU time of the sync), its peak memory and the page's latency each grow by at most the factor
 * the fleet grew by. Wall time is shown beside the bound's own growth: rate windows make the bound itself grow
 * faster than the fleet between small sizes (1,000 devices fit in Intune's first window, 10,000 need four more).
 */
export interface SizePoint {
  size: number;
  devices: number;
  fullSyncMs: number;
  fullSyncCpuMs: number;
  boundMs: number;
  fullSyncAtPublishedMs: number;
  boundAtPublishedMs: number;
  peakRssMiB: number;
  pageP50Ms: number;
  pageP99Ms: number;
}

export interface GrowthStep {
  from: number;
  to: number;
  devicesFactor: number;
  fullSyncFactor: number;
  boundFactor: number;
  fullSyncCpuFactor: number;
  fullSyncAtPublishedFactor: number;
  boundAtPublishedFactor: number;
  peakRssFactor: number;
  /** Peak RSS added per device added (KiB). */
  rssKiBPerAddedDevice: number;
  pageP50Factor: number;
  linearOrBetter: boolean;
}

export function growth(points: SizePoint[]): GrowthStep[] {
  const sorted = [...points].sort((a, b) => a.size - b.size);
  const steps: GrowthStep[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    const devicesFactor = b.devices / a.devices;
    const step: GrowthStep = {
      from: a.size,
      to: b.size,
      devicesFactor,
      fullSyncFactor: b.fullSyncMs / a.fullSyncMs,
      boundFactor: b.boundMs / a.boundMs,
      fullSyncCpuFactor: b.fullSyncCpuMs / a.fullSyncCpuMs,
      fullSyncAtPublishedFactor: b.fullSyncAtPublishedMs / a.fullSyncAtPublishedMs,
      boundAtPublishedFactor: b.boundAtPublishedMs / a.boundAtPublishedMs,
      peakRssFactor: b.peakRssMiB / a.peakRssMiB,
      rssKiBPerAddedDevice: ((b.peakRssMiB - a.peakRssMiB) * 1024) / (b.devices - a.devices),
      pageP50Factor: b.pageP50Ms / a.pageP50Ms,
      linearOrBetter: false,
    };
    step.linearOrBetter =
      step.fullSyncCpuFactor <= devicesFactor &&
      step.fullSyncFactor <= Math.max(devicesFactor, step.boundFactor) &&
      step.peakRssFactor <= devicesFactor &&
      !(step.pageP50Factor > devicesFactor);
    steps.push(step);
  }
  return steps;
}
