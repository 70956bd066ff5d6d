import { randomUUID } from 'node:crypto';
import { correlateLazily } from '../correlate/correlate.js';
import type { Precedence } from '../correlate/precedence.js';
import type { Logger } from '../logger.js';
import type { EntraDevice, EntraRemoved } from '../sources/entra/types.js';
import { HttpError, NotFoundError } from '../sources/errors.js';
import type { Sources } from '../sources/index.js';
import { NON_DEFAULT_FIELDS } from '../sources/intune/intuneSource.js';
import type { ManagedDevice } from '../sources/intune/types.js';
import type { IotAsset } from '../sources/iot/types.js';
import type { PlanDevice } from '../sync/plan.js';
import type { HydrationEntry, RefreshRecord, RefreshSourceRecord, Store } from '../store/types.js';
import { RecordHashes } from './recordHashes.js';
import { SavedDevices } from './savedDevices.js';

/** What `inventoryStatus` shows. */
export type RefreshStatus = RefreshRecord['status'];

/** What a refresh read and correlated, for the sync that asked for it: planning starts from it, not from a re-read. */
export interface RefreshResult {
  record: RefreshRecord;
  /** Null when the refresh failed. */
  inventory: { devices: PlanDevice[]; iotAssets: IotAsset[] } | null;
}

export interface InventoryStatus {
  ready: boolean;
  refreshing: boolean;
  lastRefresh: RefreshRecord | null;
}

type SourceKey = 'entra' | 'intune' | 'iot';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The directory after a delta round: changed devices merged over what we had (a change may carry only some
 * properties), removed ones dropped. A round may name a device more than once (Graph allows replays): the last
 * mention wins. A full round is a delta round over nothing.
 */
function applyDelta(previous: readonly EntraDevice[], items: ReadonlyArray<EntraDevice | EntraRemoved>): EntraDevice[] {
  const byId = new Map(previous.map((d) => [d.id, d]));
  for (const item of items) {
    if ('@removed' in item) byId.delete(item.id);
    else {
      // A device new to this round is taken as it came (a copy of 100,000 would double the directory in memory).
      const known = byId.get(item.id);
      byId.set(item.id, known ? ({ ...known, ...item } as EntraDevice) : item);
    }
  }
  return [...byId.values()];
}

/**
 * Reads every source completely, fills the fields Intune's LIST leaves null, correlates, and replaces the
 * snapshot. Anything short of a complete read of all three sources fails the refresh and keeps the last
 * snapshot: a partial inventory would make devices vanish from dashboards and, worse, feed a sync.
 * One refresh runs at a time; a second caller joins the running one.
 */
export class InventoryRefresher {
  #running: Promise<RefreshResult> | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** What the snapshots this refresher saved hold: a refresh builds only the devices whose inputs changed. */
  readonly #saved = new SavedDevices();

  constructor(
    private readonly deps: {
      sources: Sources;
      store: Store;
      logger: Logger;
      precedence?: Partial<Precedence>;
      /** Told of every refresh that finished, succeeded or failed (metrics). */
      onFinished?: (record: RefreshRecord) => void;
    },
  ) {}

  status(): InventoryStatus {
    return { ready: this.deps.store.hasSnapshot(), refreshing: this.#running !== null, lastRefresh: this.deps.store.latestRefreshes(1)[0] ?? null };
  }

  /**
   * `fullResync` reads the Entra directory from scratch instead of continuing from the saved deltaLink.
   * A caller that arrives while a refresh runs joins it, whatever it asked for.
   */
  async refresh(options: { fullResync?: boolean } = {}): Promise<RefreshRecord> {
    return (await this.refreshWithResult(options)).record;
  }

  /** `refresh`, plus the correlated devices and IoT assets it saved (held only as long as the caller keeps them). */
  refreshWithResult(options: { fullResync?: boolean } = {}): Promise<RefreshResult> {
    this.#running ??= this.#refresh(options.fullResync ?? false).finally(() => (this.#running = null));
    return this.#running;
  }

  /** Refreshes now and then every `intervalMs` (0: never again). Failures are logged; the schedule goes on. */
  schedule(intervalMs: number): Promise<RefreshRecord> {
    const first = this.refresh();
    if (intervalMs > 0) {
      this.#timer = setInterval(() => void this.refresh().catch(() => undefined), intervalMs);
      this.#timer.unref();
    }
    return first;
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => undefined);
  }

  async #refresh(fullResync: boolean): Promise<RefreshResult> {
    const { sources, store, logger } = this.deps;
    const started = Date.now();
    const before = { ...sources.counters.calls };
    const record: RefreshRecord = {
      id: randomUUID(),
      startedAt: new Date(started).toISOString(),
      finishedAt: null,
      durationMs: null,
      status: 'running',
      error: null,
      sources: [],
      deviceCount: 0,
    };
    store.recordRefresh(record);
    const sourceRecords = new Map<SourceKey, RefreshSourceRecord>(
      (['entra', 'intune', 'iot'] as const).map((source) => [source, { source, records: 0, complete: false, upstreamCalls: 0, error: null }]),
    );
    const finish = (status: RefreshRecord['status'], error: string | null, deviceCount = 0): RefreshRecord => {
      for (const [source, r] of sourceRecords) r.upstreamCalls = sources.counters.calls[source] - before[source];
      const done: RefreshRecord = { ...record, status, error, deviceCount, finishedAt: new Date().toISOString(), durationMs: Date.now() - started, sources: [...sourceRecords.values()] };
      store.recordRefresh(done);
      this.deps.onFinished?.(done);
      return done;
    };
    const read = async <T>(source: SourceKey, work: () => Promise<T[]>): Promise<T[]> => {
      const r = sourceRecords.get(source)!;
      try {
        const items = await work();
        r.records = items.length;
        r.complete = true;
        return items;
      } catch (err) {
        r.error = message(err);
        throw err;
      }
    };

    try {
      const hashes = new RecordHashes();
      let entraState: { devices: EntraDevice[]; deltaLink: string } | undefined;
      const [entra, listed, iot] = await Promise.all([
        read<EntraDevice>('entra', async () => {
          entraState = await this.#readEntra(fullResync);
          await hashes.add(entraState.devices);
          return entraState.devices;
        }),
        read<ManagedDevice>('intune', () => this.#readIntune(fullResync, hashes)),
        read<IotAsset>('iot', async () => {
          const assets = await sources.iot.listAllDevices({ detail: true });
          await hashes.add(assets);
          return assets;
        }),
      ]);
      const correlation = correlateLazily({ entra, intune: listed, iot, precedence: this.deps.precedence });
      const done = finish('succeeded', null, correlation.deviceCount);
      // Each device is stored and then let go; what a sync plans from is kept, which is far less.
      const { devices, planDevices } = this.#saved.forSnapshot(correlation.drafts, hashes);
      const written = store.saveSnapshot({ devices, iotAssets: iot, macConflicts: correlation.macConflicts, entra: entraState, recordHash: (r) => hashes.of(r) }, done);
      this.#saved.forgetVanished();
      logger.info({ refresh: done.id, devices: done.deviceCount, durationMs: done.durationMs, sources: done.sources, written }, 'inventory refreshed');
      return { record: done, inventory: { devices: planDevices, iotAssets: iot } };
    } catch (err) {
      const failed = finish('failed', `the last snapshot was kept: ${message(err)}`);
      logger.warn({ refresh: failed.id, err, sources: failed.sources }, 'inventory refresh failed; the last snapshot was kept');
      return { record: failed, inventory: null };
    }
  }

  /**
   * The directory through /devices/delta: from the saved deltaLink when there is one (only what changed since
   * the last snapshot), from scratch otherwise. An expired or unknown link (410 syncStateNotFound) falls back to a
   * full round. The new link is saved with the snapshot, so a failed refresh leaves the old cursor in place.
   */
  async #readEntra(fullResync: boolean): Promise<{ devices: EntraDevice[]; deltaLink: string }> {
    const { sources, store, logger } = this.deps;
    const previous = fullResync ? null : store.getEntraState();
    if (previous) {
      try {
        const round = await sources.entra.delta(previous.deltaLink);
        return { devices: applyDelta(previous.devices, round.items), deltaLink: round.deltaLink };
      } catch (err) {
        if (!(err instanceof HttpError && (err.status === 410 || err.code === 'syncStateNotFound'))) throw err;
        logger.info({ code: err.code }, 'the Entra deltaLink expired; reading the directory in full');
      }
    }
    const round = await sources.entra.delta();
    return { devices: applyDelta([], round.items), deltaLink: round.deltaLink };
  }

  /**
   * Every managed device, hydrated. Each LIST page's GETs start as soon as the page arrives, so the listing and
   * the hydration share Intune's budget instead of taking turns with it.
   */
  async #readIntune(fullResync: boolean, hashes: RecordHashes): Promise<ManagedDevice[]> {
    const pages: Array<Promise<ManagedDevice[]>> = [];
    try {
      for await (const page of this.deps.sources.intune.listManagedDevices()) {
        const hydrated = this.#hydrate(page, fullResync).then(async (devices) => {
          await hashes.add(devices);
          return devices;
        });
        // Awaited below; until then a failure must not count as unhandled.
        hydrated.catch(() => undefined);
        pages.push(hydrated);
      }
    } finally {
      // A failed LIST still waits for the GETs in flight, so none outlives the refresh that started it.
      if (pages.length > 0) await Promise.allSettled(pages);
    }
    return (await Promise.all(pages)).flat();
  }

  /**
   * Intune answers ethernetMacAddress as null in LIST; a GET with $select per device fills it. Those GETs cost
   * one request each against Intune's budget, so a device whose lastSyncDateTime has not moved reuses the value
   * read last time.
   */
  async #hydrate(devices: ManagedDevice[], fullResync: boolean): Promise<ManagedDevice[]> {
    const { sources, store } = this.deps;
    // A full resync trusts nothing read before: every MAC is read again.
    const cached = fullResync ? new Map<string, HydrationEntry>() : store.getHydration(devices.map((d) => d.id));
    const stale = devices.filter((d) => cached.get(d.id)?.lastSyncDateTime !== d.lastSyncDateTime || !cached.has(d.id));
    const fresh = stale.length > 0 ? await sources.intune.getNonDefaultFields(stale.map((d) => d.id)) : new Map();
    const entries: HydrationEntry[] = [];
    for (const d of stale) {
      const answer = fresh.get(d.id);
      // Removed between the LIST and the GET: it will be gone from the next LIST too; keep the LIST's nulls.
      if (answer instanceof NotFoundError) continue;
      if (answer instanceof Error || answer === undefined) throw answer ?? new Error(`intune: no answer for ${d.id}`);
      const fields = Object.fromEntries(NON_DEFAULT_FIELDS.map((f) => [f, answer[f] ?? null]));
      entries.push({ intuneId: d.id, lastSyncDateTime: d.lastSyncDateTime, fields });
    }
    store.putHydration(entries);
    const all = new Map([...cached, ...entries.map((e) => [e.intuneId, e] as const)]);
    // The records were parsed for this refresh alone: filled in place rather than copied.
    for (const d of devices) Object.assign(d, all.get(d.id)?.fields);
    return devices;
  }
}
