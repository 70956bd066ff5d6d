import type Database from 'better-sqlite3';
import type { MatchStatus } from '../correlate/model.js';
import { SOURCE_COLUMNS, SOURCE_ORDER, macClassesOf } from './deviceRow.js';
import { type SqlConditions, whereClause } from './deviceFilterSql.js';
import { rememberQuery, WriteScopedMemo } from './snapshotMemo.js';
import { facetSource } from './sqliteQueryPlans.js';
import { cachedStatement } from './statementCache.js';
import type { DeviceStats, StatBucket } from './types.js';

interface CubeRow {
  in_entra: 0 | 1;
  in_intune: 0 | 1;
  in_iot: 0 | 1;
  match_status: MatchStatus;
  os_group_key: string | null;
  os_group: string | null;
  enrollment_type: string | null;
  mac_classes: string;
  n: number;
}

/** A few kilobytes each. */
const remembered = new WriteScopedMemo<string, DeviceStats>(100);

/**
 * Every breakdown from one pass: group by all dimensions at once (a few hundred combinations for a real fleet),
 * then roll each dimension up here. The GROUP BY lists the columns in devices_by_facets' order, so SQLite
 * groups while it walks that index instead of sorting the rows first (19 ms instead of 260 at 100,000). A
 * filtered breakdown still takes 5 ms at 100,000 and a dashboard asks for the same one on every load, so it is
 * remembered until the next write; the unfiltered one is stored with the snapshot.
 */
export function queryDeviceStats(db: Database.Database, filter: SqlConditions): DeviceStats {
  const sql = `SELECT in_entra, in_intune, in_iot, match_status, os_group_key, MIN(os_group) AS os_group, enrollment_type, mac_classes,
                      COUNT(*) AS n
                 FROM ${facetSource(filter)} ${whereClause(filter.conditions)}
                GROUP BY in_intune, in_iot, in_entra, match_status, os_group_key, enrollment_type, mac_classes`;
  return rememberQuery(remembered, db, sql, filter.params, () => rollUp(cachedStatement(db, sql).all(filter.params) as CubeRow[]));
}

function rollUp(cube: readonly CubeRow[]): DeviceStats {
  const coverage = new Tally();
  const matchStatus = new Tally();
  const osGroup = new Tally();
  const enrollmentType = new Tally();
  const macClass = new Tally();
  const osGroupLabels = new Map<string, string>();
  let total = 0;
  for (const row of cube) {
    total += row.n;
    coverage.add(SOURCE_ORDER.filter((source) => row[SOURCE_COLUMNS[source]] === 1).join('+'), row.n);
    matchStatus.add(row.match_status, row.n);
    osGroup.add(row.os_group_key, row.n);
    if (row.os_group_key !== null && row.os_group !== null) {
      const label = osGroupLabels.get(row.os_group_key);
      if (label === undefined || row.os_group < label) osGroupLabels.set(row.os_group_key, row.os_group);
    }
    enrollmentType.add(row.enrollment_type, row.n);
    const classes = macClassesOf(row.mac_classes);
    if (classes.length === 0) macClass.add(null, row.n);
    for (const cls of classes) macClass.add(cls, row.n);
  }
  return {
    total,
    bySourceCoverage: coverage.buckets(),
    byMatchStatus: matchStatus.buckets(),
    byOsGroup: osGroup.buckets().map((b) => ({ key: b.key === null ? null : (osGroupLabels.get(b.key) ?? b.key), count: b.count })),
    byEnrollmentType: enrollmentType.buckets(),
    byMacClass: macClass.buckets(),
  };
}

class Tally {
  readonly #counts = new Map<string | null, number>();

  add(key: string | null, count: number): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + count);
  }

  /** Largest first; ties by key, the no-value bucket last, so the order is stable across refreshes. */
  buckets(): StatBucket[] {
    return [...this.#counts]
      .map(([key, count]) => ({ key, count }))
      .sort((a, b) => b.count - a.count || compareKeys(a.key, b.key));
  }
}

function compareKeys(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
