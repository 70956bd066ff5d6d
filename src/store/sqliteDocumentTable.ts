import type Database from 'better-sqlite3';

/**
 * Writes a whole set of JSON documents over a table keyed by one unique column (`iot_assets`, `entra_devices`):
 * a row is rewritten only when its document changed, and rows whose key is no longer given are deleted. Between
 * two refreshes most documents do not change, so this writes far less than clearing and inserting all of them.
 * Table and column names are the caller's constants, never input.
 */
export function replaceDocuments<T>(db: Database.Database, table: string, key: string): (documents: Iterable<T>, keyOf: (document: T) => string) => void {
  const keys = db.prepare(`SELECT ${key} FROM ${table}`).pluck();
  const upsert = db.prepare(
    `INSERT INTO ${table} (${key}, json) VALUES (?, ?) ON CONFLICT (${key}) DO UPDATE SET json = excluded.json WHERE json IS NOT excluded.json`,
  );
  const remove = db.prepare(`DELETE FROM ${table} WHERE ${key} = ?`);
  return (documents, keyOf) => {
    const gone = new Set(keys.all() as string[]);
    for (const document of documents) {
      const k = keyOf(document);
      upsert.run(k, JSON.stringify(document));
      gone.delete(k);
    }
    for (const k of gone) remove.run(k);
  };
}
