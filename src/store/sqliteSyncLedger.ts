import type Database from 'better-sqlite3';
import { decodeListCursor, encodeListCursor } from './cursor.js';
import { StoreInputError } from './errors.js';
import {
  type DeviceFilter,
  MAX_PAGE_SIZE,
  type Store,
  type StoredPlan,
  type SyncItemOutcome,
  type SyncItemPage,
  type SyncItemRecord,
  type SyncRunPage,
  type SyncRunRecord,
  type SyncPhase,
  type SyncStatus,
} from './types.js';

/** The ledger's part of the Store interface. */
export type SyncLedger = Pick<
  Store,
  | 'beginSyncRun'
  | 'updateSyncRun'
  | 'getSyncRun'
  | 'findSyncRunByIdempotencyKey'
  | 'listSyncRuns'
  | 'markInterruptedSyncRuns'
  | 'putSyncItems'
  | 'updateSyncItemOutcomes'
  | 'listSyncItems'
  | 'savePlan'
  | 'getPlan'
>;

type SqlValue = string | number | null;

interface SyncRunRow {
  id: string;
  triggered_by: string;
  actor: string | null;
  dry_run: number;
  create_missing: number;
  scope: string | null;
  plan_id: string | null;
  idempotency_key: string | null;
  status: SyncRunRecord['status'];
  phase: SyncRunRecord['phase'];
  progress: string;
  started_at: string;
  finished_at: string | null;
  heartbeat_at: string;
  counts: string | null;
  outcomes: string;
  upstream: string;
  errors: string;
}

interface SyncItemRow {
  run_id: string;
  seq: number;
  action: SyncItemRecord['action'];
  device_id: string;
  iot_device_id: string | null;
  reason: string | null;
  detail: string | null;
  changes: string;
  outcome: SyncItemOutcome;
  error: string | null;
}

interface PlanRow {
  id: string;
  run_id: string;
  created_at: string;
  fingerprint: string;
  update_source: string;
  create_missing: number;
  scope: string | null;
}

/** Statuses of a run at work; the one-active rule and markInterruptedSyncRuns are about these. */
const ACTIVE_STATUSES = `('planning', 'applying')`;

const RUN_STATUSES: ReadonlySet<string> = new Set<SyncStatus>(['planning', 'applying', 'succeeded', 'failed', 'interrupted']);
const RUN_PHASES: ReadonlySet<string> = new Set<SyncPhase>(['fetching', 'planning', 'applying', 'done']);
const ITEM_ACTIONS: ReadonlySet<string> = new Set<SyncItemRecord['action']>(['update', 'create', 'skip']);
const ITEM_OUTCOMES: ReadonlySet<string> = new Set<SyncItemOutcome>(['planned', 'applied', 'failed', 'skipped']);

const json = (value: unknown): string => JSON.stringify(value);
const jsonOrNull = (value: unknown): string | null => (value === null ? null : JSON.stringify(value));
const flag = (value: boolean): number => (value ? 1 : 0);
/** Enum values are checked on the way in rather than by CHECK constraints, which SQLite can only widen by rebuilding the table. */
const known =
  <T extends string>(argument: string, values: ReadonlySet<string>) =>
  (value: T): T => {
    if (!values.has(value)) throw unknownValue(argument, value, values);
    return value;
  };

/** Each patchable field of a run: its column and how its value is written. */
const RUN_COLUMNS: { [K in keyof Omit<SyncRunRecord, 'id'>]-?: readonly [column: keyof SyncRunRow, write: (value: SyncRunRecord[K]) => SqlValue] } = {
  trigger: ['triggered_by', (v) => v],
  actor: ['actor', (v) => v],
  dryRun: ['dry_run', flag],
  createMissing: ['create_missing', flag],
  scope: ['scope', jsonOrNull],
  planId: ['plan_id', (v) => v],
  idempotencyKey: ['idempotency_key', (v) => v],
  status: ['status', known('status', RUN_STATUSES)],
  phase: ['phase', known('phase', RUN_PHASES)],
  progress: ['progress', json],
  startedAt: ['started_at', (v) => v],
  finishedAt: ['finished_at', (v) => v],
  heartbeatAt: ['heartbeat_at', (v) => v],
  counts: ['counts', jsonOrNull],
  outcomes: ['outcomes', json],
  upstream: ['upstream', json],
  errors: ['errors', json],
};
type RunField = keyof typeof RUN_COLUMNS;

const RUNS_LIST = 'syncRuns';
const itemsList = (runId: string) => `syncItems:${runId}`;

/**
 * The sync ledger in SQLite: runs, their items and their plans. Writes that must not interleave run in
 * `BEGIN IMMEDIATE` transactions, which take SQLite's single write lock before their first read: a second writer,
 * in this process or another, waits (busy_timeout) and then reads what the first committed.
 *
 * The SQL is portable; where a PostgreSQL store has to do something else, the comment says what.
 */
export function openSyncLedger(db: Database.Database): SyncLedger {
  const columns = Object.values(RUN_COLUMNS).map(([column]) => column);
  const statements = {
    insertRun: db.prepare(
      `INSERT INTO sync_runs (id, ${columns.join(', ')}) VALUES (@id, ${columns.map((c) => `@${c}`).join(', ')})`,
    ),
    run: db.prepare('SELECT * FROM sync_runs WHERE id = ?'),
    runByIdempotencyKey: db.prepare('SELECT * FROM sync_runs WHERE idempotency_key = ?'),
    activeRuns: db.prepare(`SELECT * FROM sync_runs WHERE status IN ${ACTIVE_STATUSES} ORDER BY started_at, id`),
    interruptRun: db.prepare('UPDATE sync_runs SET status = ?, finished_at = ?, errors = ? WHERE id = ?'),
    firstRuns: db.prepare('SELECT * FROM sync_runs ORDER BY started_at DESC, id DESC LIMIT ?'),
    runsAfter: db.prepare(
      'SELECT * FROM sync_runs WHERE (started_at, id) < (?, ?) ORDER BY started_at DESC, id DESC LIMIT ?',
    ),
    insertItem: db.prepare(
      `INSERT INTO sync_items (run_id, seq, action, device_id, iot_device_id, reason, detail, changes, outcome, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    setItemOutcome: db.prepare('UPDATE sync_items SET outcome = ?, error = ? WHERE run_id = ? AND seq = ?'),
    savePlan: db.prepare(
      `INSERT INTO plans (id, run_id, created_at, fingerprint, update_source, create_missing, scope)
       VALUES (@id, @run_id, @created_at, @fingerprint, @update_source, @create_missing, @scope)
       ON CONFLICT (id) DO UPDATE SET run_id = excluded.run_id, created_at = excluded.created_at,
         fingerprint = excluded.fingerprint, update_source = excluded.update_source,
         create_missing = excluded.create_missing, scope = excluded.scope`,
    ),
    plan: db.prepare('SELECT * FROM plans WHERE id = ?'),
  };
  /** updateSyncRun's statements, one per set of patched columns (a handful in practice). */
  const runUpdates = new Map<string, Database.Statement>();
  /** listSyncItems' statements, one per filter shape. */
  const itemQueries = new Map<string, Database.Statement>();
  const prepared = (cache: Map<string, Database.Statement>, sql: string): Database.Statement => {
    let statement = cache.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };

  const getRunRow = (id: string) => statements.run.get(id) as SyncRunRow | undefined;

  /**
   * Check, then insert, under the write lock: no other writer can start a run between the two. The
   * sync_runs_one_active index would refuse a second active run anyway; the check is what names the run in the
   * way. PostgreSQL, whose default isolation does not serialize the check: either insert first and, on a
   * unique_violation of sync_runs_one_active, roll back and read the active run (the index decides), or take
   * `LOCK TABLE sync_runs IN SHARE ROW EXCLUSIVE MODE` (or `SELECT … FOR UPDATE` on a one-row lock table, since
   * FOR UPDATE cannot lock a row that does not exist yet) before the same SELECT.
   */
  const begin = db.transaction((run: SyncRunRecord): ReturnType<SyncLedger['beginSyncRun']> => {
    const active = statements.activeRuns.get() as SyncRunRow | undefined;
    if (active !== undefined) return { ok: false, running: fromRunRow(active) };
    if (run.idempotencyKey !== null) {
      const holder = statements.runByIdempotencyKey.get(run.idempotencyKey) as SyncRunRow | undefined;
      if (holder !== undefined) {
        throw new StoreInputError('idempotencyKey', `"${run.idempotencyKey}" already names run ${holder.id}; look the run up instead of starting it again`);
      }
    }
    statements.insertRun.run(toRunRow(run));
    return { ok: true };
  });

  const update = db.transaction((id: string, patch: Partial<SyncRunRecord>) => {
    const sets: string[] = [];
    const values: SqlValue[] = [];
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      if (field === 'id') {
        if (value !== id) throw new StoreInputError('patch.id', `a run's id cannot change (patching ${id} with id ${String(value)})`);
        continue;
      }
      if (!Object.hasOwn(RUN_COLUMNS, field)) throw new StoreInputError(`patch.${field}`, 'not a field of a sync run');
      const [column, write] = RUN_COLUMNS[field as RunField] as readonly [string, (value: unknown) => SqlValue];
      sets.push(`${column} = ?`);
      values.push(write(value));
    }
    const changed =
      sets.length === 0
        ? getRunRow(id) === undefined
          ? 0
          : 1
        : prepared(runUpdates, `UPDATE sync_runs SET ${sets.join(', ')} WHERE id = ?`).run(...values, id).changes;
    if (changed === 0) throw new StoreInputError('id', `no sync run ${id}`);
  });

  /**
   * Read, then write, under the write lock. The note is appended in JavaScript rather than with a JSON function,
   * which SQLite and PostgreSQL spell differently (json_insert, jsonb ||).
   */
  const interrupt = db.transaction((note: string): number => {
    const finishedAt = new Date().toISOString();
    const active = statements.activeRuns.all() as SyncRunRow[];
    for (const row of active) {
      const errors = [...(JSON.parse(row.errors) as string[]), note];
      statements.interruptRun.run('interrupted', finishedAt, json(errors), row.id);
    }
    return active.length;
  });

  const putItems = db.transaction((items: readonly SyncItemRecord[]) => {
    const insert = statements.insertItem;
    const action = known<SyncItemRecord['action']>('action', ITEM_ACTIONS);
    const outcome = known<SyncItemOutcome>('outcome', ITEM_OUTCOMES);
    for (const item of items) {
      insert.run(
        item.runId,
        item.seq,
        action(item.action),
        item.deviceId,
        item.iotDeviceId,
        item.reason,
        item.detail,
        json(item.changes),
        outcome(item.outcome),
        item.error,
      );
    }
  });

  const checkedOutcome = known<SyncItemOutcome>('outcome', ITEM_OUTCOMES);
  const setOutcomes = db.transaction((runId: string, outcomes: Parameters<SyncLedger['updateSyncItemOutcomes']>[1]) => {
    for (const { seq, outcome, error } of outcomes) {
      if (statements.setItemOutcome.run(checkedOutcome(outcome), error, runId, seq).changes === 0) {
        throw new StoreInputError('seq', `run ${runId} has no item ${seq}`);
      }
    }
  });

  return {
    beginSyncRun: (run) => begin.immediate(run),

    updateSyncRun: (id, patch) => update.immediate(id, patch),

    getSyncRun: (id) => {
      const row = getRunRow(id);
      return row === undefined ? null : fromRunRow(row);
    },

    findSyncRunByIdempotencyKey: (key) => {
      const row = statements.runByIdempotencyKey.get(key) as SyncRunRow | undefined;
      return row === undefined ? null : fromRunRow(row);
    },

    listSyncRuns: (args): SyncRunPage => {
      const size = pageSize(args.first);
      // Row values compare lexicographically in both SQLite and PostgreSQL, and walk sync_runs_by_started_at
      // backwards from the cursor.
      const rows = (
        args.after != null
          ? statements.runsAfter.all(...decodeListCursor('after', args.after, RUNS_LIST, ['string', 'string'] as const), size + 1)
          : statements.firstRuns.all(size + 1)
      ) as SyncRunRow[];
      const page = rows.slice(0, size);
      const last = page.at(-1);
      return {
        runs: page.map(fromRunRow),
        hasNextPage: rows.length > size,
        endCursor: last === undefined ? null : encodeListCursor(RUNS_LIST, [last.started_at, last.id]),
      };
    },

    markInterruptedSyncRuns: (note) => interrupt.immediate(note),

    putSyncItems: (items) => putItems.immediate(items),

    updateSyncItemOutcomes: (runId, outcomes) => setOutcomes.immediate(runId, outcomes),

    // One read transaction, so that the count and the page see the same outcomes while another connection writes.
    listSyncItems: db.transaction((runId: string, args: Parameters<SyncLedger['listSyncItems']>[1]): SyncItemPage => {
      const size = pageSize(args.first);
      const after = args.after != null ? decodeListCursor('after', args.after, itemsList(runId), ['integer'] as const)[0] : null;
      const actions = checkedValues('actions', args.actions, ITEM_ACTIONS);
      const outcomes = checkedValues('outcomes', args.outcomes, ITEM_OUTCOMES);
      // As in DeviceFilter, an empty list matches nothing (and `IN ()` is SQLite-only).
      if (actions?.length === 0 || outcomes?.length === 0) return { items: [], totalCount: 0, hasNextPage: false, endCursor: null };

      const conditions = ['run_id = ?'];
      const params: SqlValue[] = [runId];
      if (actions !== undefined) {
        conditions.push(`action IN (${actions.map(() => '?').join(', ')})`);
        params.push(...actions);
      }
      if (outcomes !== undefined) {
        conditions.push(`outcome IN (${outcomes.map(() => '?').join(', ')})`);
        params.push(...outcomes);
      }
      const where = conditions.join(' AND ');
      const totalCount = prepared(itemQueries, `SELECT COUNT(*) FROM sync_items WHERE ${where}`).pluck().get(...params) as number;
      const rows =
        totalCount === 0
          ? []
          : (prepared(itemQueries, `SELECT * FROM sync_items WHERE ${where}${after === null ? '' : ' AND seq > ?'} ORDER BY seq LIMIT ?`).all(
              ...params,
              ...(after === null ? [] : [after]),
              size + 1,
            ) as SyncItemRow[]);
      const page = rows.slice(0, size);
      const last = page.at(-1);
      return {
        items: page.map(fromItemRow),
        totalCount,
        hasNextPage: rows.length > size,
        endCursor: last === undefined ? null : encodeListCursor(itemsList(runId), [last.seq]),
      };
    }),

    savePlan: (plan) => {
      statements.savePlan.run({
        id: plan.id,
        run_id: plan.runId,
        created_at: plan.createdAt,
        fingerprint: plan.fingerprint,
        update_source: plan.updateSource,
        create_missing: flag(plan.createMissing),
        scope: jsonOrNull(plan.scope),
      });
    },

    getPlan: (id) => {
      const row = statements.plan.get(id) as PlanRow | undefined;
      return row === undefined ? null : fromPlanRow(row);
    },
  };
}

function toRunRow(run: SyncRunRecord): Record<string, SqlValue> {
  const row: Record<string, SqlValue> = { id: run.id };
  for (const [field, [column, write]] of Object.entries(RUN_COLUMNS)) {
    row[column] = (write as (value: unknown) => SqlValue)(run[field as RunField]);
  }
  return row;
}

function fromRunRow(row: SyncRunRow): SyncRunRecord {
  return {
    id: row.id,
    trigger: row.triggered_by,
    actor: row.actor,
    dryRun: row.dry_run === 1,
    createMissing: row.create_missing === 1,
    scope: row.scope === null ? null : (JSON.parse(row.scope) as DeviceFilter),
    planId: row.plan_id,
    idempotencyKey: row.idempotency_key,
    status: row.status,
    phase: row.phase,
    progress: JSON.parse(row.progress) as SyncRunRecord['progress'],
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    heartbeatAt: row.heartbeat_at,
    counts: row.counts === null ? null : (JSON.parse(row.counts) as NonNullable<SyncRunRecord['counts']>),
    outcomes: JSON.parse(row.outcomes) as SyncRunRecord['outcomes'],
    upstream: JSON.parse(row.upstream) as SyncRunRecord['upstream'],
    errors: JSON.parse(row.errors) as string[],
  };
}

function fromItemRow(row: SyncItemRow): SyncItemRecord {
  return {
    runId: row.run_id,
    seq: row.seq,
    action: row.action,
    deviceId: row.device_id,
    iotDeviceId: row.iot_device_id,
    reason: row.reason,
    detail: row.detail,
    changes: JSON.parse(row.changes) as SyncItemRecord['changes'],
    outcome: row.outcome,
    error: row.error,
  };
}

function fromPlanRow(row: PlanRow): StoredPlan {
  return {
    id: row.id,
    runId: row.run_id,
    createdAt: row.created_at,
    fingerprint: row.fingerprint,
    updateSource: row.update_source,
    createMissing: row.create_missing === 1,
    scope: row.scope === null ? null : (JSON.parse(row.scope) as DeviceFilter),
  };
}

function pageSize(first: number): number {
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new StoreInputError('first', `must be an integer from 0 to ${MAX_PAGE_SIZE}, got ${first}`);
  }
  return first;
}

/** The distinct values of an optional enum-list filter, each checked; undefined when the filter is absent. */
function checkedValues(argument: string, values: readonly string[] | undefined, known: ReadonlySet<string>): string[] | undefined {
  if (values == null) return undefined;
  for (const value of values) if (!known.has(value)) throw unknownValue(argument, value, known);
  // Sorted so that one statement serves a filter however its values are ordered.
  return [...new Set(values)].sort();
}

function unknownValue(argument: string, value: unknown, known: ReadonlySet<string>): StoreInputError {
  return new StoreInputError(argument, `unknown value "${String(value)}"; expected one of ${[...known].join(', ')}`);
}
