import type Database from 'better-sqlite3';
import { type SqlConditions, whereClause } from './deviceFilterSql.js';
import { rememberQuery, WriteScopedMemo } from './snapshotMemo.js';
import { cachedStatement } from './statementCache.js';
import { searchOnlyCount } from './sqliteTextSearch.js';
import type { DeviceOrderField } from './types.js';

/**
 * The plans SQLite's planner gets wrong on this schema, overruled with `INDEXED BY` (SQLite-only syntax; a
 * PostgreSQL store leaves planning to PostgreSQL). Every device index is covering (see the schema), so a plan
 * that walks one never reads the table: a full pass over 100,000 entries costs about 8 ms.
 */

const ORDER_INDEXES: Record<DeviceOrderField, string> = {
  NAME: 'devices_by_name',
  LAST_SEEN: 'devices_by_last_seen',
  ID: 'devices_by_id',
};

/**
 * Stats read devices_by_facets, whose column order lets GROUP BY group while walking. Left alone, the planner
 * fetches every match of a text filter through the table by rowid and sorts them: 60 ms where the walk takes 30.
 */
export function facetSource(filter: SqlConditions): string {
  return filter.conditions.length === 0 ? 'devices' : 'devices INDEXED BY devices_by_facets';
}

/** A number and its key each: a few hundred filters cost a few hundred kilobytes at most. */
const counts = new WriteScopedMemo<string, number>(500);

/**
 * The planner counts well on its own: a seek on devices_by_facets, or rowid lookups for a search's matches. Still
 * 1.5 ms for a filter matching a quarter of 100,000 devices, on every page of it: remembered until the next write.
 */
export function countDevices(db: Database.Database, filter: SqlConditions): number {
  const sql = searchOnlyCount(filter) ?? `SELECT COUNT(*) FROM devices ${whereClause(filter.conditions)}`;
  return rememberQuery(counts, db, sql, filter.params, () => cachedStatement(db, sql, { pluck: true }).get(...filter.params) as number);
}

/**
 * Walking an order index tests at most every entry (about 0.08 µs each); fetching the matches and sorting them
 * costs about 1 µs per match. So walk unless the matches are under a twelfth of the fleet, which bounds either
 * plan by one full walk. SQLite's planner, with or without ANALYZE statistics, takes a filter index and sorts
 * even when the filter keeps a quarter of the fleet (18 ms where the walk takes under 1).
 */
const SORT_TO_WALK_COST = 12;

export function pageSource(db: Database.Database, field: DeviceOrderField, filter: SqlConditions, matched: number): string {
  if (filter.conditions.length === 0) return 'devices';
  const total = countDevices(db, { conditions: [], params: [] });
  return matched * SORT_TO_WALK_COST >= total ? `devices INDEXED BY ${ORDER_INDEXES[field]}` : 'devices';
}
