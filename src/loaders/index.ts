import DataLoader from 'dataloader';
import type { UnifiedDevice } from '../correlate/model.js';
import { ENTRA_DEVICE_FIELDS } from '../sources/entra/entraSource.js';
import type { EntraDevice } from '../sources/entra/types.js';
import { NotFoundError } from '../sources/errors.js';
import { batchGetByKey } from '../sources/graph/graphRequests.js';
import type { Sources } from '../sources/index.js';
import { MANAGED_DEVICE_FIELDS } from '../sources/intune/intuneSource.js';
import type { ManagedDevice } from '../sources/intune/types.js';
import type { IotAsset } from '../sources/iot/types.js';
import type { Store } from '../store/types.js';
import type { GraphReadCache } from './graphReadCache.js';

export interface Loaders {
  /** Entra device by object id, live; null when Graph no longer has it. */
  entraDevice(objectId: string): Promise<EntraDevice | null>;
  /** Intune managed device by id, live, with the Ethernet MAC (a single GET naming it in $select); null when gone. */
  intuneDevice(id: string): Promise<ManagedDevice | null>;
  device: DataLoader<string, UnifiedDevice | null>;
  iotAsset: DataLoader<string, IotAsset | null>;
}

const entraUrl = (id: string): string => `/devices/${encodeURIComponent(id)}?$select=${ENTRA_DEVICE_FIELDS.join(',')}`;
const intuneUrl = (id: string): string => `/deviceManagement/managedDevices/${encodeURIComponent(id)}?$select=${MANAGED_DEVICE_FIELDS.join(',')}`;

/**
 * Built per request. Every Graph read of one operation, Entra and Intune alike, goes through one DataLoader keyed
 * by URL, so all reads a resolver tick asks for leave together in as few $batch envelopes as 20-per-batch allows.
 */
export function createLoaders(deps: { sources: Sources; store: Store; cache: GraphReadCache }): Loaders {
  const { sources, store, cache } = deps;

  const graphRead = new DataLoader<string, unknown>(
    async (urls) => {
      const answers = await batchGetByKey(sources.graph, urls, (url) => url);
      return urls.map((url) => {
        const answer = answers.get(url);
        if (answer !== undefined && !(answer instanceof Error)) cache.set(url, { value: answer });
        return answer ?? new Error(`graph: no answer for ${url}`);
      });
    },
    // One batch function call per tick, whatever its size: graphBatch cuts it into envelopes of 20.
    { maxBatchSize: Number.POSITIVE_INFINITY },
  );

  async function read<T>(url: string): Promise<T | null> {
    const hit = cache.get(url);
    if (hit) return hit.value as T;
    try {
      return (await graphRead.load(url)) as T;
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  }

  return {
    entraDevice: (id) => read<EntraDevice>(entraUrl(id)),
    intuneDevice: (id) => read<ManagedDevice>(intuneUrl(id)),
    device: new DataLoader(async (ids) => store.getDevices(ids)),
    iotAsset: new DataLoader(async (ids) => store.getIotAssets(ids)),
  };
}
