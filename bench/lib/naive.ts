/**
 * The naive baselines, run beside ours against the same emulators with the same real clients (msal-node,
 * graph-client, the IoT client), minus what makes ours fast: no $batch, no cache, one request after another
 * where a vendor's job would do that.
 */
import { tenantSettingsOf, type EmulatorSettings } from '../../src/emulators/start.js';
import { ENTRA_DEVICE_FIELDS } from '../../src/sources/entra/entraSource.js';
import { graphGet, graphPages } from '../../src/sources/graph/graphRequests.js';
import { createSources, type Sources } from '../../src/sources/index.js';
import { MANAGED_DEVICE_FIELDS } from '../../src/sources/intune/intuneSource.js';
import type { Limits } from './bounds.js';

export function naiveSources(settings: EmulatorSettings, budgets: Limits): Sources {
  return createSources(
    tenantSettingsOf(settings),
    {
      extraCaFile: settings.caFile,
      graphLimits: { intune: budgets.intune, directory: budgets.directory },
      iotLimits: { list: budgets.iotList, other: budgets.iotOther },
    },
  );
}

const entraUrl = (id: string): string => `/devices/${encodeURIComponent(id)}?$select=${ENTRA_DEVICE_FIELDS.join(',')}`;
const intuneUrl = (id: string): string => `/deviceManagement/managedDevices/${encodeURIComponent(id)}?$select=${MANAGED_DEVICE_FIELDS.join(',')}`;

/**
 * A resolver without DataLoader: each device of the page asks Graph for its own sections, all at once (as
 * graphql-js runs sibling resolvers), one GET each, nothing cached.
 */
export async function naiveFanOut(sources: Sources, devices: ReadonlyArray<{ entraObjectIds: string[]; intuneIds: string[] }>): Promise<{ requests: number; ms: number; failed: number }> {
  const urls = devices.flatMap((d) => [...(d.entraObjectIds[0] ? [entraUrl(d.entraObjectIds[0])] : []), ...(d.intuneIds[0] ? [intuneUrl(d.intuneIds[0])] : [])]);
  await sources.graph.tokenProvider.getAccessToken();
  const started = performance.now();
  const answers = await Promise.allSettled(urls.map((url) => graphGet(sources.graph, url)));
  return { requests: urls.length, ms: performance.now() - started, failed: answers.filter((a) => a.status === 'rejected').length };
}

export interface NaiveSyncMeasurement {
  entra: { pages: number; records: number; ms: number };
  intune: { pages: number; records: number; ms: number };
  iot: { pages: number; records: number; ms: number };
  /** Sequential single GETs for the Ethernet MAC, stopped after the time cap. */
  gets: { total: number; done: number; ms: number; meanMs: number; extrapolatedMs: number };
}

/**
 * The vendor job's read: each collection paged one page after another, then one GET per Intune device for its
 * Ethernet MAC, one after another. The GETs stop after `capMs`; their total is extrapolated at the measured mean.
 */
export async function naiveSyncRead(sources: Sources, capMs: number): Promise<NaiveSyncMeasurement> {
  await sources.graph.tokenProvider.getAccessToken();
  const timed = async <T>(pages: AsyncIterable<T[]>): Promise<{ pages: number; items: T[]; ms: number }> => {
    const started = performance.now();
    const items: T[] = [];
    let n = 0;
    for await (const page of pages) {
      n++;
      items.push(...page);
    }
    return { pages: n, items, ms: performance.now() - started };
  };
  const entra = await timed(graphPages<{ id: string }>(sources.graph, `/devices?$select=${ENTRA_DEVICE_FIELDS.join(',')}&$top=999`));
  const intune = await timed(graphPages<{ id: string }>(sources.graph, `/deviceManagement/managedDevices?$select=${MANAGED_DEVICE_FIELDS.join(',')}&$top=1000`));
  const iot = await timed(sources.iot.listDevices({ detail: true }));

  const ids = intune.items.map((d) => d.id);
  const started = performance.now();
  let done = 0;
  for (const id of ids) {
    if (performance.now() - started >= capMs) break;
    await graphGet(sources.graph, `/deviceManagement/managedDevices/${encodeURIComponent(id)}?$select=id,ethernetMacAddress`);
    done++;
  }
  const ms = performance.now() - started;
  const meanMs = done > 0 ? ms / done : 0;
  return {
    entra: { pages: entra.pages, records: entra.items.length, ms: entra.ms },
    intune: { pages: intune.pages, records: intune.items.length, ms: intune.ms },
    iot: { pages: iot.pages, records: iot.items.length, ms: iot.ms },
    gets: { total: ids.length, done, ms, meanMs, extrapolatedMs: meanMs * ids.length },
  };
}
