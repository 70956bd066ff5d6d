import type { IotAssetRecord } from '../fleet/types.js';

export interface IotTag {
  tagType: string;
  tagValue: string;
  tagId: string;
}

/**
 * An asset as the inventory holds it: a fleet record, or one that bulkUpdate created. After third-party writes
 * a record is an open bag of attributes, so only the fields the emulator itself relies on are typed.
 */
export interface StoredAsset {
  deviceid: string;
  mac_address: string | null;
  ip_address: string | null;
  last_activity: string;
  allTags: IotTag[];
  tagIdList: string[];
  trafficRestricted: boolean;
  [attribute: string]: unknown;
}

/** One accepted bulkUpdate call, for truth and for the gateway's sync tests. */
export interface IotWriteLogEntry {
  updateSource: string | null;
  /** Devices touched, i.e. the `updatedDeviceNum` answered. */
  count: number;
  created: number;
  updated: number;
}

export type AssetOrder = 'deviceid' | 'mac-asc' | 'mac-desc';

function byKey(key: (a: StoredAsset) => string, descending: boolean) {
  const sign = descending ? -1 : 1;
  // deviceid breaks ties so assets without a MAC (static-IP) still page in one fixed order.
  return (a: StoredAsset, b: StoredAsset): number => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return ka < kb ? -sign : sign;
    return a.deviceid < b.deviceid ? -1 : a.deviceid > b.deviceid ? 1 : 0;
  };
}

const COMPARATORS: Record<AssetOrder, (a: StoredAsset, b: StoredAsset) => number> = {
  deviceid: byKey((a) => a.deviceid, false),
  'mac-asc': byKey((a) => a.mac_address ?? '', false),
  'mac-desc': byKey((a) => a.mac_address ?? '', true),
};

function fromFleet(record: IotAssetRecord): StoredAsset {
  const copy = structuredClone(record);
  // Fleet records may leave out what device/list always answers; fill it the way the service shows it.
  return {
    tagIdList: copy.allTags.map((t) => t.tagId),
    trafficRestricted: false,
    ...copy,
  };
}

/** The tenant's mutable asset store: what the routes read and bulkUpdate/tags write; `reset()` restores the fleet. */
export class IotInventory {
  readonly #initial: readonly IotAssetRecord[];
  #assets = new Map<string, StoredAsset>();
  #orders = new Map<AssetOrder, StoredAsset[]>();
  #writes: IotWriteLogEntry[] = [];

  constructor(initial: readonly IotAssetRecord[]) {
    this.#initial = initial;
    this.reset();
  }

  get size(): number {
    return this.#assets.size;
  }

  /** The live record (handlers mutate it in place), or undefined. */
  get(deviceid: string): StoredAsset | undefined {
    return this.#assets.get(deviceid);
  }

  withIp(ip: string): StoredAsset[] {
    return this.ordered('deviceid').filter((a) => a.ip_address === ip);
  }

  /** Every asset in a fixed order, cached until an asset is added, so offset paging over a quiet inventory is consistent. */
  ordered(order: AssetOrder): readonly StoredAsset[] {
    let list = this.#orders.get(order);
    if (!list) {
      list = [...this.#assets.values()].sort(COMPARATORS[order]);
      this.#orders.set(order, list);
    }
    return list;
  }

  add(asset: StoredAsset): void {
    if (this.#assets.has(asset.deviceid)) throw new Error(`iot inventory: ${asset.deviceid} already exists`);
    this.#assets.set(asset.deviceid, asset);
    this.#orders.clear();
  }

  logWrite(entry: IotWriteLogEntry): void {
    this.#writes.push(entry);
  }

  get writes(): readonly IotWriteLogEntry[] {
    return this.#writes.map((w) => ({ ...w }));
  }

  get creates(): number {
    return this.#writes.reduce((n, w) => n + w.created, 0);
  }

  get updates(): number {
    return this.#writes.reduce((n, w) => n + w.updated, 0);
  }

  /** Copies of all current records, in deviceid order. */
  snapshot(): StoredAsset[] {
    return structuredClone([...this.ordered('deviceid')]);
  }

  reset(): void {
    this.#assets = new Map(this.#initial.map((r) => [r.deviceid, fromFleet(r)]));
    this.#orders.clear();
    this.#writes = [];
  }
}
