import type Database from 'better-sqlite3';
import { type CursorPosition, decodeCursor, encodeCursor } from './cursor.js';
import { readDevices } from './deviceDocuments.js';
import { type SqlCondition, type SqlConditions, compileDeviceFilter, whereClause } from './deviceFilterSql.js';
import { StoreInputError } from './errors.js';
import { rememberQuery, WriteScopedMemo } from './snapshotMemo.js';
import { countDevices, pageSource } from './sqliteQueryPlans.js';
import { sqliteTextCondition } from './sqliteTextSearch.js';
import { cachedStatement } from './statementCache.js';
import { type DeviceListArgs, type DeviceOrder, type DeviceOrderField, type DevicePage, MAX_PAGE_SIZE } from './types.js';

/** When the caller asks for neither `first` nor `last`. */
const DEFAULT_PAGE_SIZE = 50;
const DEFAULT_ORDER: DeviceOrder = { field: 'ID', direction: 'ASC' };

const SORT_COLUMNS: Record<DeviceOrderField, string> = {
  NAME: 'devices.name_key',
  LAST_SEEN: 'devices.last_seen',
  ID: 'devices.id',
};

type Comparison = '<' | '<=' | '>' | '>=';

/**
 * A page's rows (seq, id, sort key: about 5 KB for 51) and the probes for a previous page, by SQL and parameters.
 * The walk behind them is not always short: after the benchmark's sync, the Intune devices missing from IoT Security
 * begin 12 % down the last-seen order, so their newest 51 take a walk over 2,100 index entries at 10,000 devices and
 * ten times that at 100,000 (about 1 ms). A dashboard asks for the same first pages on every poll: each is walked
 * once per write.
 */
const pageRows = new WriteScopedMemo<string, PageRow[]>(500);
const probes = new WriteScopedMemo<string, boolean>(500);

interface PageRow {
  seq: number;
  id: string;
  sort_key: string;
}

/**
 * One Relay page by keyset: `WHERE (sort_key, id) > cursor ORDER BY sort_key, id LIMIT n + 1` stops after the
 * page, so page 2,000 costs what page 1 does. The extra row tells whether another page follows; a one-row probe
 * on the far side of the starting cursor tells whether one precedes.
 */
export function listDevicePage(db: Database.Database, args: DeviceListArgs): DevicePage {
  const order = checkedOrder(args.orderBy);
  const { size, backward } = pageSize(args);
  const filter = compileDeviceFilter(args.filter ?? {}, sqliteTextCondition);
  const column = SORT_COLUMNS[order.field];
  const ascending = order.direction === 'ASC';
  const after = args.after != null ? decodeCursor('after', args.after, order.field) : null;
  const before = args.before != null ? decodeCursor('before', args.before, order.field) : null;

  const totalCount = countDevices(db, filter);
  const source = pageSource(db, order.field, filter, totalCount);

  const conditions = [...filter.conditions];
  const params = [...filter.params];
  const bound = (comparison: Comparison, position: CursorPosition) => {
    const keyset = keysetCondition(column, comparison, position);
    conditions.push(keyset.sql);
    params.push(...keyset.params);
  };
  if (after) bound(ascending ? '>' : '<', after);
  if (before) bound(ascending ? '<' : '>', before);

  // Reading backwards means reading the reverse order from `before` and flipping the result.
  const direction = ascending !== backward ? 'ASC' : 'DESC';
  // The documents are read for the page afterwards, not along the filtered set: a sort never drags device JSON.
  const rows =
    totalCount === 0
      ? []
      : readPageRows(
          db,
          `SELECT devices.seq, devices.id, ${column} AS sort_key
             FROM ${source} ${whereClause(conditions)}
            ORDER BY ${column} ${direction}, devices.id ${direction}
            LIMIT ?`,
          [...params, size + 1],
        );
  const hasMore = rows.length > size;
  const page = rows.slice(0, size);
  if (backward) page.reverse();

  // Relay's other side: is there anything at or past the cursor this page started from?
  const start = backward ? before : after;
  const beyondStart =
    start !== null && totalCount > 0 && exists(db, source, filter, keysetCondition(column, backward === ascending ? '>=' : '<=', start));

  const cursorOf = (row: PageRow | undefined): string | null => (row ? encodeCursor(order.field, { sortKey: row.sort_key, id: row.id }) : null);
  let cursors: string[] | undefined;
  return {
    devices: readDevices(db, page.map((row) => row.seq)),
    // Every device's cursor only when `edges` asks for them; pageInfo needs two.
    get cursors() {
      return (cursors ??= page.map((row) => cursorOf(row)!));
    },
    totalCount,
    hasNextPage: backward ? beyondStart : hasMore,
    hasPreviousPage: backward ? hasMore : beyondStart,
    startCursor: cursorOf(page[0]),
    endCursor: cursorOf(page.at(-1)),
  };
}

/** Row-value comparison, which both SQLite and PostgreSQL answer from a (sort_key, id) index. */
function keysetCondition(column: string, comparison: Comparison, position: CursorPosition): SqlCondition {
  if (column === SORT_COLUMNS.ID) return { sql: `devices.id ${comparison} ?`, params: [position.id] };
  return { sql: `(${column}, devices.id) ${comparison} (?, ?)`, params: [position.sortKey, position.id] };
}

function readPageRows(db: Database.Database, sql: string, params: unknown[]): PageRow[] {
  return rememberQuery(pageRows, db, sql, params, () => cachedStatement(db, sql).all(...params) as PageRow[]);
}

function exists(db: Database.Database, source: string, filter: SqlConditions, extra: SqlCondition): boolean {
  const sql = `SELECT 1 FROM ${source} ${whereClause([...filter.conditions, extra.sql])} LIMIT 1`;
  const params = [...filter.params, ...extra.params];
  return rememberQuery(probes, db, sql, params, () => cachedStatement(db, sql).get(...params) !== undefined);
}

function checkedOrder(order: DeviceOrder | undefined): DeviceOrder {
  if (order === undefined) return DEFAULT_ORDER;
  if (!Object.hasOwn(SORT_COLUMNS, order.field)) {
    throw new StoreInputError('orderBy.field', `unknown value "${order.field}"; expected one of ${Object.keys(SORT_COLUMNS).join(', ')}`);
  }
  if (order.direction !== 'ASC' && order.direction !== 'DESC') {
    throw new StoreInputError('orderBy.direction', `unknown value "${String(order.direction)}"; expected ASC or DESC`);
  }
  return order;
}

function pageSize(args: DeviceListArgs): { size: number; backward: boolean } {
  if (args.first != null && args.last != null) {
    throw new StoreInputError('last', 'cannot be combined with first; page forward with first/after or backward with last/before');
  }
  const backward = args.last != null;
  const size = args.first ?? args.last ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw new StoreInputError(backward ? 'last' : 'first', `must be an integer from 0 to ${MAX_PAGE_SIZE}, got ${size}`);
  }
  return { size, backward };
}
