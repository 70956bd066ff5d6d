import Database from 'better-sqlite3';
import { normalizeMac } from '../correlate/mac.js';
import type { MacConflict, UnifiedDevice } from '../correlate/model.js';
import type { IotAsset } from '../sources/iot/types.js';
import { compileDeviceFilter } from './deviceFilterSql.js';
import { queryDeviceStats } from './sqliteDeviceStats.js';
import { StoreInputError } from './errors.js';
import { listDevicePage } from './sqliteDevicePages.js';
import { openApiKeys } from './sqliteApiKeys.js';
import { openEntraState } from './sqliteEntraState.js';
import { replaceDocuments } from './sqliteDocumentTable.js';
import { openSnapshotWriter } from './sqliteSnapshotWriter.js';
import { migrate } from './sqliteSchema.js';
import { databaseVersion } from './snapshotMemo.js';
import { openSyncLedger } from './sqliteSyncLedger.js';
import { sqliteTextCondition } from './sqliteTextSearch.js';
import type { DeviceStats, HydrationEntry, RefreshRecord, Snapshot, Store } from './types.js';

interface RefreshRow {
  id: string;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  status: RefreshRecord['status'];
  error: string | null;
  sources: string;
  device_count: number;
}

/**
 * The embedded store: one SQLite file, or `:memory:` for tests. WAL lets another process (a CLI beside the
 * server) read the old snapshot while this one writes the new.
 */
export function openSqliteStore(file: string): Store {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // In WAL mode NORMAL still never corrupts the database; a power cut may lose the last commit, which the next
  // refresh rewrites anyway.
  db.pragma('synchronous = NORMAL');
  // A second process (a CLI beside the server) waits its turn instead of failing with SQLITE_BUSY.
  db.pragma('busy_timeout = 5000');
  // Writing a snapshot grows the WAL to the snapshot's size (300 MB at 100,000 devices); once checkpointed,
  // trim it back rather than keep that much dead space on disk.
  db.pragma('journal_size_limit = 67108864');
  migrate(db);

  const statements = {
    clearMacConflicts: db.prepare('DELETE FROM mac_conflicts'),
    insertMacConflict: db.prepare('INSERT INTO mac_conflicts (mac, json) VALUES (?, ?)'),
    saveSnapshotRow: db.prepare(
      `INSERT INTO snapshot (id, refresh_id, saved_at, stats) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET refresh_id = excluded.refresh_id, saved_at = excluded.saved_at, stats = excluded.stats`,
    ),
    snapshotStats: db.prepare('SELECT stats FROM snapshot WHERE id = 1').pluck(),
    device: db.prepare('SELECT json FROM device_documents WHERE seq = (SELECT seq FROM devices WHERE id = ?)').pluck(),
    // Two rows are enough to know the MAC is not one device's.
    devicesWithMac: db.prepare('SELECT DISTINCT device_id FROM device_macs WHERE mac = ? LIMIT 2').pluck(),
    iotAsset: db.prepare('SELECT json FROM iot_assets WHERE deviceid = ?').pluck(),
    macConflicts: db.prepare('SELECT json FROM mac_conflicts ORDER BY mac').pluck(),
    hydration: db.prepare('SELECT last_sync_date_time, fields FROM hydration WHERE intune_id = ?'),
    putHydration: db.prepare(
      `INSERT INTO hydration (intune_id, last_sync_date_time, fields) VALUES (?, ?, ?)
       ON CONFLICT (intune_id) DO UPDATE SET last_sync_date_time = excluded.last_sync_date_time, fields = excluded.fields`,
    ),
    recordRefresh: db.prepare(
      `INSERT INTO refreshes (id, started_at, finished_at, duration_ms, status, error, sources, device_count)
       VALUES (@id, @started_at, @finished_at, @duration_ms, @status, @error, @sources, @device_count)
       ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, finished_at = excluded.finished_at,
         duration_ms = excluded.duration_ms, status = excluded.status, error = excluded.error, sources = excluded.sources,
         device_count = excluded.device_count`,
    ),
    latestRefreshes: db.prepare('SELECT * FROM refreshes ORDER BY started_at DESC, id DESC LIMIT ?'),
    getState: db.prepare('SELECT value FROM state WHERE key = ?').pluck(),
    setState: db.prepare('INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
  };

  const getDevice = (id: string): UnifiedDevice | null => {
    const json = statements.device.get(id) as string | undefined;
    return json === undefined ? null : (JSON.parse(json) as UnifiedDevice);
  };

  const recordRefresh = (refresh: RefreshRecord): void => {
    statements.recordRefresh.run({
      id: refresh.id,
      started_at: refresh.startedAt,
      finished_at: refresh.finishedAt,
      duration_ms: refresh.durationMs,
      status: refresh.status,
      error: refresh.error,
      sources: JSON.stringify(refresh.sources),
      device_count: refresh.deviceCount,
    });
  };

  const entraState = openEntraState(db);

  const snapshotWriter = openSnapshotWriter(db);
  const writeIotAssets = replaceDocuments<IotAsset>(db, 'iot_assets', 'deviceid');

  const replaceSnapshot = db.transaction((snapshot: Snapshot, refresh: RefreshRecord) => {
    const written = snapshotWriter.writeDevices(snapshot.devices);
    statements.clearMacConflicts.run();
    // A snapshot without Entra state keeps the saved one: the delta round that wrote it is still the latest.
    if (snapshot.entra !== undefined) entraState.save(snapshot.entra, snapshot.recordHash);
    writeIotAssets(snapshot.iotAssets, (asset) => asset.deviceid, snapshot.recordHash);
    for (const conflict of snapshot.macConflicts) statements.insertMacConflict.run(conflict.mac, JSON.stringify(conflict));
    const stats = queryDeviceStats(db, { conditions: [], params: [] });
    statements.saveSnapshotRow.run(refresh.id, new Date().toISOString(), JSON.stringify(stats));
    recordRefresh(refresh);
    return written;
  });

  return {
    // IMMEDIATE takes the write lock before the first read, so a second writer waits out busy_timeout instead of
    // failing when its read lock cannot be upgraded.
    saveSnapshot: (snapshot, refresh) => replaceSnapshot.immediate(snapshot, refresh),

    hasSnapshot: () => statements.snapshotStats.get() !== undefined,

    readVersion: () => (db.inTransaction ? null : databaseVersion(db)),

    listDevices: (args) => listDevicePage(db, args),

    getDevice,

    getDevices: (ids) => ids.map(getDevice),

    getDeviceByMac: (mac) => {
      const normalized = normalizeMac(mac);
      if (normalized === null) throw new StoreInputError('mac', `"${mac}" is not a MAC address`);
      const deviceIds = statements.devicesWithMac.all(normalized) as string[];
      return deviceIds.length === 1 ? getDevice(deviceIds[0]!) : null;
    },

    getIotAssets: (deviceids) =>
      deviceids.map((deviceid) => {
        const json = statements.iotAsset.get(normalizeMac(deviceid) ?? deviceid) as string | undefined;
        return json === undefined ? null : (JSON.parse(json) as IotAsset);
      }),

    deviceStats: (filter) => {
      if (filter === undefined) {
        const stats = statements.snapshotStats.get() as string | undefined;
        return stats === undefined ? queryDeviceStats(db, { conditions: [], params: [] }) : (JSON.parse(stats) as DeviceStats);
      }
      return queryDeviceStats(db, compileDeviceFilter(filter, sqliteTextCondition));
    },

    macConflicts: () => (statements.macConflicts.all() as string[]).map((json) => JSON.parse(json) as MacConflict),

    getHydration: (intuneIds) => {
      const entries = new Map<string, HydrationEntry>();
      for (const intuneId of intuneIds) {
        const row = statements.hydration.get(intuneId) as { last_sync_date_time: string | null; fields: string } | undefined;
        if (row) {
          entries.set(intuneId, {
            intuneId,
            lastSyncDateTime: row.last_sync_date_time,
            fields: JSON.parse(row.fields) as Record<string, unknown>,
          });
        }
      }
      return entries;
    },

    putHydration: db.transaction((entries: readonly HydrationEntry[]) => {
      for (const entry of entries) statements.putHydration.run(entry.intuneId, entry.lastSyncDateTime, JSON.stringify(entry.fields));
    }),

    recordRefresh,

    latestRefreshes: (limit) => {
      // SQLite reads a negative LIMIT as "no limit".
      if (!Number.isInteger(limit) || limit < 0) throw new StoreInputError('limit', `must be a non-negative integer, got ${limit}`);
      return (statements.latestRefreshes.all(limit) as RefreshRow[]).map(fromRefreshRow);
    },

    getState: (key) => (statements.getState.get(key) as string | undefined) ?? null,

    setState: (key, value) => {
      statements.setState.run(key, value);
    },

    getEntraState: () => entraState.get(),

    ...openSyncLedger(db),

    ...openApiKeys(db),

    close: () => db.close(),
  };
}

function fromRefreshRow(row: RefreshRow): RefreshRecord {
  return {
    id: row.id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    status: row.status,
    error: row.error,
    sources: JSON.parse(row.sources) as RefreshRecord['sources'],
    deviceCount: row.device_count,
  };
}
