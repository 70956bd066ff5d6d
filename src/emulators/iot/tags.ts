import { createHash } from 'node:crypto';
import { json, type EmulatorReply } from '../http/router.js';
import { toDeviceKey } from './deviceId.js';
import { iotError, validationReply, type ValidationIssue } from './errors.js';
import type { IotInventory, IotTag } from './inventory.js';

/** "The limit of the device list is 50" (addingTag.yaml / removingTag.yaml). */
const MAX_DEVICES_PER_TAG_CALL = 50;

type TagCall = { ok: true; tagType: string; tagValue: string; deviceKeys: string[] } | { ok: false; issues: ValidationIssue[] };

function checkTagCall(body: unknown): TagCall {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, issues: [{ property: 'instance', message: 'is not of a type(s) object' }] };
  }
  const { tag, deviceidlist } = body as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  if (tag === undefined) issues.push({ property: 'instance.tag', message: 'requires property "tag"' });
  else if (tag === null || typeof tag !== 'object' || Array.isArray(tag)) issues.push({ property: 'instance.tag', message: 'is not of a type(s) object' });
  else {
    for (const field of ['tagType', 'tagValue'] as const) {
      if (typeof (tag as Record<string, unknown>)[field] !== 'string') issues.push({ property: `instance.tag.${field}`, message: 'is not of a type(s) string' });
    }
  }
  if (deviceidlist === undefined) issues.push({ property: 'instance.deviceidlist', message: 'requires property "deviceidlist"' });
  else if (!Array.isArray(deviceidlist)) issues.push({ property: 'instance.deviceidlist', message: 'is not of a type(s) array' });
  else if (deviceidlist.length > MAX_DEVICES_PER_TAG_CALL) {
    issues.push({ property: 'instance.deviceidlist', message: `does not meet maximum length of ${MAX_DEVICES_PER_TAG_CALL}` });
  } else {
    deviceidlist.forEach((id: unknown, i) => {
      if (typeof id !== 'string') issues.push({ property: `instance.deviceidlist[${i}]`, message: 'is not of a type(s) string' });
    });
  }
  if (issues.length) return { ok: false, issues };
  const { tagType, tagValue } = tag as { tagType: string; tagValue: string };
  // Ids that are no asset's key cannot carry a tag; they are skipped, the call still succeeds.
  const deviceKeys = (deviceidlist as string[]).map(toDeviceKey).filter((k): k is string => k !== null);
  return { ok: true, tagType, tagValue, deviceKeys };
}

/** A 24-hex id like the service's (Mongo ObjectId-shaped), stable per tag so a re-added tag keeps its id. */
function tagIdFor(tagType: string, tagValue: string): string {
  return createHash('sha1').update(`${tagType}\u0000${tagValue}`).digest('hex').slice(0, 24);
}

/** User-defined tags: add/remove on assets (`POST|DELETE tag`) and the tenant's tag list (`GET tag/list`). */
export class TagBook {
  readonly #inventory: IotInventory;
  /** Every tag the tenant has defined, keyed by type and value; tags stay defined after their last removal. */
  #catalog = new Map<string, IotTag>();

  constructor(inventory: IotInventory) {
    this.#inventory = inventory;
    this.reset();
  }

  reset(): void {
    this.#catalog.clear();
    for (const asset of this.#inventory.ordered('deviceid')) {
      for (const tag of asset.allTags) this.#catalog.set(`${tag.tagType}\u0000${tag.tagValue}`, { ...tag });
    }
  }

  #define(tagType: string, tagValue: string): IotTag {
    const key = `${tagType}\u0000${tagValue}`;
    let tag = this.#catalog.get(key);
    if (!tag) {
      tag = { tagType, tagValue, tagId: tagIdFor(tagType, tagValue) };
      this.#catalog.set(key, tag);
    }
    return tag;
  }

  add(body: unknown): EmulatorReply {
    const call = checkTagCall(body);
    if (!call.ok) return validationReply(call.issues);
    const tag = this.#define(call.tagType, call.tagValue);
    for (const key of call.deviceKeys) {
      const asset = this.#inventory.get(key);
      if (!asset || asset.allTags.some((t) => t.tagId === tag.tagId)) continue;
      asset.allTags.push({ ...tag });
      asset.tagIdList.push(tag.tagId);
    }
    return json(200, { api: 'pub/v4.0/tag', updateSuccess: 'yes' });
  }

  remove(body: unknown): EmulatorReply {
    const call = checkTagCall(body);
    if (!call.ok) return validationReply(call.issues);
    for (const key of call.deviceKeys) {
      const asset = this.#inventory.get(key);
      if (!asset) continue;
      const gone = asset.allTags.filter((t) => t.tagType === call.tagType && t.tagValue === call.tagValue).map((t) => t.tagId);
      asset.allTags = asset.allTags.filter((t) => !gone.includes(t.tagId));
      asset.tagIdList = asset.tagIdList.filter((id) => !gone.includes(id));
    }
    return json(200, { api: 'pub/v4.0/tag', removeSuccess: 'yes' });
  }

  /** `source` is required; every tag we hold is a tenant (custom) tag, so `predefined` and `type=system` list none. */
  list(params: URLSearchParams): EmulatorReply {
    const source = params.get('source');
    const type = params.get('type');
    if ((source !== 'tenant' && source !== 'predefined') || (type !== null && type !== 'custom' && type !== 'system')) return iotError(400);
    const tags =
      source === 'tenant' && type !== 'system'
        ? [...this.#catalog.values()].map((t) => ({ _id: { tagId: t.tagId }, ...t, type: 'custom' }))
        : [];
    return json(200, { totalTags: tags.length, tags });
  }
}
