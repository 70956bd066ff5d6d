import { batchGetByKey, graphPages } from '../graph/graphRequests.js';
import type { Graph } from '../graph/graphClient.js';
import type { DirectoryUser, EntraDevice, EntraRemoved } from './types.js';

export const ENTRA_DEVICE_FIELDS = [
  'id', 'deviceId', 'displayName', 'operatingSystem', 'operatingSystemVersion', 'trustType', 'accountEnabled',
  'isCompliant', 'isManaged', 'managementType', 'deviceOwnership', 'enrollmentType', 'profileType', 'manufacturer',
  'model', 'registrationDateTime', 'approximateLastSignInDateTime', 'onPremisesSyncEnabled',
] as const;

const SELECT = `$select=${ENTRA_DEVICE_FIELDS.join(',')}`;

export interface EntraSource {
  /** Every device in the directory, 999 to a page (the directory maximum). */
  listDevices(): AsyncGenerator<EntraDevice[]>;
  /** Devices by object id through $batch; a missing or failed id maps to an Error. */
  getDevices(ids: readonly string[]): Promise<Map<string, EntraDevice | Error>>;
  /** Registered owners by device object id through $batch. */
  getRegisteredOwners(ids: readonly string[]): Promise<Map<string, DirectoryUser[] | Error>>;
  /**
   * One delta round: from `deltaLink` (or from scratch) to the next deltaLink. Items are devices or removals.
   * The caller persists the returned link only after it has used the items.
   */
  delta(deltaLink?: string): Promise<{ items: Array<EntraDevice | EntraRemoved>; deltaLink: string }>;
}

function asDevice(body: unknown): EntraDevice | undefined {
  return body && typeof (body as EntraDevice).id === 'string' ? (body as EntraDevice) : undefined;
}

export function createEntraSource(graph: Graph): EntraSource {
  return {
    listDevices: () => graphPages<EntraDevice>(graph, `/devices?${SELECT}&$top=999`),

    getDevices: (ids) => batchGetByKey(graph, ids, (id) => `/devices/${encodeURIComponent(id)}?${SELECT}`, asDevice),

    getRegisteredOwners: (ids) =>
      batchGetByKey(graph, ids, (id) => `/devices/${encodeURIComponent(id)}/registeredOwners`, (body) => {
        const value = (body as { value?: unknown } | undefined)?.value;
        return Array.isArray(value) ? (value as DirectoryUser[]) : undefined;
      }),

    async delta(deltaLink) {
      const items: Array<EntraDevice | EntraRemoved> = [];
      let next = '';
      for await (const page of graphPages<EntraDevice | EntraRemoved>(graph, deltaLink ?? `/devices/delta?${SELECT}`, {
        onDeltaLink: (link) => (next = link),
      })) {
        items.push(...page);
      }
      if (!next) throw new Error('entra: the delta round ended without an @odata.deltaLink');
      return { items, deltaLink: next };
    },
  };
}
