/**
 * Scenario 3, re-sync with no changes: `syncDevices` again right after the full sync. Entra continues from its
 * deltaLink, Intune MACs are reused while lastSyncDateTime holds, and a plan with nothing to change writes nothing.
 */
import type { SyncResult } from './fullSync.js';

export interface ResyncResult {
  sync: SyncResult;
  graphRequestsFraction: number;
  iotRequestsFraction: number;
  timeFraction: number;
  iotWrites: number;
}

export function compareResync(resync: SyncResult, full: SyncResult): ResyncResult {
  return {
    sync: resync,
    graphRequestsFraction: resync.graph.requests / full.graph.requests,
    iotRequestsFraction: resync.iot.requests / full.iot.requests,
    timeFraction: resync.wallMs / full.wallMs,
    iotWrites: resync.iotCalls.bulkUpdate,
  };
}
