import type { UnifiedDevice } from '../../src/correlate/model.js';
import type { FleetTruth } from '../../src/emulators/fleet/types.js';

export interface CorrelationScore {
  matchable: number;
  matched: number;
  falseMerges: Array<{ managedDeviceId: string; predicted: string[]; truth: string[] }>;
  withoutReason: string[];
  recall: number;
}

/** Scores a correlation against the generator's ground truth, as an analyst would judge it. */
export function scoreCorrelation(devices: readonly UnifiedDevice[], truth: FleetTruth): CorrelationScore {
  const byIntune = new Map<string, UnifiedDevice>();
  for (const d of devices) for (const id of d.intuneIds) byIntune.set(id, d);
  let matchable = 0;
  let matched = 0;
  const falseMerges: CorrelationScore['falseMerges'] = [];
  for (const t of truth.intune) {
    const device = byIntune.get(t.managedDeviceId);
    const predicted = device?.iotDeviceIds ?? [];
    const wrong = predicted.filter((id) => !t.iotDeviceIds.includes(id));
    if (wrong.length > 0) falseMerges.push({ managedDeviceId: t.managedDeviceId, predicted, truth: t.iotDeviceIds });
    if (t.supersededBy === null && t.matchableIotDeviceIds.length > 0) {
      matchable++;
      if (t.matchableIotDeviceIds.some((id) => predicted.includes(id))) matched++;
    }
  }
  const withoutReason = devices.filter((d) => d.match.status !== 'matched' && (!d.match.reason || !d.match.explanation)).map((d) => d.id);
  return { matchable, matched, falseMerges, withoutReason, recall: matchable === 0 ? 1 : matched / matchable };
}
