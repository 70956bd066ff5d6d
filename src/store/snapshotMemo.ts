import type Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import { cachedStatement } from './statementCache.js';

/**
 * What the snapshot answers (how many devices a filter matches, a parsed device document), remembered until the
 * database is written again. A dashboard asks the same things on every request; the snapshot changes once a refresh.
 *
 * "Written" is total_changes() (rows this connection inserted, updated or deleted, the snapshot's among them)
 * with data_version (commits by other connections). That forgets more often than the snapshot row would (a ledger
 * row or an API key's lastUsedAt forgets everything too), but it needs no list of the tables a value was read
 * from, and two snapshots saved under one refresh id within a millisecond cannot pass for one. Nothing is kept
 * inside a transaction: a rollback does not move total_changes() back, so a value read there could outlive the
 * rows it came from.
 */
export class WriteScopedMemo<K extends {}, V extends {}> {
  readonly #maxEntries: number;
  readonly #generations = new WeakMap<Database.Database, { version: string; values: MemoView<K, V> }>();

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  /**
   * The values valid now, or null inside a transaction. Read and fill them in the same synchronous step: a write
   * can only come between two steps.
   */
  current(db: Database.Database): MemoView<K, V> | null {
    if (db.inTransaction) return null;
    const version = databaseVersion(db);
    let generation = this.#generations.get(db);
    if (generation === undefined || generation.version !== version) this.#generations.set(db, (generation = { version, values: new MemoView(this.#maxEntries) }));
    return generation.values;
  }
}

/**
 * A bounded map that forgets the least recently used entry first. What it keeps is handed to every later caller,
 * so it is frozen on the way in: a caller that changed a value would fail at once instead of changing another
 * caller's answer.
 */
export class MemoView<K extends {}, V extends {}> {
  readonly #values: LRUCache<K, V>;

  constructor(maxEntries: number) {
    this.#values = new LRUCache({ max: maxEntries });
  }

  get(key: K): V | undefined {
    return this.#values.get(key);
  }

  set(key: K, value: V): void {
    this.#values.set(key, deepFreeze(value));
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}

/** `key` names the value completely (its SQL and parameters, say): the memo is shared by every caller on `db`. */
export function rememberUntilWrite<V extends {}>(memo: WriteScopedMemo<string, V>, db: Database.Database, key: string, compute: () => V): V {
  const view = memo.current(db);
  const known = view?.get(key);
  if (known !== undefined) return known;
  const value = compute();
  view?.set(key, value);
  return value;
}

/** rememberUntilWrite for what one query with these parameters answers: the SQL and its parameters are the key. */
export function rememberQuery<V extends {}>(memo: WriteScopedMemo<string, V>, db: Database.Database, sql: string, params: readonly unknown[], run: () => V): V {
  return rememberUntilWrite(memo, db, `${sql} ${JSON.stringify(params)}`, run);
}

const VERSION_SQL = 'SELECT total_changes() AS changes, (SELECT data_version FROM pragma_data_version) AS version';

/** See WriteScopedMemo: moves with every write by this connection and every commit by another. */
export function databaseVersion(db: Database.Database): string {
  const row = cachedStatement(db, VERSION_SQL).get() as { changes: number; version: number };
  return `${row.version}:${row.changes}`;
}
