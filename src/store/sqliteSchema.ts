import type Database from 'better-sqlite3';

/**
 * The schema as numbered migrations; `PRAGMA user_version` records how many have run. Append a migration, never
 * edit one that has shipped: a database on disk already holds its result.
 *
 * The tables use types PostgreSQL shares (TEXT, SMALLINT, INTEGER). SQLite's own parts: the FTS5 table, the
 * `seq` rowid alias (an identity column there), and `user_version` (a version table there).
 */
const MIGRATIONS: readonly string[] = [
  `
  -- What filters, sorts and stats read, one narrow row per device (see DeviceRow). The device itself lives in
  -- device_documents: a scan for a count or a breakdown then reads a few MB, not every device's JSON.
  -- seq is SQLite's rowid, declared so that VACUUM keeps it: device_search and device_documents are keyed by it.
  CREATE TABLE devices (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    name_key TEXT NOT NULL,
    os_group TEXT,
    os_group_key TEXT,
    enrollment_type TEXT,
    in_entra SMALLINT NOT NULL,
    in_intune SMALLINT NOT NULL,
    in_iot SMALLINT NOT NULL,
    match_status TEXT NOT NULL,
    mac_classes TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    search_text TEXT NOT NULL
  );
  -- Every index on devices is covering: it carries each column a filter tests, so no query reads the table
  -- (search_text aside, which device_search answers). Ids are unique by construction (saveSnapshot checks).
  -- One per ordering: a page walks it in order, testing the filter inside the index, and stops after the page.
  CREATE INDEX devices_by_id ON devices (id, in_intune, in_iot, in_entra, match_status, os_group_key, enrollment_type, mac_classes, last_seen);
  CREATE INDEX devices_by_name ON devices (name_key, id, in_intune, in_iot, in_entra, match_status, os_group_key, enrollment_type, mac_classes, last_seen);
  CREATE INDEX devices_by_last_seen ON devices (last_seen, id, in_intune, in_iot, in_entra, match_status, os_group_key, enrollment_type, mac_classes);
  -- Counts and stats: seeks on the source flags (the commonest filter), and GROUP BY in this order groups while
  -- walking instead of sorting.
  CREATE INDEX devices_by_facets ON devices (in_intune, in_iot, in_entra, match_status, os_group_key, enrollment_type, mac_classes, last_seen, os_group);

  -- Substring search over devices.search_text: trigrams answer "contains" for needles of three characters or
  -- more, which LIKE '%…%' can only answer by scanning. SQLite-only; PostgreSQL would put a pg_trgm GIN index
  -- on devices.search_text and keep the portable LIKE. External content: the text is stored once, in devices.
  CREATE VIRTUAL TABLE device_search USING fts5(
    search_text, content = 'devices', content_rowid = 'seq', tokenize = 'trigram', detail = 'full'
  );
  -- The index is only ever rebuilt whole (saveSnapshot). A 64 MB buffer writes it in a few large segments
  -- instead of a hundred 1 MB ones, and since nothing is added between rebuilds there is nothing to merge:
  -- the rebuild of 100,000 devices takes 0.8 s instead of 1.5.
  INSERT INTO device_search (device_search, rank) VALUES ('hashsize', 67108864);
  INSERT INTO device_search (device_search, rank) VALUES ('automerge', 0);

  CREATE TABLE device_documents (
    seq INTEGER PRIMARY KEY,
    json TEXT NOT NULL
  );

  -- One row per MAC a device holds, for lookups by MAC; mac is NULL when the raw value is not a MAC (class
  -- 'invalid'). Filters by class read devices.mac_classes instead, which the covering indexes carry.
  CREATE TABLE device_macs (
    mac TEXT,
    class TEXT NOT NULL,
    device_id TEXT NOT NULL
  );
  CREATE INDEX device_macs_by_mac ON device_macs (mac);

  CREATE TABLE iot_assets (
    deviceid TEXT PRIMARY KEY,
    json TEXT NOT NULL
  );

  CREATE TABLE mac_conflicts (
    mac TEXT PRIMARY KEY,
    json TEXT NOT NULL
  );

  -- At most one row: which refresh produced the current snapshot, and its unfiltered stats.
  CREATE TABLE snapshot (
    id SMALLINT PRIMARY KEY CHECK (id = 1),
    refresh_id TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    stats TEXT NOT NULL
  );

  CREATE TABLE hydration (
    intune_id TEXT PRIMARY KEY,
    last_sync_date_time TEXT,
    fields TEXT NOT NULL
  );

  CREATE TABLE refreshes (
    id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    duration_ms INTEGER,
    status TEXT NOT NULL,
    error TEXT,
    sources TEXT NOT NULL,
    device_count INTEGER NOT NULL
  );
  CREATE INDEX refreshes_by_started_at ON refreshes (started_at, id);

  CREATE TABLE state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  `
  -- The Entra directory as the last snapshot's delta round left it, one JSON document per device, replaced whole
  -- with the snapshot. seq keeps the order it was saved in; ids are not constrained unique, as a full delta round
  -- may name a device twice and the list is stored as given.
  CREATE TABLE entra_devices (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    json TEXT NOT NULL
  );
  -- At most one row: the deltaLink that continues from entra_devices. No row: no Entra state saved yet.
  CREATE TABLE entra_delta (
    id SMALLINT PRIMARY KEY CHECK (id = 1),
    delta_link TEXT NOT NULL,
    saved_at TEXT NOT NULL
  );

  -- The sync ledger: one row per syncDevices run. Nested fields are JSON documents (TEXT here, jsonb in
  -- PostgreSQL); flags are SMALLINT 0/1.
  CREATE TABLE sync_runs (
    id TEXT PRIMARY KEY,
    triggered_by TEXT NOT NULL,
    actor TEXT,
    dry_run SMALLINT NOT NULL,
    create_missing SMALLINT NOT NULL,
    scope TEXT,
    plan_id TEXT,
    idempotency_key TEXT,
    status TEXT NOT NULL,
    phase TEXT NOT NULL,
    progress TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    heartbeat_at TEXT NOT NULL,
    counts TEXT,
    outcomes TEXT NOT NULL,
    upstream TEXT NOT NULL,
    errors TEXT NOT NULL
  );
  CREATE INDEX sync_runs_by_status ON sync_runs (status);
  CREATE INDEX sync_runs_by_started_at ON sync_runs (started_at, id);
  CREATE UNIQUE INDEX sync_runs_by_idempotency_key ON sync_runs (idempotency_key) WHERE idempotency_key IS NOT NULL;
  -- At most one run planning or applying: among those rows the indexed expression is always true, so a second
  -- one is a duplicate key (the idiom PostgreSQL's documentation gives for "one null at most"). beginSyncRun
  -- checks first and answers with the run in the way; this index is what holds when a caller does not (an
  -- updateSyncRun reviving a run while another works), and what makes the check safe on PostgreSQL.
  CREATE UNIQUE INDEX sync_runs_one_active ON sync_runs ((status IN ('planning', 'applying'))) WHERE status IN ('planning', 'applying');

  -- One row per device a run planned, in plan order. Each filter index continues with seq, so that a filtered
  -- page walks it in order and stops after the page, and ends with the other filter's column, so that both the
  -- walk and the count test a combined filter inside the index instead of reading each row.
  CREATE TABLE sync_items (
    run_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    action TEXT NOT NULL,
    device_id TEXT NOT NULL,
    iot_device_id TEXT,
    reason TEXT,
    detail TEXT,
    changes TEXT NOT NULL,
    outcome TEXT NOT NULL,
    error TEXT,
    PRIMARY KEY (run_id, seq)
  );
  CREATE INDEX sync_items_by_action ON sync_items (run_id, action, seq, outcome);
  CREATE INDEX sync_items_by_outcome ON sync_items (run_id, outcome, seq, action);

  CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    update_source TEXT NOT NULL,
    create_missing SMALLINT NOT NULL,
    scope TEXT
  );
  `,
  `
  -- API keys for scripts. Only a SHA-256 of each key is kept (src/auth/apiKeys.ts says why a fast hash is enough
  -- for a 256-bit random key), looked up by that hash. Revoked keys stay, for the record; a name is unique among
  -- active keys only (a partial index, as in PostgreSQL), so a revoked key's name can be reused.
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    key_prefix TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
  );
  CREATE UNIQUE INDEX api_keys_by_hash ON api_keys (key_hash);
  CREATE UNIQUE INDEX api_keys_active_name ON api_keys (name) WHERE revoked_at IS NULL;
  `,
  `
  -- Snapshots are written as a difference (sqliteSnapshotWriter.ts): a device is rewritten only when the hash of
  -- its document changed. Rows from before have no hash ('') and are rewritten once.
  ALTER TABLE devices ADD COLUMN doc_hash TEXT NOT NULL DEFAULT '';
  -- A changed or vanished device drops its MAC rows by id.
  CREATE INDEX device_macs_by_device ON device_macs (device_id);
  -- Row-by-row updates now add segments to the trigram index between rebuilds; let FTS5 merge them as it goes
  -- (its default) instead of never.
  INSERT INTO device_search (device_search, rank) VALUES ('automerge', 4);
  -- The IoT assets and the Entra directory are written the same way, by key; a directory merged by its delta
  -- rounds names each device once, so the last copy of any duplicate is the one to keep.
  DELETE FROM entra_devices WHERE seq NOT IN (SELECT MAX(seq) FROM entra_devices GROUP BY id);
  CREATE UNIQUE INDEX entra_devices_by_id ON entra_devices (id);
  `,
  `
  -- The IoT assets and the Entra directory keep each document's hash too, so that an unchanged one is known by its
  -- hash, taken while the refresh waited on the network, rather than by writing it again. Rows from before have
  -- none ('') and are rewritten once.
  ALTER TABLE iot_assets ADD COLUMN json_hash TEXT NOT NULL DEFAULT '';
  ALTER TABLE entra_devices ADD COLUMN json_hash TEXT NOT NULL DEFAULT '';
  `,
];

/** The schema version this build writes: the number of migrations. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database up to the latest schema; each migration commits with its version or not at all. `target`
 * stops at an earlier version: tests build a database as an older gateway left it.
 */
export function migrate(db: Database.Database, target: number = SCHEMA_VERSION): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`store: database schema version ${current} is newer than this build knows (${MIGRATIONS.length}); upgrade the gateway`);
  }
  MIGRATIONS.slice(current, Math.max(current, target)).forEach((sql, i) => {
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${current + i + 1}`);
    })();
  });
}
