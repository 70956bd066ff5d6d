import type Database from 'better-sqlite3';
import type { UnifiedDevice } from '../correlate/model.js';
import { contentHash } from '../contentHash.js';
import { toDeviceRow } from './deviceRow.js';
import type { SnapshotDevice, SnapshotWrite } from './types.js';

/** Share of the stored devices past which a snapshot is written in bulk (measured: row by row, rewriting every one of 100,000 devices took 2.5× a bulk load). */
const BULK_SHARE = 0.05;

/**
 * Writes the devices of a new snapshot over the old one. Between two refreshes most devices do not change, so
 * each device's document is compared (by hash) with the stored one and only the devices that changed, appeared
 * or vanished are written: at 100,000 devices a rewrite costs some 20 s of CPU (four covering indexes and the
 * trigram index rebuilt), a refresh that changed a few hundred devices well under one. When much has changed
 * (an empty store, a new precedence), the rest is written in bulk: indexes dropped, then built again. Runs inside the caller's transaction; takes the devices
 * as an iterable so that a caller building them one by one never holds them all.
 */
export function openSnapshotWriter(db: Database.Database): { writeDevices(devices: Iterable<UnifiedDevice | SnapshotDevice>): SnapshotWrite } {
  const columns = 'id, name_key, os_group, os_group_key, enrollment_type, in_entra, in_intune, in_iot, match_status, mac_classes, last_seen, search_text, doc_hash';
  const statements = {
    stored: db.prepare('SELECT id, seq, doc_hash FROM devices'),
    searchText: db.prepare('SELECT search_text FROM devices WHERE seq = ?').pluck(),
    insertDevice: db.prepare(`INSERT INTO devices (${columns}) VALUES (${columns.replace(/(\w+)/g, '@$1')})`),
    updateDevice: db.prepare(`UPDATE devices SET (${columns}) = (${columns.replace(/(\w+)/g, '@$1')}) WHERE seq = @seq`),
    deleteDevice: db.prepare('DELETE FROM devices WHERE seq = ?'),
    insertDocument: db.prepare('INSERT INTO device_documents (seq, json) VALUES (?, ?)'),
    updateDocument: db.prepare('UPDATE device_documents SET json = ? WHERE seq = ?'),
    deleteDocument: db.prepare('DELETE FROM device_documents WHERE seq = ?'),
    insertMac: db.prepare('INSERT INTO device_macs (mac, class, device_id) VALUES (?, ?, ?)'),
    deleteMacs: db.prepare('DELETE FROM device_macs WHERE device_id = ?'),
    // External content: the index forgets a row only when told the text it indexed.
    indexText: db.prepare('INSERT INTO device_search (rowid, search_text) VALUES (?, ?)'),
    forgetText: db.prepare(`INSERT INTO device_search (device_search, rowid, search_text) VALUES ('delete', ?, ?)`),
    rebuildSearch: db.prepare(`INSERT INTO device_search (device_search) VALUES ('rebuild')`),
    bulkLoadIndexes: db.prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name IN ('devices', 'device_macs') AND sql IS NOT NULL`),
  };

  const insertMacs = (device: UnifiedDevice): void => {
    for (const mac of device.macs) statements.insertMac.run(mac.mac, mac.class, device.id);
  };

  const forget = (seq: number | bigint): void => {
    statements.forgetText.run(seq, statements.searchText.get(seq));
  };

  return {
    writeDevices(devices) {
      const stored = new Map<string, { seq: number; hash: string }>();
      for (const row of statements.stored.iterate() as Iterable<{ id: string; seq: number; doc_hash: string }>) stored.set(row.id, { seq: row.seq, hash: row.doc_hash });
      // Past this many rewritten devices, maintaining the indexes row by row costs more than building them again.
      const bulkAfter = Math.max(1_000, Math.floor(stored.size * BULK_SHARE));
      let dropped: Array<{ name: string; sql: string }> | null = null;
      const goBulk = (): void => {
        // Building an index once from sorted rows is several times cheaper than growing it one insert at a time.
        // The MAC rows' index by device stays: dropping a changed device's rows needs it.
        dropped = (statements.bulkLoadIndexes.all() as Array<{ name: string; sql: string }>).filter((i) => i.name !== 'device_macs_by_device');
        for (const { name } of dropped) db.exec(`DROP INDEX ${name}`);
      };
      if (stored.size === 0) goBulk();

      const counts: SnapshotWrite = { written: 0, unchanged: 0, built: 0, removed: 0, bulk: false };
      const seen = new Set<string>();
      for (const entry of unique(devices, seen)) {
        const old = stored.get(entry.id);
        const announced = isSnapshotDevice(entry) ? entry : null;
        // Same inputs as a document still stored: nothing to build, hash or write.
        if (announced?.knownHash != null && old?.hash === announced.knownHash) {
          announced.settled(announced.knownHash);
          counts.unchanged++;
          continue;
        }
        const device = announced ? built(announced) : (entry as UnifiedDevice);
        counts.built++;
        const json = JSON.stringify(device);
        const hash = contentHash(json);
        announced?.settled(hash);
        if (old?.hash === hash) {
          counts.unchanged++;
          continue;
        }
        if (dropped === null && counts.written >= bulkAfter) goBulk();
        const row = { ...toDeviceRow(device), doc_hash: hash };
        let seq: number | bigint;
        if (old) {
          seq = old.seq;
          if (dropped === null) forget(seq);
          statements.updateDevice.run({ ...row, seq });
          statements.updateDocument.run(json, seq);
          statements.deleteMacs.run(device.id);
        } else {
          seq = statements.insertDevice.run(row).lastInsertRowid;
          statements.insertDocument.run(seq, json);
        }
        if (dropped === null) statements.indexText.run(seq, row.search_text);
        insertMacs(device);
        counts.written++;
      }
      for (const [id, { seq }] of stored) {
        if (seen.has(id)) continue;
        if (dropped === null) forget(seq);
        statements.deleteDevice.run(seq);
        statements.deleteDocument.run(seq);
        statements.deleteMacs.run(id);
        counts.removed++;
      }
      if (dropped !== null) {
        for (const { sql } of dropped as Array<{ name: string; sql: string }>) db.exec(sql);
        statements.rebuildSearch.run();
        counts.bulk = true;
      }
      return counts;
    },
  };
}

function isSnapshotDevice(entry: UnifiedDevice | SnapshotDevice): entry is SnapshotDevice {
  return 'build' in entry;
}

function built(entry: SnapshotDevice): UnifiedDevice {
  const device = entry.build();
  if (device.id !== entry.id) throw new Error(`store: the device announced as "${entry.id}" was built as "${device.id}"`);
  return device;
}

/** The devices, refusing a second one with an id already seen (checked here rather than by a unique index, which would cost every write a fifth index). */
function* unique<T extends { id: string }>(devices: Iterable<T>, seen: Set<string>): Generator<T> {
  for (const device of devices) {
    if (seen.has(device.id)) throw new Error(`store: the snapshot holds two devices with id "${device.id}"`);
    seen.add(device.id);
    yield device;
  }
}
