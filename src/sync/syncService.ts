import { randomUUID } from 'node:crypto';
import { GatewayError, GatewayErrorCode } from '../errors.js';
import type { InventoryRefresher } from '../inventory/refresh.js';
import type { Logger } from '../logger.js';
import type { Sources } from '../sources/index.js';
import type { IotAsset } from '../sources/iot/types.js';
import { allDevices } from '../store/allDevices.js';
import type { DeviceFilter, Store, SyncItemRecord, SyncRunRecord } from '../store/types.js';
import { storedKey, type IotAttributeMapping } from './mapping.js';
import { planSync, toBulkItem, type PlanDevice, type PlanItem } from './plan.js';
import { forEachInFlight } from '../inFlight.js';

export interface SyncRequest {
  dryRun: boolean;
  createMissing: boolean;
  scope: DeviceFilter | null;
  planId: string | null;
  idempotencyKey: string | null;
  fullResync: boolean;
  trigger: string;
  actor: string | null;
}

export interface SyncSettings {
  mapping: IotAttributeMapping;
  /** Items per bulkUpdate call. */
  chunkSize: number;
  /** bulkUpdate calls in flight at once. */
  writesInFlight: number;
  /** Devices not seen for longer are skipped as stale (0: never). */
  staleAfterMs: number;
}

const HEARTBEAT_MS = 5_000;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * syncDevices: refresh → plan → apply → ledger. One run at a time (the store refuses a second active run, across
 * replicas too); every write is an upsert keyed by MAC, so a run killed halfway is finished by the next one
 * without duplicates. Dry runs stop after the plan and keep it for a later `planId`.
 */
export class SyncService {
  readonly #running = new Map<string, Promise<SyncRunRecord>>();
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: {
      store: Store;
      sources: Sources;
      inventory: InventoryRefresher;
      logger: Logger;
      settings: SyncSettings;
      /** Told of every run that finished, as the ledger has it (metrics). */
      onRunFinished?: (run: SyncRunRecord) => void;
    },
  ) {}

  /** Marks runs a dead process left active as interrupted; call once at start. */
  recoverInterrupted(): number {
    const n = this.deps.store.markInterruptedSyncRuns('the gateway stopped while this run was active; the next sync converges');
    if (n > 0) this.deps.logger.warn({ runs: n }, 'sync runs left unfinished by a previous process were marked interrupted');
    return n;
  }

  /** Starts a run; resolves when it is done if `wait`, else as soon as it is recorded. */
  async start(request: SyncRequest, wait: boolean): Promise<SyncRunRecord> {
    const { store } = this.deps;
    if (request.idempotencyKey) {
      const existing = store.findSyncRunByIdempotencyKey(request.idempotencyKey);
      if (existing) return wait ? ((await this.#running.get(existing.id)) ?? store.getSyncRun(existing.id)!) : existing;
    }
    if (request.planId && !store.getPlan(request.planId)) {
      throw new GatewayError(GatewayErrorCode.NOT_FOUND, `no plan ${request.planId}; run syncDevices with dryRun: true to make one`);
    }
    const now = new Date().toISOString();
    const run: SyncRunRecord = {
      id: randomUUID(),
      trigger: request.trigger,
      actor: request.actor,
      dryRun: request.dryRun,
      createMissing: request.createMissing,
      scope: request.scope,
      planId: request.planId,
      idempotencyKey: request.idempotencyKey,
      status: 'planning',
      phase: 'fetching',
      progress: { done: 0, total: 0 },
      startedAt: now,
      finishedAt: null,
      heartbeatAt: now,
      counts: null,
      outcomes: { applied: 0, failed: 0 },
      upstream: { graphRequests: 0, iotRequests: 0, iotWrites: 0, throttled: 0 },
      errors: [],
    };
    const begun = store.beginSyncRun(run);
    if (!begun.ok) {
      throw new GatewayError(GatewayErrorCode.SYNC_IN_PROGRESS, `sync ${begun.running.id} is ${begun.running.status}; poll syncRun(id: "${begun.running.id}") or try again when it is done`, {
        runId: begun.running.id,
      });
    }
    const work = this.#run(run, request).finally(() => this.#running.delete(run.id));
    this.#running.set(run.id, work);
    if (!wait) return run;
    const done = await work;
    if (request.planId && done.status === 'failed' && done.errors.some((e) => e.startsWith('PLAN_OUTDATED'))) {
      throw new GatewayError(GatewayErrorCode.PLAN_OUTDATED, `the inventory changed since plan ${request.planId} was made; nothing was written. Run a new dry run.`, { runId: done.id });
    }
    return done;
  }

  /** Syncs every `intervalMs` (0: never). A tick that finds a sync running skips. */
  schedule(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.#timer = setInterval(() => {
      const request: SyncRequest = { dryRun: false, createMissing: true, scope: null, planId: null, idempotencyKey: null, fullResync: false, trigger: 'schedule', actor: null };
      this.start(request, true).catch((err: unknown) => this.deps.logger.warn({ err: message(err) }, 'scheduled sync did not run'));
    }, intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await Promise.allSettled([...this.#running.values()]);
  }

  /**
   * A refresh's devices, and of the IoT assets they claim only what a plan compares. The refresh's result, whole
   * assets and all, is let go here rather than held through the writes (at 100,000 assets, some 70 MB).
   */
  async #fetch(fullResync: boolean): Promise<{ devices: PlanDevice[]; assets: Map<string, IotAsset> } | { error: string }> {
    const refresh = await this.deps.inventory.refreshWithResult({ fullResync });
    if (!refresh.inventory) return { error: refresh.record.error ?? 'refresh failed' };
    const { devices, iotAssets } = refresh.inventory;
    return { devices, assets: assetsClaimedByIntune(devices, iotAssets, this.deps.settings.mapping) };
  }

  async #run(run: SyncRunRecord, request: SyncRequest): Promise<SyncRunRecord> {
    const { store, sources, logger, settings } = this.deps;
    const before = { ...sources.counters.calls };
    const throttledBefore = { ...sources.counters.throttled };
    let iotWrites = 0;
    const update = (patch: Partial<SyncRunRecord>): SyncRunRecord => {
      Object.assign(run, patch, {
        heartbeatAt: new Date().toISOString(),
        upstream: {
          graphRequests: sources.counters.calls.entra + sources.counters.calls.intune - before.entra - before.intune,
          iotRequests: sources.counters.calls.iot - before.iot,
          iotWrites,
          throttled: Object.values(sources.counters.throttled).reduce((a, b) => a + b, 0) - Object.values(throttledBefore).reduce((a, b) => a + b, 0),
        },
      });
      store.updateSyncRun(run.id, run);
      return { ...run };
    };
    const heartbeat = setInterval(() => update({}), HEARTBEAT_MS);
    heartbeat.unref();
    const fail = (error: string): SyncRunRecord => update({ status: 'failed', phase: 'done', finishedAt: new Date().toISOString(), errors: [...run.errors, error] });

    try {
      // 1. Fetch: a complete read of every source, or nothing is written.
      const fetched = await this.#fetch(request.fullResync);
      if ('error' in fetched) return fail(`a source could not be read completely, so nothing was planned or written: ${fetched.error}`);

      // 2. Plan, from what the refresh just correlated and saved: reading it back would parse it all again.
      update({ phase: 'planning' });
      const { devices, assets } = fetched;
      const scoped = request.scope ? new Set(allDevices(store, request.scope).map((d) => d.id)) : null;
      const plan = planSync(devices, assets, {
        mapping: settings.mapping,
        createMissing: request.createMissing,
        inScope: scoped ? (d) => scoped.has(d.id) : undefined,
        staleBefore: settings.staleAfterMs > 0 ? new Date(Date.now() - settings.staleAfterMs).toISOString() : undefined,
      });
      if (request.planId) {
        const stored = store.getPlan(request.planId)!;
        if (stored.fingerprint !== plan.fingerprint) return fail(`PLAN_OUTDATED: the inventory changed since plan ${request.planId}; nothing was written`);
      }
      store.putSyncItems(plan.items.map((item, seq) => toRecord(run.id, seq, item)));
      const planId = request.planId ?? randomUUID();
      if (!request.planId) {
        store.savePlan({ id: planId, runId: run.id, createdAt: new Date().toISOString(), fingerprint: plan.fingerprint, updateSource: settings.mapping.updateSource, createMissing: request.createMissing, scope: request.scope });
      }
      const writes = plan.items.map((item, seq) => ({ item, seq })).filter((w): w is { item: Extract<PlanItem, { action: 'update' | 'create' }>; seq: number } => w.item.action !== 'skip');
      update({ planId, counts: { ...plan.counts, skipsByReason: { ...plan.counts.skipsByReason } }, progress: { done: 0, total: writes.length } });
      if (request.dryRun) return update({ status: 'succeeded', phase: 'done', finishedAt: new Date().toISOString() });

      // 3. Apply, in chunks, a few calls in flight: the IoT client paces them under the API's limits and retries
      // 429/5xx, so more in flight only fills the window sooner. Every write is an upsert keyed by MAC, so the order
      // in which chunks land does not matter.
      update({ status: 'applying', phase: 'applying' });
      const chunks: Array<typeof writes> = [];
      for (let i = 0; i < writes.length; i += settings.chunkSize) chunks.push(writes.slice(i, i + settings.chunkSize));
      let applied = 0;
      let failed = 0;
      await forEachInFlight(chunks, settings.writesInFlight, async (chunk) => {
        let outcome: { outcome: 'applied' | 'failed'; error: string | null };
        try {
          iotWrites++;
          await sources.iot.bulkUpdate(chunk.map((w) => toBulkItem(w.item)), { updateSource: settings.mapping.updateSource });
          outcome = { outcome: 'applied', error: null };
          applied += chunk.length;
        } catch (err) {
          outcome = { outcome: 'failed', error: message(err) };
          failed += chunk.length;
          run.errors.push(`bulkUpdate of ${chunk.length} items failed: ${message(err)}`);
        }
        store.updateSyncItemOutcomes(run.id, chunk.map((w) => ({ seq: w.seq, ...outcome })));
        update({ progress: { done: applied + failed, total: writes.length }, outcomes: { applied, failed } });
      });
      const finished = update({ status: failed === 0 ? 'succeeded' : 'failed', phase: 'done', finishedAt: new Date().toISOString() });
      logger.info({ run: run.id, counts: run.counts, applied, failed, upstream: run.upstream }, 'sync finished');
      return finished;
    } catch (err) {
      logger.error({ run: run.id, err }, 'sync failed');
      return fail(message(err));
    } finally {
      clearInterval(heartbeat);
      this.deps.onRunFinished?.({ ...run });
    }
  }
}

/** The IoT assets the plan compares against: those matched to a device Intune knows, by deviceid, each cut down to the attributes a sync writes. */
function assetsClaimedByIntune(devices: readonly PlanDevice[], assets: readonly IotAsset[], mapping: IotAttributeMapping): Map<string, IotAsset> {
  const claimed = new Set(devices.flatMap((d) => (d.sources.includes('intune') ? d.iotDeviceIds : [])));
  const written = Object.values(mapping.attributes).flatMap((name) => (name === null ? [] : [storedKey(mapping, name)]));
  const kept = new Map<string, IotAsset>();
  for (const asset of assets) {
    if (!claimed.has(asset.deviceid)) continue;
    const slim: IotAsset = { deviceid: asset.deviceid };
    for (const key of written) if (key in asset) slim[key] = asset[key];
    kept.set(asset.deviceid, slim);
  }
  return kept;
}

function toRecord(runId: string, seq: number, item: PlanItem): SyncItemRecord {
  if (item.action === 'skip') {
    return { runId, seq, action: 'skip', deviceId: item.deviceId, iotDeviceId: item.iotDeviceId, reason: item.reason, detail: item.detail, changes: [], outcome: 'skipped', error: null };
  }
  return { runId, seq, action: item.action, deviceId: item.deviceId, iotDeviceId: item.iotDeviceId, reason: null, detail: null, changes: item.changes, outcome: 'planned', error: null };
}
