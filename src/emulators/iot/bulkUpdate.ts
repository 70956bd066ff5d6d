import type { ValidationIssue } from './errors.js';
import { isIpv4, normaliseMac, toDeviceKey } from './deviceId.js';
import type { IotInventory, StoredAsset } from './inventory.js';

export type AttributeValue = string | number | boolean | null;

export interface BulkUpdateItem {
  /** Inventory key: normalised MAC or IPv4. */
  deviceid: string;
  attributes: Record<string, AttributeValue>;
}

type Checked = { ok: true; items: BulkUpdateItem[] } | { ok: false; issues: ValidationIssue[] };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isAttributeValue(v: unknown): v is AttributeValue {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

/**
 * Schema check of a `device/bulkUpdate` body, reporting every finding at once as a JSON-Schema validator does.
 * The published schemas type the attributes as strings and integers; we also let booleans and null through
 * (cisco_wlc's own example sends `"isBluetooth": true`) but refuse objects and arrays, which no source schema has.
 */
export function checkBulkUpdate(body: unknown): Checked {
  if (!isPlainObject(body)) return { ok: false, issues: [{ property: 'instance', message: 'is not of a type(s) object' }] };
  if (!('devicelist' in body)) return { ok: false, issues: [{ property: 'instance.devicelist', message: 'requires property "devicelist"' }] };
  const list = body.devicelist;
  if (!Array.isArray(list)) return { ok: false, issues: [{ property: 'instance.devicelist', message: 'is not of a type(s) array' }] };

  const issues: ValidationIssue[] = [];
  const items: BulkUpdateItem[] = [];
  list.forEach((entry: unknown, i) => {
    const at = `instance.devicelist[${i}]`;
    if (!isPlainObject(entry)) {
      issues.push({ property: at, message: 'is not of a type(s) object' });
      return;
    }
    const { deviceid, ...rest } = entry;
    let key: string | null = null;
    if (deviceid === undefined) issues.push({ property: `${at}.deviceid`, message: 'requires property "deviceid"' });
    else if (typeof deviceid !== 'string') issues.push({ property: `${at}.deviceid`, message: 'is not of a type(s) string' });
    else if (!(key = toDeviceKey(deviceid))) issues.push({ property: `${at}.deviceid`, message: 'is not a MAC address or an IPv4 address' });

    const entries: Array<[string, AttributeValue]> = [];
    for (const [name, value] of Object.entries(rest)) {
      if (isAttributeValue(value)) entries.push([name, value]);
      else issues.push({ property: `${at}.${name}`, message: 'is not of a type(s) string,number,boolean,null' });
    }
    // fromEntries defines own properties, so even a `__proto__` key stays an ordinary attribute.
    if (key) items.push({ deviceid: key, attributes: Object.fromEntries(entries) });
  });
  return issues.length ? { ok: false, issues } : { ok: true, items };
}

/** Third-party attributes are shown as `<third-party-name>.<attribute>` (FACTS §2, DOC-A); DNAC/Prime (no source) writes native names. */
function storedName(updateSource: string | null, attribute: string): string {
  return updateSource ? `${updateSource}.${attribute}` : attribute;
}

/**
 * A new asset for a key IoT Security has not seen. Creation is [inferred] (FACTS §3a); unknown facts are left out
 * rather than invented, and the counters every detail record carries start at zero.
 */
function newAsset(deviceid: string, attributes: Record<string, AttributeValue>, now: string): StoredAsset {
  const mac = normaliseMac(deviceid);
  // A device name sent under its Graph name (`deviceName`) is what the Entra job would map onto `hostname` (FACTS §4);
  // without one the asset is named by its id, as the v2 inventory's `name` shows unnamed assets.
  const name = attributes.hostname ?? attributes.deviceName;
  return {
    deviceid,
    hostname: typeof name === 'string' ? name : deviceid,
    category: 'Unknown',
    profile: 'Unknown',
    profile_type: 'Non_IoT',
    profile_vertical: 'Unknown',
    ip_address: isIpv4(deviceid) ? deviceid : null,
    mac_address: mac,
    risk_score: 0,
    risk_level: 'Low',
    confidence_score: 0,
    first_seen_date: now,
    last_activity: now,
    number_of_critical_alerts: 0,
    number_of_warning_alerts: 0,
    number_of_caution_alerts: 0,
    number_of_info_alerts: 0,
    allTags: [],
    tagIdList: [],
    trafficRestricted: false,
  };
}

/**
 * Upserts checked items (the [inferred] product behaviour, FACTS §3a). A device named twice in one call counts
 * once in `updatedDeviceNum`, as the reply counts devices, not items; `created` wins if the call created it.
 */
export function applyBulkUpdate(
  inventory: IotInventory,
  items: readonly BulkUpdateItem[],
  updateSource: string | null,
): { count: number; created: number; updated: number } {
  const created = new Set<string>();
  const touched = new Set<string>();
  for (const { deviceid, attributes } of items) {
    let asset = inventory.get(deviceid);
    if (!asset) {
      asset = newAsset(deviceid, attributes, new Date().toISOString());
      inventory.add(asset);
      created.add(deviceid);
    }
    for (const [name, value] of Object.entries(attributes)) {
      // Defined, not assigned: a JSON body may name any key, and `__proto__` must not reach the record's prototype.
      Object.defineProperty(asset, storedName(updateSource, name), { value, writable: true, enumerable: true, configurable: true });
    }
    touched.add(deviceid);
  }
  const result = { count: touched.size, created: created.size, updated: touched.size - created.size };
  inventory.logWrite({ updateSource, ...result });
  return result;
}
