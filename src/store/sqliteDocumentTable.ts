import type Database from 'better-sqlite3';
import { contentHash } from '../contentHash.js';

const GIVEN = Symbol('given');

/**
 * Writes a whole set of JSON documents over a table keyed by one unique column (`iot_assets`, `entra_devices`):
 * a row is rewritten only when its document's hash changed, and rows whose key is no longer given are deleted.
 * Between two refreshes most documents do not change, so this writes far less than clearing and inserting all of
 * them. `hashOf` hands over hashes the caller already took (they must be `jsonHash` of the document); without
 * it each document is hashed here. Table and column names are the caller's constants, never input.
 */
export function replaceDocuments<T>(
  db: Database.Database,
  table: string,
  key: string,
): (documents: Iterable<T>, keyOf: (document: T) => string, hashOf?: (document: T) => string) => void {
  const storedHashes = db.prepare(`SELECT ${key}, json_hash FROM ${table}`).raw();
  const upsert = db.prepare(
    `INSERT INTO ${table} (${key}, json, json_hash) VALUES (?, ?, ?) ON CONFLICT (${key}) DO UPDATE SET json = excluded.json, json_hash = excluded.json_hash`,
  );
  const remove = db.prepare(`DELETE FROM ${table} WHERE ${key} = ?`);
  return (documents, keyOf, hashOf) => {
    // Key → stored hash; a key given is marked GIVEN, and the keys still unmarked at the end are gone from the source.
    const stored = new Map<string, string | typeof GIVEN>(storedHashes.all() as Array<[string, string]>);
    for (const document of documents) {
      const k = keyOf(document);
      let json = hashOf ? undefined : JSON.stringify(document);
      const hash = hashOf ? hashOf(document) : contentHash(json!);
      // A key given twice is written again (GIVEN never equals a hash), so that the last copy wins.
      const same = stored.get(k) === hash;
      stored.set(k, GIVEN);
      if (same) continue;
      json ??= JSON.stringify(document);
      upsert.run(k, json, hash);
    }
    for (const [k, mark] of stored) if (mark !== GIVEN) remove.run(k);
  };
}
