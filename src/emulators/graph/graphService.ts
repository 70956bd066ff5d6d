import type { EntraDeviceRecord, Fleet, ManagedDeviceRecord } from '../fleet/types.js';
import type { FaultInjector } from '../http/faults.js';
import { json, readJson, Router, type EmulatorReply, type EmulatorRequest } from '../http/router.js';
import type { EmulatorService } from '../http/server.js';
import type { EmulatorStats } from '../http/stats.js';
import type { TokenAuthority } from '../login/authority.js';
import { createBatchHandler } from './batch.js';
import { createDeltaRoute } from './deviceDelta.js';
import { createDeviceRoutes } from './devicesRoutes.js';
import { clientRequestId, graphError, throttledReply } from './errors.js';
import { createGuard, type ThrottleOptions } from './guard.js';
import { createManagedDeviceRoutes } from './managedDevicesRoutes.js';
import { FleetMutationError, GraphState, type GraphFleet } from './state.js';

export interface GraphServiceOptions {
  fleet: GraphFleet & Pick<Fleet, 'truth'>;
  authority: TokenAuthority;
  /** The shell's injector: its `rateBatchItem429` throttles single items inside $batch envelopes. */
  injector: FaultInjector;
  stats: EmulatorStats;
  throttle?: ThrottleOptions;
  /** How long a delta token stays usable. @default 7 days, the directory's documented lifetime */
  deltaTokenTtlMs?: number;
}

export type GraphService = EmulatorService & { state: GraphState };

/** Top-level segments the emulator serves under /v1.0; anything else is an unknown segment, as Graph says. */
const KNOWN_ROOTS = new Set(['devices', 'devicemanagement', '$batch']);

/** The segment Graph names in "Resource not found for the segment …": an unknown root, else the last one. */
function unknownSegment(path: string): string {
  const rest = path.split('/').filter(Boolean).slice(1);
  const first = rest[0] ?? '';
  const segment = KNOWN_ROOTS.has(first.replace(/\(.*$/, '').toLowerCase()) ? rest[rest.length - 1]! : first;
  return decodeURIComponent(segment);
}

/** Graph's own answer for requests no route takes, and its bodies for faults the shell injects. */
function errorReply(status: number, code: string, message: string, req: EmulatorRequest, retryAfterSeconds?: number): EmulatorReply {
  if (status === 429) return throttledReply(req, retryAfterSeconds ?? 1);
  if (status === 404 || status === 405) {
    const version = req.url.pathname.split('/')[1] ?? '';
    if (version.toLowerCase() !== 'v1.0') return graphError(400, 'BadRequest', `Invalid version: ${version}`, req);
    if (status === 405) return graphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.', req);
    return graphError(400, 'BadRequest', `Resource not found for the segment '${unknownSegment(req.url.pathname)}'.`, req);
  }
  return graphError(status, code, message, req, retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) });
}

/**
 * Microsoft Graph v1.0 for the gateway's reads: Entra devices (list, get, owners, delta), Intune managed
 * devices, and $batch, behind Graph's token check, permissions and per-workload throttling.
 */
export function createGraphService(options: GraphServiceOptions): GraphService {
  const state = new GraphState(options.fleet);
  const guard = createGuard(options.authority, options.throttle);
  const devices = createDeviceRoutes(state);
  const managed = createManagedDeviceRoutes(state);
  const router = new Router();
  const batch = createBatchHandler({ router, errorReply, injector: options.injector, stats: options.stats });

  // Order matters where patterns overlap: delta and $count before /devices/{id}. The key-in-parentheses
  // patterns take no '%' inside the key, so their groups need no decoding (the router decodes `:name` only).
  router
    .add('POST', '/v1.0/$batch', '/v1.0/$batch', guard.authenticated(batch))
    .add('GET', /^\/v1\.0\/devices\/delta(?:\(\))?$/i, '/v1.0/devices/delta', guard.guarded('directory', createDeltaRoute(state, { tokenTtlMs: options.deltaTokenTtlMs })))
    .add('GET', /^\/v1\.0\/devices\/(?:\$|%24)count$/i, '/v1.0/devices/$count', guard.guarded('directory', devices.count))
    .add('GET', /^\/v1\.0\/devices\(deviceId=(?:'|%27)(?<deviceId>[^'%]+)(?:'|%27)\)$/i, "/v1.0/devices(deviceId='{deviceId}')", guard.guarded('directory', devices.byDeviceId))
    .add('GET', '/v1.0/devices', '/v1.0/devices', guard.guarded('directory', devices.list))
    .add('GET', '/v1.0/devices/:id', '/v1.0/devices/{id}', guard.guarded('directory', devices.byId))
    .add('GET', '/v1.0/devices/:id/registeredOwners', '/v1.0/devices/{id}/registeredOwners', guard.guarded('directory', devices.members))
    .add('GET', '/v1.0/devices/:id/registeredUsers', '/v1.0/devices/{id}/registeredUsers', guard.guarded('directory', devices.members))
    .add('GET', '/v1.0/deviceManagement/managedDevices', '/v1.0/deviceManagement/managedDevices', guard.guarded('intune', managed.list))
    .add('GET', '/v1.0/deviceManagement/managedDevices/:id', '/v1.0/deviceManagement/managedDevices/{id}', guard.guarded('intune', managed.byId))
    .add(
      'GET',
      /^\/v1\.0\/deviceManagement\/managedDevices\((?:'|%27)?(?<id>[^'%)]+)(?:'|%27)?\)$/i,
      '/v1.0/deviceManagement/managedDevices/{id}',
      guard.guarded('intune', managed.byId),
    );

  return {
    name: 'graph',
    router,
    state,
    errorReply,
    commonHeaders: (req) => ({
      'request-id': req.requestId,
      'client-request-id': clientRequestId(req),
      'x-ms-ags-diagnostic': JSON.stringify({ ServerInfo: { DataCenter: 'Local Emulator', Slice: 'E', Ring: '5', ScaleUnit: '000', RoleInstance: 'EMULATOR' } }),
      Date: new Date().toUTCString(),
    }),
    reset: () => {
      state.reset();
      guard.reset();
    },
    truth: () => options.fleet.truth,
    addControlRoutes: (control) => control.add('POST', '/_emulator/fleet', 'fleet', (req) => mutateFleet(state, readJson(req))),
  };
}

interface FleetMutation {
  op?: unknown;
  kind?: unknown;
  id?: unknown;
  patch?: unknown;
  record?: unknown;
}

/**
 * `POST /_emulator/fleet`: changes the directory or Intune the way a tenant changes under the gateway
 * (`{"op":"update","kind":"entra","id":"…","patch":{…}}`, `op` add/update/delete, `kind` entra/intune),
 * so tests can watch delta rounds and re-syncs react.
 */
function mutateFleet(state: GraphState, body: FleetMutation | undefined): EmulatorReply {
  const { op, kind, id, patch, record } = body ?? {};
  try {
    if (kind !== 'entra' && kind !== 'intune') return json(400, { error: 'kind must be "entra" or "intune"' });
    if (op === 'delete' && typeof id === 'string') {
      if (kind === 'entra') state.deleteEntraDevice(id);
      else state.deleteManagedDevice(id);
      return json(200, { deleted: id });
    }
    if (op === 'update' && typeof id === 'string' && patch && typeof patch === 'object') {
      const updated = kind === 'entra' ? state.updateEntraDevice(id, patch) : state.updateManagedDevice(id, patch);
      return json(200, updated);
    }
    if (op === 'add' && record && typeof record === 'object') {
      const added = kind === 'entra' ? state.addEntraDevice(record as EntraDeviceRecord) : state.addManagedDevice(record as ManagedDeviceRecord);
      return json(200, added);
    }
    return json(400, { error: 'expected {op:"add",record} | {op:"update",id,patch} | {op:"delete",id}' });
  } catch (err) {
    if (err instanceof FleetMutationError) return json(err.kind === 'not-found' ? 404 : 409, { error: err.message });
    throw err;
  }
}
