import type Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';

/**
 * Compiling a device query costs SQLite more than running it does for a page of 50, so statements are kept per
 * connection by their SQL text. A filter makes one text per combination of its fields and list lengths, so a
 * dashboard reuses a handful; the bound keeps a caller who varies every list from growing the cache without end.
 */
const MAX_STATEMENTS = 256;

const caches = new WeakMap<Database.Database, LRUCache<string, Database.Statement>>();

/** `pluck` is part of the key: better-sqlite3 keeps it on the statement, so one text can be held in both modes. */
export function cachedStatement(db: Database.Database, sql: string, options: { pluck?: boolean } = {}): Database.Statement {
  const pluck = options.pluck ?? false;
  let cache = caches.get(db);
  if (cache === undefined) caches.set(db, (cache = new LRUCache({ max: MAX_STATEMENTS })));
  const key = `${pluck ? 'p' : 'r'}${sql}`;
  let statement = cache.get(key);
  if (statement === undefined) cache.set(key, (statement = db.prepare(sql).pluck(pluck)));
  return statement;
}
