/**
 * What a query costs upstream, per object its fields resolve. The gateway answers most of the schema from its
 * SQLite snapshot, which costs nothing upstream; only these fields call an API, once per object they resolve on:
 *
 * - `Device.entra`  → one Graph GET /devices/{id}, as an item of a $batch envelope (the directory's budget)
 * - `Device.intune` → one Graph GET /deviceManagement/managedDevices/{id}, ditto (Intune's 2,000 / 20 s per app)
 * - `Device.iot(live: true)` → one IoT Security GET /device (the tenant's 180 a minute)
 *
 * The estimate is an upper bound: a device without an Entra or Intune record, or one the shared read cache holds,
 * costs nothing when it runs, and the DataLoader asks once for a device selected twice.
 */
export interface UnitCost {
  entra?: number;
  intune?: number;
  iotLive?: number;
}

export const LIVE_FIELDS: Readonly<Record<string, (args: Record<string, unknown>) => UnitCost>> = {
  'Device.entra': () => ({ entra: 1 }),
  'Device.intune': () => ({ intune: 1 }),
  'Device.iot': (args) => (args.live === true ? { iotLive: 1 } : {}),
};

/** The type whose objects the estimate counts, for the message ("up to 2,100 devices"). */
export const COSTLY_TYPE = 'Device';

/** Graph takes 20 requests to a $batch envelope. */
export const GRAPH_BATCH_SIZE = 20;

/** The resolvers read `iot(live: true)` for one device per request (Device.ts); the estimate refuses more up front. */
export const MAX_LIVE_IOT_READS = 1;

/**
 * Page arguments: a field taking them returns that many items, either as its own list (`recentRefreshes`) or as
 * the `nodes`/`edges` lists of the connection it returns (`devices`, `syncRuns`, `SyncRun.items`). `last` wins
 * over `first`, as in the resolvers.
 */
export const PAGE_ARGUMENTS = ['last', 'first'] as const;

/** Lengths the arguments do not give, read from the snapshot when a query selects them. */
export interface ListSizes {
  macConflicts(): { conflicts: number; devices: number };
}

/**
 * List fields without page arguments that lead to a Device. `MacConflict.devices` is given as the average per
 * conflict: `macConflicts` is a root field, so conflicts × average is exactly the number of devices listed.
 * A list that leads to a Device and is missing here is costed at the page-size limit (and a test fails).
 */
export const UNPAGED_LIST_SIZES: Readonly<Record<string, (sizes: ListSizes) => number>> = {
  'Query.macConflicts': (sizes) => sizes.macConflicts().conflicts,
  'MacConflict.devices': (sizes) => {
    const { conflicts, devices } = sizes.macConflicts();
    return conflicts === 0 ? 0 : devices / conflicts;
  },
};
