import { json, type EmulatorReply } from '../http/router.js';
import { toDeviceKey } from './deviceId.js';
import { iotError } from './errors.js';
import type { AssetOrder, IotInventory, StoredAsset } from './inventory.js';

/** What `device/list` answers without `detail=true` (FACTS §2): notably no alert counters. */
const SUMMARY_FIELDS = [
  'deviceid',
  'hostname',
  'category',
  'profile',
  'profile_type',
  'profile_vertical',
  'ip_address',
  'mac_address',
  'risk_score',
  'risk_level',
  'last_activity',
  'confidence_score',
  'allTags',
  'tagIdList',
  'trafficRestricted',
] as const;

const MAX_PAGE_LENGTH = 1000;

function summary(asset: StoredAsset): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of SUMMARY_FIELDS) if (field in asset) out[field] = asset[field];
  return out;
}

function nonNegativeInt(raw: string | null, fallback: number): number | null {
  if (raw === null) return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : null;
}

/**
 * `stime` as the clients send it: `2022-01-19T00:31:47Z`, with fractions, or a naive `isoformat()` without a zone.
 * A missing zone is read as UTC, not the emulator host's local time.
 */
function parseStime(raw: string): number | null {
  const m = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(raw);
  if (!m) return null;
  const withZone = m[1] && !m[4] ? `${raw}Z` : raw;
  const t = Date.parse(withZone);
  return Number.isNaN(t) ? null : t;
}

function listOrder(params: URLSearchParams): AssetOrder | null {
  const field = params.get('sortfield');
  const direction = params.get('sortdirection');
  if (direction !== null && direction !== 'asc' && direction !== 'desc') return null;
  // Without a sort field, a stable deviceid order so offset paging never skips or repeats an asset.
  if (field === null) return 'deviceid';
  // "Currently only MAC is supported"; descending is the documented default direction.
  if (field !== 'MAC') return null;
  return direction === 'asc' ? 'mac-asc' : 'mac-desc';
}

/**
 * `GET device/list`. `total` is the number of devices in THIS page, not the inventory size: the live-tenant
 * behaviour the official SDK's tests assert (FACTS §1 Paging), and the trap a client must not fall into.
 */
export function listDevices(inventory: IotInventory, params: URLSearchParams): EmulatorReply {
  const offset = nonNegativeInt(params.get('offset'), 0);
  const pageLength = nonNegativeInt(params.get('pagelength'), MAX_PAGE_LENGTH);
  const detail = params.get('detail') ?? 'false';
  const stimeRaw = params.get('stime');
  const stime = stimeRaw === null ? null : parseStime(stimeRaw);
  const restricted = params.get('trafficRestricted');
  const order = listOrder(params);
  if (
    offset === null ||
    pageLength === null ||
    pageLength < 1 ||
    pageLength > MAX_PAGE_LENGTH ||
    (detail !== 'true' && detail !== 'false') ||
    (stimeRaw !== null && stime === null) ||
    (restricted !== null && restricted !== 'yes' && restricted !== 'no') ||
    order === null
  ) {
    return iotError(400);
  }

  const all = inventory.ordered(order);
  const matching =
    stime === null && restricted === null
      ? all
      : all.filter(
          (a) =>
            (stime === null || Date.parse(a.last_activity) >= stime) &&
            (restricted === null || a.trafficRestricted === (restricted === 'yes')),
        );
  const page = matching.slice(offset, offset + pageLength);
  const devices = detail === 'true' ? page : page.map(summary);
  return json(200, { total: devices.length, devices });
}

/**
 * `GET device?deviceid=`: the flat full record. An id that is neither a MAC nor an IPv4 is simply not found
 * (404, as the SDK's tests see for `deviceid=x`), not a 400.
 */
export function deviceDetail(inventory: IotInventory, params: URLSearchParams): EmulatorReply {
  const raw = params.get('deviceid');
  if (!raw) return iotError(400);
  const key = toDeviceKey(raw);
  const asset = key === null ? undefined : inventory.get(key);
  return asset ? json(200, asset) : iotError(404);
}

/** `GET device/ip?ip=`: `{devices:[...]}` of every asset on that address; 404 when none (SDK test_04). */
export function devicesByIp(inventory: IotInventory, params: URLSearchParams): EmulatorReply {
  const ip = params.get('ip');
  if (!ip) return iotError(400);
  const devices = inventory.withIp(ip.trim());
  return devices.length ? json(200, { devices }) : iotError(404);
}
