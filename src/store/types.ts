import type { DeviceMac, MacConflict, MatchStatus, SourceKind, UnifiedDevice } from '../correlate/model.js';
import type { EntraDevice } from '../sources/entra/types.js';
import type { IotAsset } from '../sources/iot/types.js';

/**
 * The store: the latest inventory snapshot, the refresh ledger and small state, behind an interface so that the
 * embedded SQLite store and a shared PostgreSQL store (several gateway replicas) are interchangeable.
 *
 * Synchronous, as better-sqlite3 is. A PostgreSQL store will return promises instead: a mechanical change for
 * callers, which already run in async resolvers.
 */

/**
 * Devices a query selects; every field narrows the set (AND). A list field keeps set semantics: an empty
 * `osGroups`/`enrollmentTypes`/`matchStatuses`/`macClasses` matches nothing, an empty `inSources`/`notInSources`
 * constrains nothing.
 */
export interface DeviceFilter {
  /** Case-insensitive substring of the device name, serial, UPN or any MAC; a whole MAC matches in any notation. */
  text?: string;
  /** `attributes.osGroup.value` is one of these (case-insensitive). */
  osGroups?: string[];
  /** `attributes.enrollmentType.value` is one of these (exact). */
  enrollmentTypes?: string[];
  /** Present in ALL of these sources. */
  inSources?: SourceKind[];
  /** Present in NONE of these sources (in Intune but not in IoT Security: `{ inSources: ['intune'], notInSources: ['iot'] }`). */
  notInSources?: SourceKind[];
  matchStatuses?: MatchStatus[];
  /** Has at least one MAC of one of these classes. */
  macClasses?: Array<DeviceMac['class']>;
  /** ISO instants, exclusive; a device never seen matches neither bound. */
  lastSeenAfter?: string;
  lastSeenBefore?: string;
}

export type DeviceOrderField = 'NAME' | 'LAST_SEEN' | 'ID';

/** Ties are broken by id in the same direction. A missing name or lastSeen sorts lowest. */
export interface DeviceOrder {
  field: DeviceOrderField;
  direction: 'ASC' | 'DESC';
}

/** A sanity bound against a runaway query; the GraphQL layer applies its own, smaller limit. */
export const MAX_PAGE_SIZE = 1000;

export interface DeviceListArgs {
  filter?: DeviceFilter;
  orderBy?: DeviceOrder;
  first?: number;
  after?: string | null;
  last?: number;
  before?: string | null;
}

/** A Relay-style page: `cursors[i]` is the cursor of `devices[i]`; `totalCount` counts the whole filtered set. */
export interface DevicePage {
  devices: UnifiedDevice[];
  cursors: string[];
  totalCount: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** One bucket of a breakdown; `key` is null for devices without a value (no OS group; no MAC at all). */
export interface StatBucket {
  key: string | null;
  count: number;
}

/**
 * Breakdowns of a device set, each bucket list ordered by count (desc) then key. Every breakdown but `byMacClass`
 * partitions the set, so its counts add up to `total`; `byMacClass` counts devices with at least one MAC of a
 * class, as the `macClasses` filter does, so a device with two classes counts twice.
 */
export interface DeviceStats {
  total: number;
  /** Keys list the sources a device is in, in the order entra, intune, iot: "entra+intune+iot", "intune+iot", "iot". */
  bySourceCoverage: StatBucket[];
  byMatchStatus: StatBucket[];
  /** Grouped case-insensitively, as the `osGroups` filter matches; the key is the group's first spelling in sort order. */
  byOsGroup: StatBucket[];
  byEnrollmentType: StatBucket[];
  byMacClass: StatBucket[];
}

export interface RefreshSourceRecord {
  source: SourceKind;
  records: number;
  complete: boolean;
  upstreamCalls: number;
  error: string | null;
}

export interface RefreshRecord {
  id: string;
  /** As `toISOString` writes it: latestRefreshes orders by this string. */
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  status: 'running' | 'succeeded' | 'failed';
  error: string | null;
  sources: RefreshSourceRecord[];
  deviceCount: number;
}

export interface SnapshotWrite {
  written: number;
  unchanged: number;
  /** Devices whose document had to be built: given whole, or a SnapshotDevice the store did not already hold. */
  built: number;
  removed: number;
  /** Indexes dropped and built again rather than maintained row by row (an empty store, or much changed). */
  bulk: boolean;
}

/**
 * A device of a new snapshot that the caller may not need to build: when the store still holds the document whose
 * hash the caller remembers for the same inputs, the device is left as it is and never built.
 */
export interface SnapshotDevice {
  id: string;
  /** The document hash the same inputs gave last time; null when unknown. */
  knownHash: string | null;
  /** Called at most once, when the store has to compare or write the device. */
  build(): UnifiedDevice;
  /** Told the hash of the document the store holds for the device once it is settled (left, or written). */
  settled(hash: string): void;
}

export interface Snapshot {
  /**
   * Any iterable: the store reads it once, so devices built one at a time are stored one at a time. A
   * SnapshotDevice is built only if the store does not hold it already.
   */
  devices: Iterable<UnifiedDevice | SnapshotDevice>;
  iotAssets: IotAsset[];
  macConflicts: MacConflict[];
  /**
   * The Entra directory as the delta round that fed this snapshot left it, and the deltaLink to continue from.
   * Saved in the same transaction as the snapshot, so the cursor advances only with a snapshot that used it.
   */
  entra?: { devices: EntraDevice[]; deltaLink: string };
  /**
   * The hash of a source record (an IoT asset, an Entra device) when the caller took it already; it must be
   * `jsonHash` of the record. Without it the store hashes each record itself.
   */
  recordHash?: (record: object) => string;
}

export type SyncStatus = 'planning' | 'applying' | 'succeeded' | 'failed' | 'interrupted';
export type SyncPhase = 'fetching' | 'planning' | 'applying' | 'done';

/** One syncDevices run in the ledger. */
export interface SyncRunRecord {
  id: string;
  /** What started it: an API call, the schedule, the CLI. */
  trigger: string;
  /** Who, when known (a user or key name); null for the schedule. */
  actor: string | null;
  dryRun: boolean;
  createMissing: boolean;
  /** The scope filter, as given. */
  scope: DeviceFilter | null;
  /** The plan this run made (dry run) or applied. */
  planId: string | null;
  idempotencyKey: string | null;
  status: SyncStatus;
  phase: SyncPhase;
  progress: { done: number; total: number };
  startedAt: string;
  finishedAt: string | null;
  /** Refreshed while the run works; a run whose process died keeps an old heartbeat. */
  heartbeatAt: string;
  counts: { updates: number; creates: number; skips: number; unchanged: number; skipsByReason: Record<string, number> } | null;
  outcomes: { applied: number; failed: number };
  upstream: { graphRequests: number; iotRequests: number; iotWrites: number; throttled: number };
  errors: string[];
}

export type SyncItemOutcome = 'planned' | 'applied' | 'failed' | 'skipped';
export type SyncAction = 'update' | 'create' | 'skip';

export interface SyncItemRecord {
  runId: string;
  /** Position in the plan, from 0. */
  seq: number;
  action: SyncAction;
  deviceId: string;
  iotDeviceId: string | null;
  reason: string | null;
  detail: string | null;
  changes: Array<{ attribute: string; iotAttribute: string; from: string | null; to: string }>;
  outcome: SyncItemOutcome;
  error: string | null;
}

export interface StoredPlan {
  id: string;
  runId: string;
  createdAt: string;
  /** Hash of the writes; applying the plan later requires a fresh plan with the same fingerprint. */
  fingerprint: string;
  updateSource: string;
  createMissing: boolean;
  scope: DeviceFilter | null;
}

export interface SyncRunPage {
  runs: SyncRunRecord[];
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface SyncItemPage {
  items: SyncItemRecord[];
  totalCount: number;
  hasNextPage: boolean;
  endCursor: string | null;
}

/** Intune fields that LIST answers as null (ethernetMacAddress…), fetched per device and reused while unchanged. */
export interface HydrationEntry {
  intuneId: string;
  lastSyncDateTime: string | null;
  fields: Record<string, unknown>;
}

/**
 * An API key as the store keeps it: never the key itself, only its SHA-256 (see src/auth/apiKeys.ts for why a
 * fast hash suffices) and a short prefix that lets a person tell their keys apart.
 */
export interface ApiKeyRecord {
  id: string;
  /** Unique among active keys; a revoked key's name can be given to a new one. */
  name: string;
  role: 'reader' | 'operator';
  /** Hex SHA-256 of the whole key. */
  hash: string;
  /** The key's first characters, e.g. `eig_3Fq9`. */
  prefix: string;
  createdAt: string;
  /** Updated at most once a minute, so a busy script does not write on every request. */
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface Store {
  /**
   * Replaces the current snapshot in one transaction (readers see the old one or the new one, never a mix; a
   * failure leaves the old one), records `refresh` and precomputes the unfiltered stats. Says how many devices
   * it had to write (the rest were unchanged).
   */
  saveSnapshot(snapshot: Snapshot, refresh: RefreshRecord): SnapshotWrite;
  hasSnapshot(): boolean;
  /**
   * Changes whenever anything is written to the store, by this process or another; null inside a transaction.
   * What was read under one version can be answered again while the version stays the same.
   */
  readVersion(): string | null;
  /** Throws StoreInputError for a malformed cursor or filter value, or an impossible page size. */
  listDevices(args: DeviceListArgs): DevicePage;
  getDevice(id: string): UnifiedDevice | null;
  /** DataLoader-shaped: one answer per id, in order. */
  getDevices(ids: readonly string[]): Array<UnifiedDevice | null>;
  /**
   * The device holding this MAC (any notation). Null when none does, and also when several do (a shared dock
   * MAC belongs to no single device: `macConflicts()` names them). Throws StoreInputError if `mac` is not a MAC.
   */
  getDeviceByMac(mac: string): UnifiedDevice | null;
  /** DataLoader-shaped: one answer per IoT deviceid (a MAC in any notation, or an IPv4), in order. */
  getIotAssets(deviceids: readonly string[]): Array<IotAsset | null>;
  /** Unfiltered: read from what saveSnapshot precomputed. Filtered: counted on the spot. */
  deviceStats(filter?: DeviceFilter): DeviceStats;
  macConflicts(): MacConflict[];
  /** Cached Intune LIST-null fields; the caller reuses an entry while its lastSyncDateTime is unchanged. */
  getHydration(intuneIds: readonly string[]): Map<string, HydrationEntry>;
  /** Upsert by intuneId. */
  putHydration(entries: readonly HydrationEntry[]): void;
  /** Upsert by id, so a run is recorded when it starts and again when it finishes. */
  recordRefresh(refresh: RefreshRecord): void;
  /** Newest first. */
  latestRefreshes(limit: number): RefreshRecord[];
  /** Small key/value state (sync cursors, delta links). */
  getState(key: string): string | null;
  setState(key: string, value: string): void;
  /** The Entra directory and deltaLink saved with the current snapshot, or null before the first one. */
  getEntraState(): { devices: EntraDevice[]; deltaLink: string } | null;

  /**
   * Starts a sync run unless one is planning or applying: atomic, so two callers (or two replicas sharing a
   * database) cannot both start. Returns the run in the way when refused.
   */
  beginSyncRun(run: SyncRunRecord): { ok: true } | { ok: false; running: SyncRunRecord };
  updateSyncRun(id: string, patch: Partial<Omit<SyncRunRecord, 'id'>>): void;
  getSyncRun(id: string): SyncRunRecord | null;
  findSyncRunByIdempotencyKey(key: string): SyncRunRecord | null;
  /** Newest first. */
  listSyncRuns(args: { first: number; after?: string | null }): SyncRunPage;
  /** Runs left planning/applying by a process that died: marked interrupted, with a note. Returns how many. */
  markInterruptedSyncRuns(note: string): number;
  putSyncItems(items: readonly SyncItemRecord[]): void;
  updateSyncItemOutcomes(runId: string, outcomes: ReadonlyArray<{ seq: number; outcome: SyncItemOutcome; error: string | null }>): void;
  listSyncItems(runId: string, args: { first: number; after?: string | null; actions?: SyncItemRecord['action'][]; outcomes?: SyncItemOutcome[] }): SyncItemPage;
  savePlan(plan: StoredPlan): void;
  getPlan(id: string): StoredPlan | null;

  /**
   * Adds a key, refusing a name an active key holds; with `replaceActive` that key is revoked instead, in the same
   * transaction (the embedded demo key, made fresh at each start).
   */
  createApiKey(record: ApiKeyRecord, options?: { replaceActive?: boolean }): { ok: true } | { ok: false; reason: 'name-taken' };
  /** The key with this hash, revoked or not (the caller decides what a revoked key means). */
  findApiKeyByHash(hash: string): ApiKeyRecord | null;
  /** By name, then creation time. */
  listApiKeys(options?: { includeRevoked?: boolean }): ApiKeyRecord[];
  /** Revokes the active key with this name; returns it, or null when there is none. */
  revokeApiKey(name: string, at: string): ApiKeyRecord | null;
  touchApiKey(id: string, at: string): void;

  close(): void;
}
