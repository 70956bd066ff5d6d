import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreInputError } from '../../src/store/errors.js';
import { SCHEMA_VERSION, migrate } from '../../src/store/sqliteSchema.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import type { Store, SyncItemOutcome, SyncItemRecord, SyncRunRecord } from '../../src/store/types.js';
import { generateDevices, makeDevice, makeEntraDevice, makeRefresh } from './deviceFactory.js';
import { useTempDir } from '../helpers/tempDir.js';

function makeRun(id: string, overrides: Partial<SyncRunRecord> = {}): SyncRunRecord {
  return {
    id,
    trigger: 'api',
    actor: 'alice@contoso.example',
    dryRun: false,
    createMissing: false,
    scope: null,
    planId: null,
    idempotencyKey: null,
    status: 'planning',
    phase: 'fetching',
    progress: { done: 0, total: 0 },
    startedAt: '2024-06-01T10:00:00.000Z',
    finishedAt: null,
    heartbeatAt: '2024-06-01T10:00:00.000Z',
    counts: null,
    outcomes: { applied: 0, failed: 0 },
    upstream: { graphRequests: 0, iotRequests: 0, iotWrites: 0, throttled: 0 },
    errors: [],
    ...overrides,
  };
}

const finished = { status: 'succeeded', phase: 'done', finishedAt: '2024-06-01T10:05:00.000Z' } as const;

/** The StoreInputError `fn` throws, for a look at its argument. */
function inputError(fn: () => unknown): StoreInputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StoreInputError) return err;
    throw err;
  }
  throw new Error('expected a StoreInputError, got none');
}

describe('sync ledger', () => {
  let store: Store;
  beforeEach(() => {
    store = openSqliteStore(':memory:');
  });
  afterEach(() => store.close());

  describe('beginSyncRun', () => {
    it('refuses a second run while one is planning or applying, naming the run in the way', () => {
      expect(store.beginSyncRun(makeRun('run-1'))).toEqual({ ok: true });
      expect(store.beginSyncRun(makeRun('run-2'))).toEqual({ ok: false, running: makeRun('run-1') });
      store.updateSyncRun('run-1', { status: 'applying', phase: 'applying' });
      const refused = store.beginSyncRun(makeRun('run-2'));
      expect(refused.ok).toBe(false);
      expect(!refused.ok && refused.running.status).toBe('applying');
      expect(store.getSyncRun('run-2')).toBeNull();
    });

    it('starts a run once the active one has finished, failed or been interrupted', () => {
      expect(store.beginSyncRun(makeRun('run-1')).ok).toBe(true);
      store.updateSyncRun('run-1', finished);
      expect(store.beginSyncRun(makeRun('run-2')).ok).toBe(true);
      store.updateSyncRun('run-2', { status: 'failed', finishedAt: '2024-06-01T10:06:00.000Z' });
      expect(store.beginSyncRun(makeRun('run-3')).ok).toBe(true);
      expect(store.markInterruptedSyncRuns('the gateway restarted')).toBe(1);
      expect(store.beginSyncRun(makeRun('run-4')).ok).toBe(true);
      expect(store.getSyncRun('run-4')?.status).toBe('planning');
    });

    it('is atomic across connections to one database (two processes, two replicas)', () => {
      const dir = mkdtempSync(join(tmpdir(), 'ledger-test-'));
      try {
        const file = join(dir, 'gateway.db');
        const first = openSqliteStore(file);
        const second = openSqliteStore(file);
        expect(first.beginSyncRun(makeRun('run-a')).ok).toBe(true);
        const refused = second.beginSyncRun(makeRun('run-b'));
        expect(refused).toEqual({ ok: false, running: makeRun('run-a') });
        first.updateSyncRun('run-a', finished);
        expect(second.beginSyncRun(makeRun('run-b')).ok).toBe(true);
        expect(first.getSyncRun('run-b')?.status).toBe('planning');
        first.close();
        second.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('holds the one-active rule against an update that would revive a run while another works', () => {
      store.beginSyncRun(makeRun('run-1'));
      store.updateSyncRun('run-1', finished);
      store.beginSyncRun(makeRun('run-2'));
      expect(() => store.updateSyncRun('run-1', { status: 'applying' })).toThrow(/UNIQUE/);
      expect(store.getSyncRun('run-1')?.status).toBe('succeeded');
    });

    it('refuses an idempotency key another run already holds', () => {
      store.beginSyncRun(makeRun('run-1', { idempotencyKey: 'key-1' }));
      store.updateSyncRun('run-1', finished);
      expect(inputError(() => store.beginSyncRun(makeRun('run-2', { idempotencyKey: 'key-1' }))).argument).toBe('idempotencyKey');
      expect(store.getSyncRun('run-2')).toBeNull();
    });
  });

  describe('runs', () => {
    it('reads back a patched run, nested fields included, leaving unpatched fields alone', () => {
      const run = makeRun('run-1', {
        trigger: 'schedule',
        actor: null,
        dryRun: true,
        createMissing: true,
        scope: { inSources: ['intune'], notInSources: ['iot'], osGroups: ['Windows'], text: 'desk"top' },
        idempotencyKey: 'key-1',
      });
      store.beginSyncRun(run);
      expect(store.getSyncRun('run-1')).toEqual(run);

      const patch = {
        status: 'applying',
        phase: 'applying',
        planId: 'plan-1',
        progress: { done: 10, total: 250 },
        heartbeatAt: '2024-06-01T10:01:00.000Z',
        counts: { updates: 200, creates: 10, skips: 40, unchanged: 1_000, skipsByReason: { 'no-mac': 30, ambiguous: 10 } },
        upstream: { graphRequests: 12, iotRequests: 3, iotWrites: 10, throttled: 1 },
        errors: ['iot: 429 on write 7, retried'],
      } satisfies Partial<SyncRunRecord>;
      store.updateSyncRun('run-1', patch);
      expect(store.getSyncRun('run-1')).toEqual({ ...run, ...patch });

      store.updateSyncRun('run-1', { ...finished, outcomes: { applied: 209, failed: 1 }, counts: null });
      expect(store.getSyncRun('run-1')).toEqual({ ...run, ...patch, ...finished, outcomes: { applied: 209, failed: 1 }, counts: null });
    });

    it('accepts an empty patch, and a patch carrying the run its own id', () => {
      const run = makeRun('run-1');
      store.beginSyncRun(run);
      store.updateSyncRun('run-1', {});
      store.updateSyncRun('run-1', { ...run, progress: { done: 1, total: 2 } });
      expect(store.getSyncRun('run-1')).toEqual({ ...run, progress: { done: 1, total: 2 } });
    });

    it('rejects a patch of an unknown run, an unknown field, a changed id or an unknown status', () => {
      store.beginSyncRun(makeRun('run-1'));
      expect(inputError(() => store.updateSyncRun('run-9', { phase: 'done' })).argument).toBe('id');
      expect(inputError(() => store.updateSyncRun('run-9', {})).argument).toBe('id');
      expect(inputError(() => store.updateSyncRun('run-1', { colour: 'red' } as Partial<SyncRunRecord>)).argument).toBe('patch.colour');
      expect(inputError(() => store.updateSyncRun('run-1', { id: 'run-2' } as Partial<SyncRunRecord>)).argument).toBe('patch.id');
      expect(inputError(() => store.updateSyncRun('run-1', { status: 'paused' as SyncRunRecord['status'] })).argument).toBe('status');
      expect(store.getSyncRun('run-1')).toEqual(makeRun('run-1'));
    });

    it('finds a run by its idempotency key', () => {
      store.beginSyncRun(makeRun('run-1', { idempotencyKey: 'key-1' }));
      store.updateSyncRun('run-1', finished);
      store.beginSyncRun(makeRun('run-2'));
      store.updateSyncRun('run-2', finished);
      store.beginSyncRun(makeRun('run-3'));
      expect(store.findSyncRunByIdempotencyKey('key-1')?.id).toBe('run-1');
      expect(store.findSyncRunByIdempotencyKey('key-2')).toBeNull();
    });

    it('lists every run exactly once, newest first, ties in startedAt broken by id', () => {
      const runs: SyncRunRecord[] = [];
      for (let i = 0; i < 23; i++) {
        // Three runs per minute: ties on startedAt that only the id orders.
        const startedAt = new Date(Date.UTC(2024, 5, 1, 10, Math.floor(i / 3))).toISOString();
        const run = makeRun(`run-${String((i * 7) % 23).padStart(2, '0')}`, { startedAt });
        store.beginSyncRun(run);
        store.updateSyncRun(run.id, finished);
        runs.push({ ...run, ...finished });
      }
      const expected = runs
        .sort((a, b) => (a.startedAt === b.startedAt ? (a.id < b.id ? 1 : -1) : a.startedAt < b.startedAt ? 1 : -1))
        .map((r) => r.id);

      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page = store.listSyncRuns({ first: 4, after });
        seen.push(...page.runs.map((r) => r.id));
        if (!page.hasNextPage) break;
        expect(page.runs).toHaveLength(4);
        after = page.endCursor;
      }
      expect(seen).toEqual(expected);
      expect(store.listSyncRuns({ first: 100 }).runs[0]).toEqual(runs[0]);
      expect(store.listSyncRuns({ first: 0 })).toEqual({ runs: [], hasNextPage: true, endCursor: null });
      expect(store.listSyncRuns({ first: 23 }).hasNextPage).toBe(false);
    });

    it('rejects a malformed or foreign cursor and an impossible page size', () => {
      store.beginSyncRun(makeRun('run-1'));
      store.putSyncItems([makeItem('run-1', 0)]);
      const itemCursor = store.listSyncItems('run-1', { first: 1 }).endCursor;
      expect(inputError(() => store.listSyncRuns({ first: 10, after: 'not a cursor!' })).argument).toBe('after');
      expect(inputError(() => store.listSyncRuns({ first: 10, after: 'e30' })).message).toMatch(/malformed cursor/);
      expect(inputError(() => store.listSyncRuns({ first: 10, after: itemCursor })).message).toMatch(/another list/);
      expect(inputError(() => store.listSyncRuns({ first: -1 })).argument).toBe('first');
      expect(inputError(() => store.listSyncRuns({ first: 1.5 })).argument).toBe('first');
      expect(inputError(() => store.listSyncRuns({ first: 100_000 })).argument).toBe('first');
    });

    it('marks only planning and applying runs interrupted, appending the note', () => {
      const statuses = ['succeeded', 'failed', 'interrupted'] as const;
      statuses.forEach((status, i) => {
        store.beginSyncRun(makeRun(`done-${i}`, { errors: ['earlier'] }));
        store.updateSyncRun(`done-${i}`, { status, finishedAt: '2024-06-01T09:00:00.000Z' });
      });
      store.beginSyncRun(makeRun('active', { errors: ['iot: one write failed'] }));
      store.updateSyncRun('active', { status: 'applying', phase: 'applying' });
      const before = Date.now();

      expect(store.markInterruptedSyncRuns('the gateway restarted while this run worked')).toBe(1);
      const interrupted = store.getSyncRun('active')!;
      expect(interrupted.status).toBe('interrupted');
      expect(interrupted.phase).toBe('applying');
      expect(interrupted.errors).toEqual(['iot: one write failed', 'the gateway restarted while this run worked']);
      expect(Date.parse(interrupted.finishedAt!)).toBeGreaterThanOrEqual(before - 1);
      statuses.forEach((status, i) => {
        expect(store.getSyncRun(`done-${i}`)).toMatchObject({ status, finishedAt: '2024-06-01T09:00:00.000Z', errors: ['earlier'] });
      });
      expect(store.markInterruptedSyncRuns('again')).toBe(0);
    });
  });

  describe('items', () => {
    it('rolls a batch back whole when one item fails', () => {
      store.beginSyncRun(makeRun('run-1'));
      expect(() => store.putSyncItems([makeItem('run-1', 0), makeItem('run-1', 1), makeItem('run-1', 1)])).toThrow(/UNIQUE/);
      expect(store.listSyncItems('run-1', { first: 10 }).totalCount).toBe(0);
      expect(inputError(() => store.putSyncItems([{ ...makeItem('run-1', 0), action: 'delete' as SyncItemRecord['action'] }])).argument).toBe('action');
    });

    it('keeps each run its own items, in seq order', () => {
      store.putSyncItems([makeItem('run-1', 1), makeItem('run-2', 0), makeItem('run-1', 0)]);
      const page = store.listSyncItems('run-1', { first: 10 });
      expect(page.items).toEqual([makeItem('run-1', 0), makeItem('run-1', 1)]);
      expect(page.totalCount).toBe(2);
      expect(page.hasNextPage).toBe(false);
      expect(inputError(() => store.listSyncItems('run-2', { first: 10, after: page.endCursor })).message).toMatch(/another list/);
      expect(store.listSyncItems('run-3', { first: 10 })).toEqual({ items: [], totalCount: 0, hasNextPage: false, endCursor: null });
    });

    it('rejects an unknown action or outcome filter; an empty one matches nothing', () => {
      store.putSyncItems([makeItem('run-1', 0)]);
      expect(inputError(() => store.listSyncItems('run-1', { first: 10, actions: ['delete' as SyncItemRecord['action']] })).argument).toBe('actions');
      expect(inputError(() => store.listSyncItems('run-1', { first: 10, outcomes: ['done' as SyncItemOutcome] })).argument).toBe('outcomes');
      expect(store.listSyncItems('run-1', { first: 10, actions: [] }).totalCount).toBe(0);
      expect(store.listSyncItems('run-1', { first: 10, outcomes: [] }).items).toEqual([]);
    });

    it('rolls an outcome batch back whole when it names an item the run does not have', () => {
      store.putSyncItems([makeItem('run-1', 0), makeItem('run-1', 1)]);
      const outcomes = [
        { seq: 0, outcome: 'applied' as const, error: null },
        { seq: 7, outcome: 'applied' as const, error: null },
      ];
      expect(inputError(() => store.updateSyncItemOutcomes('run-1', outcomes)).argument).toBe('seq');
      expect(store.listSyncItems('run-1', { first: 10 }).items.map((i) => i.outcome)).toEqual(['planned', 'planned']);
    });
  });

  describe('plans', () => {
    it('reads back a saved plan, and null for an unknown one', () => {
      const plan = {
        id: 'plan-1',
        runId: 'run-1',
        createdAt: '2024-06-01T10:00:30.000Z',
        fingerprint: 'sha256:0f1e2d',
        updateSource: 'intune',
        createMissing: true,
        scope: { matchStatuses: ['matched' as const], lastSeenAfter: '2024-05-01T00:00:00Z' },
      };
      store.savePlan(plan);
      store.savePlan({ ...plan, id: 'plan-2', createMissing: false, scope: null });
      expect(store.getPlan('plan-1')).toEqual(plan);
      expect(store.getPlan('plan-2')).toEqual({ ...plan, id: 'plan-2', createMissing: false, scope: null });
      expect(store.getPlan('plan-3')).toBeNull();
    });
  });
});

function makeItem(runId: string, seq: number, overrides: Partial<SyncItemRecord> = {}): SyncItemRecord {
  return {
    runId,
    seq,
    action: 'update',
    deviceId: `entra:${seq}`,
    iotDeviceId: `00:1b:63:00:00:${(seq % 256).toString(16).padStart(2, '0')}`,
    reason: null,
    detail: null,
    changes: [{ attribute: 'deviceName', iotAttribute: 'hostname', from: null, to: `PC-${seq}` }],
    outcome: 'planned',
    error: null,
    ...overrides,
  };
}

describe('sync ledger at volume', () => {
  const COUNT = 100_000;
  const ACTIONS = ['update', 'create', 'skip'] as const;
  /** A deterministic plan: mostly updates, some creates, a tenth skipped with a reason. */
  const items: SyncItemRecord[] = Array.from({ length: COUNT }, (_, seq) => {
    const action = seq % 10 === 9 ? 'skip' : seq % 7 === 3 ? 'create' : 'update';
    return makeItem('run-big', seq, {
      action,
      iotDeviceId: action === 'create' ? null : `00:1b:63:${seq.toString(16).padStart(6, '0').replace(/(..)(?!$)/g, '$1:')}`,
      reason: action === 'skip' ? 'no-mac' : null,
      detail: action === 'skip' ? 'the device reports no usable MAC' : null,
      changes:
        action === 'skip'
          ? []
          : [
              { attribute: 'deviceName', iotAttribute: 'hostname', from: action === 'create' ? null : `old-${seq}`, to: `PC-${seq}` },
              { attribute: 'osGroup', iotAttribute: 'os_group', from: null, to: 'Windows' },
            ],
      outcome: action === 'skip' ? 'skipped' : 'planned',
    });
  });

  type ItemFilter = { actions?: SyncItemRecord['action'][]; outcomes?: SyncItemOutcome[] };
  const selects = (filter: ItemFilter) => (i: SyncItemRecord) =>
    (filter.actions?.includes(i.action) ?? true) && (filter.outcomes?.includes(i.outcome) ?? true);

  /** Every item a filter selects, read page by page; checks totalCount and the flags on every page. */
  function readAll(store: Store, filter: ItemFilter, pageSize: number, expectedTotal: number): SyncItemRecord[] {
    const seen: SyncItemRecord[] = [];
    let after: string | null = null;
    for (;;) {
      const page = store.listSyncItems('run-big', { first: pageSize, after, ...filter });
      expect(page.totalCount).toBe(expectedTotal);
      seen.push(...page.items);
      if (!page.hasNextPage) return seen;
      expect(page.items).toHaveLength(pageSize);
      after = page.endCursor;
    }
  }

  it('puts 100,000 items at once, and pages them whole and filtered, each exactly once in seq order', () => {
    const store = openSqliteStore(':memory:');
    const started = performance.now();
    store.putSyncItems(items);
    const putMs = performance.now() - started;
    // Measured around 0.4 s; the bound only catches a per-item transaction (tens of seconds).
    expect(putMs).toBeLessThan(5_000);

    expect(readAll(store, {}, 1000, COUNT)).toEqual(items);
    const filters: ItemFilter[] = [
      { actions: ['create'] },
      { actions: ['skip', 'create'] },
      { outcomes: ['skipped'] },
      { actions: ['update', 'create'], outcomes: ['planned'] },
      { actions: ['skip'], outcomes: ['planned'] },
    ];
    for (const filter of filters) {
      const expected = items.filter(selects(filter)).map((i) => i.seq);
      expect(readAll(store, filter, 997, expected.length).map((i) => i.seq), JSON.stringify(filter)).toEqual(expected);
    }
    store.close();
  });

  it('records outcomes for a whole run in one call, and filters by them', () => {
    const store = openSqliteStore(':memory:');
    store.putSyncItems(items);
    const writes = items.filter((i) => i.action !== 'skip');
    const outcomes = writes.map((i) => ({
      seq: i.seq,
      outcome: i.seq % 100 === 0 ? ('failed' as const) : ('applied' as const),
      error: i.seq % 100 === 0 ? 'iot: 500 Internal Server Error' : null,
    }));
    store.updateSyncItemOutcomes('run-big', outcomes);

    const expectedFailed = writes.filter((i) => i.seq % 100 === 0).map((i) => i.seq);
    const failed = readAll(store, { outcomes: ['failed'] }, 500, expectedFailed.length);
    expect(failed.map((i) => i.seq)).toEqual(expectedFailed);
    expect(failed.every((i) => i.error === 'iot: 500 Internal Server Error')).toBe(true);
    const appliedCreates = store.listSyncItems('run-big', { first: 5, actions: ['create'], outcomes: ['applied'] });
    expect(appliedCreates.totalCount).toBe(writes.filter((i) => i.action === 'create' && i.seq % 100 !== 0).length);
    expect(appliedCreates.items.every((i) => i.action === 'create' && i.outcome === 'applied' && i.error === null)).toBe(true);
    expect(store.listSyncItems('run-big', { first: 1, outcomes: ['planned'] }).totalCount).toBe(0);
    for (const action of ACTIONS) {
      expect(store.listSyncItems('run-big', { first: 0, actions: [action] }).totalCount).toBe(items.filter((i) => i.action === action).length);
    }
    store.close();
  });
});

describe('Entra state', () => {
  const fleet = [makeDevice({ id: 'entra:a1', name: 'DESKTOP-ALPHA' }), makeDevice({ id: 'entra:b2', name: 'laptop-bravo' })];
  const directory = [makeEntraDevice('e-2'), makeEntraDevice('e-1', null), makeEntraDevice('e-3')];
  let store: Store;
  beforeEach(() => {
    store = openSqliteStore(':memory:');
  });
  afterEach(() => store.close());

  it('is null before a snapshot carries it', () => {
    expect(store.getEntraState()).toBeNull();
    store.saveSnapshot({ devices: fleet, iotAssets: [], macConflicts: [] }, makeRefresh('r1'));
    expect(store.getEntraState()).toBeNull();
  });

  it('is saved with the snapshot and read back in order; a later one replaces it whole', () => {
    store.saveSnapshot({ devices: fleet, iotAssets: [], macConflicts: [], entra: { devices: directory, deltaLink: 'https://graph/delta?token=1' } }, makeRefresh('r1'));
    expect(store.getEntraState()).toEqual({ devices: directory, deltaLink: 'https://graph/delta?token=1' });

    const next = [makeEntraDevice('e-4')];
    store.saveSnapshot({ devices: fleet, iotAssets: [], macConflicts: [], entra: { devices: next, deltaLink: 'https://graph/delta?token=2' } }, makeRefresh('r2'));
    expect(store.getEntraState()).toEqual({ devices: next, deltaLink: 'https://graph/delta?token=2' });

    store.saveSnapshot({ devices: fleet, iotAssets: [], macConflicts: [], entra: { devices: [], deltaLink: 'https://graph/delta?token=3' } }, makeRefresh('r3'));
    expect(store.getEntraState()).toEqual({ devices: [], deltaLink: 'https://graph/delta?token=3' });
  });

  it('is left alone by a snapshot without it', () => {
    store.saveSnapshot({ devices: fleet, iotAssets: [], macConflicts: [], entra: { devices: directory, deltaLink: 'link-1' } }, makeRefresh('r1'));
    store.saveSnapshot({ devices: [fleet[0]!], iotAssets: [], macConflicts: [] }, makeRefresh('r2'));
    expect(store.listDevices({}).totalCount).toBe(1);
    expect(store.getEntraState()).toEqual({ devices: directory, deltaLink: 'link-1' });
  });

  it('is kept, with the snapshot, when a save fails after writing it', () => {
    store.saveSnapshot({ devices: fleet, iotAssets: [], macConflicts: [], entra: { devices: directory, deltaLink: 'link-1' } }, makeRefresh('r1'));
    // The new Entra state is written before the MAC conflicts; the duplicate conflict then fails the transaction.
    const conflict = { mac: 'a4:c3:f0:00:00:01', deviceIds: [], intuneIds: [], iotDeviceId: null };
    const failing = {
      devices: [makeDevice({ id: 'entra:z9' })],
      iotAssets: [{ deviceid: '10.0.0.1' }],
      macConflicts: [conflict, conflict],
      entra: { devices: [makeEntraDevice('e-9')], deltaLink: 'link-2' },
    };
    expect(() => store.saveSnapshot(failing, makeRefresh('r2'))).toThrow(/UNIQUE/);
    expect(store.getEntraState()).toEqual({ devices: directory, deltaLink: 'link-1' });
    expect(store.getDevice('entra:z9')).toBeNull();
    expect(store.latestRefreshes(5).map((r) => r.id)).toEqual(['r1']);
  });
});

describe('migration from schema version 1', () => {
  const dir = useTempDir('migration-test-');

  const schemaOf = (db: Database.Database) =>
    db.prepare(`SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name`).all() as Array<{ name: string; type: string }>;

  /**
   * A database as a version-1 gateway left it: written through the store, then every object later migrations
   * added dropped and user_version set back, checked against a schema built by the version-1 migration alone.
   * The tables version 1 knows are untouched by later migrations, so their rows are what version 1 would hold.
   */
  function downgradeToVersion1(file: string): void {
    const reference = new Database(':memory:');
    migrate(reference, 1);
    const version1 = schemaOf(reference);
    const known = new Set(version1.map((o) => o.name));

    const db = new Database(file);
    const columnsOf = (d: Database.Database, table: string) => (d.pragma(`table_info("${table}")`) as Array<{ name: string }>).map((c) => c.name);
    // Later migrations also add indexes and columns to version 1's tables.
    for (const object of schemaOf(db) as Array<{ name: string; type: string; tbl_name: string }>) {
      if (object.type === 'table' && !known.has(object.name)) db.exec(`DROP TABLE "${object.name}"`);
      else if (object.type === 'index' && !known.has(object.name) && known.has(object.tbl_name)) db.exec(`DROP INDEX "${object.name}"`);
      else if (object.type === 'table' && !object.name.startsWith('device_search')) {
        const original = new Set(columnsOf(reference, object.name));
        for (const column of columnsOf(db, object.name)) if (!original.has(column)) db.exec(`ALTER TABLE "${object.name}" DROP COLUMN "${column}"`);
      }
    }
    reference.close();
    db.pragma('user_version = 1');
    expect(schemaOf(db)).toEqual(version1);
    db.close();
  }

  it('adds the ledger and the Entra state, keeping the snapshot, refreshes, hydration and state', () => {
    expect(SCHEMA_VERSION).toBeGreaterThan(1);
    const file = join(dir(), 'gateway.db');
    const devices = generateDevices(500, 3);
    const first = openSqliteStore(file);
    first.saveSnapshot({ devices, iotAssets: [{ deviceid: '10.1.2.3', hostname: 'badge' }], macConflicts: [] }, makeRefresh('r1', { deviceCount: 500 }));
    first.setState('cursor', 'abc');
    first.putHydration([{ intuneId: 'i1', lastSyncDateTime: '2024-05-01T00:00:00Z', fields: { ethernetMacAddress: '001b63aabbcc' } }]);
    const stats = first.deviceStats();
    const page = first.listDevices({ first: 20, filter: { inSources: ['intune'] }, orderBy: { field: 'NAME', direction: 'ASC' } });
    first.close();

    downgradeToVersion1(file);

    const migrated = openSqliteStore(file);
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    raw.close();
    expect(migrated.hasSnapshot()).toBe(true);
    expect(migrated.deviceStats()).toEqual(stats);
    expect(migrated.listDevices({ first: 20, filter: { inSources: ['intune'] }, orderBy: { field: 'NAME', direction: 'ASC' } })).toEqual(page);
    expect(migrated.getDevice(devices[42]!.id)).toEqual(devices[42]);
    expect(migrated.getIotAssets(['10.1.2.3'])[0]?.hostname).toBe('badge');
    expect(migrated.latestRefreshes(5).map((r) => r.id)).toEqual(['r1']);
    expect(migrated.getState('cursor')).toBe('abc');
    expect(migrated.getHydration(['i1']).get('i1')?.fields).toEqual({ ethernetMacAddress: '001b63aabbcc' });

    // The new parts work on the migrated database.
    expect(migrated.getEntraState()).toBeNull();
    expect(migrated.beginSyncRun(makeRun('run-1'))).toEqual({ ok: true });
    expect(migrated.beginSyncRun(makeRun('run-2')).ok).toBe(false);
    migrated.putSyncItems([makeItem('run-1', 0)]);
    expect(migrated.listSyncItems('run-1', { first: 5 }).totalCount).toBe(1);
    migrated.saveSnapshot({ devices, iotAssets: [], macConflicts: [], entra: { devices: [makeEntraDevice('e-1')], deltaLink: 'link' } }, makeRefresh('r2'));
    migrated.close();

    const reopened = openSqliteStore(file);
    expect(reopened.getEntraState()?.deltaLink).toBe('link');
    expect(reopened.getSyncRun('run-1')?.status).toBe('planning');
    reopened.close();
  });
});
