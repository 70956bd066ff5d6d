import type { Fleet } from '../fleet/types.js';
import { Router, json, type EmulatorRequest, type EmulatorReply, type Handler } from '../http/router.js';
import type { EmulatorService } from '../http/server.js';
import { WindowLimiter } from '../http/throttle.js';
import { isAuthorised, type IotCredentials } from './auth.js';
import { applyBulkUpdate, checkBulkUpdate } from './bulkUpdate.js';
import { deviceDetail, devicesByIp, listDevices } from './deviceQueries.js';
import { iotError, validationReply } from './errors.js';
import { IotInventory } from './inventory.js';
import { TagBook } from './tags.js';

export interface RateLimit {
  limit: number;
  windowMs: number;
}

export interface IotServiceOptions extends IotCredentials {
  fleet: Pick<Fleet, 'iotAssets' | 'truth'>;
  limits?: { list?: RateLimit; other?: RateLimit };
}

export type IotService = EmulatorService & { inventory: IotInventory };

/**
 * Per-tenant limits as the official SDK enforces them against live tenants: device/list 60 a minute, every other
 * route 180 (the spec's text says 60 for the device-detail routes too, but its own 429 example and the SDK say 180).
 */
const DEFAULT_LIMITS = {
  list: { limit: 60, windowMs: 60_000 },
  other: { limit: 180, windowMs: 60_000 },
} as const satisfies Record<string, RateLimit>;

type JsonBody = { ok: true; value: unknown } | { ok: false };

/** An empty body reads as `{}`, as the service's JSON body parser hands it to schema validation. */
function parseBody(req: EmulatorRequest): JsonBody {
  if (!req.body || req.body.length === 0) return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(req.body.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

/** The legacy v4.0 generation of the IoT Security ("Device Security") API, for one tenant. */
export function createIotService(options: IotServiceOptions): IotService {
  const inventory = new IotInventory(options.fleet.iotAssets);
  const tags = new TagBook(inventory);
  const limiters = {
    list: new WindowLimiter(options.limits?.list ?? DEFAULT_LIMITS.list),
    other: new WindowLimiter(options.limits?.other ?? DEFAULT_LIMITS.other),
  };

  /**
   * Authentication comes before the rate limit: a caller without the tenant's key must not be able to spend the
   * tenant's budget. Refused (403) calls are not counted; every authenticated one is, even if it then fails validation.
   */
  function guarded(family: keyof typeof limiters, handler: Handler): Handler {
    return (req) => {
      if (!isAuthorised(req, options)) return iotError(403);
      if (!limiters[family].take(options.customerId).ok) return iotError(429);
      return handler(req);
    };
  }

  function withBody(handle: (body: unknown, req: EmulatorRequest) => EmulatorReply): Handler {
    return (req) => {
      const body = parseBody(req);
      return body.ok ? handle(body.value, req) : iotError(400);
    };
  }

  const bulkUpdate = withBody((body, req) => {
    const checked = checkBulkUpdate(body);
    // All or nothing: a call with one bad item writes no item.
    if (!checked.ok) return validationReply(checked.issues);
    const { count } = applyBulkUpdate(inventory, checked.items, req.url.searchParams.get('updateSource') || null);
    return json(200, { api: 'device/bulkUpdate', ver: 'v4.0', code: 1, message: 'OK', updatedDeviceNum: count });
  });

  const router = new Router()
    .add('GET', '/pub/v4.0/device/list', '/pub/v4.0/device/list', guarded('list', (req) => listDevices(inventory, req.url.searchParams)))
    .add('GET', '/pub/v4.0/device', '/pub/v4.0/device', guarded('other', (req) => deviceDetail(inventory, req.url.searchParams)))
    .add('GET', '/pub/v4.0/device/ip', '/pub/v4.0/device/ip', guarded('other', (req) => devicesByIp(inventory, req.url.searchParams)))
    .add('PUT', '/pub/v4.0/device/bulkUpdate', '/pub/v4.0/device/bulkUpdate', guarded('other', bulkUpdate))
    .add('POST', '/pub/v4.0/tag', '/pub/v4.0/tag', guarded('other', withBody((body) => tags.add(body))))
    .add('DELETE', '/pub/v4.0/tag', '/pub/v4.0/tag', guarded('other', withBody((body) => tags.remove(body))))
    .add('GET', '/pub/v4.0/tag/list', '/pub/v4.0/tag/list', guarded('other', (req) => tags.list(req.url.searchParams)));

  return {
    name: 'iot',
    router,
    inventory,
    // IoT Security documents no Retry-After (nor any rate-limit header), so injected 429/503s carry none either:
    // clients must pace and back off on their own, as the official SDK does.
    errorReply: (status) => iotError(status),
    reset() {
      inventory.reset();
      tags.reset();
      limiters.list.reset();
      limiters.other.reset();
    },
    truth: () => ({
      assets: inventory.size,
      writes: inventory.writes,
      creates: inventory.creates,
      updates: inventory.updates,
      iotOnly: options.fleet.truth.iotOnly,
    }),
  };
}
