import type { DeviceMac, MatchStatus, SourceKind } from '../correlate/model.js';
import { SOURCE_COLUMNS, instantKey, searchNeedle } from './deviceRow.js';
import { StoreInputError } from './errors.js';
import type { DeviceFilter } from './types.js';

export type SqlParam = string | number;

/** Conditions on the `devices` table, to be ANDed, with `?` placeholders (a PostgreSQL store numbers them). */
export interface SqlConditions {
  conditions: string[];
  params: SqlParam[];
}

export interface SqlCondition {
  sql: string;
  params: SqlParam[];
}

/**
 * How a store finds `needle` (already lower-cased) in `devices.search_text`. The portable answer is LIKE, which
 * PostgreSQL serves from a pg_trgm index; SQLite has no such index and answers from an FTS5 table instead.
 */
export type TextCondition = (needle: string) => SqlCondition;

export const likeTextCondition: TextCondition = (needle) => ({
  sql: `devices.search_text LIKE ? ESCAPE '\\'`,
  params: [`%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`],
});

const MATCH_STATUSES = { matched: true, unmatched: true, ambiguous: true, 'iot-only': true } satisfies Record<MatchStatus, true>;
const MAC_CLASSES = {
  global: true,
  randomized: true,
  placeholder: true,
  multicast: true,
  invalid: true,
  shared: true,
} satisfies Record<DeviceMac['class'], true>;

/**
 * Translates a filter into SQL, validating every value a GraphQL enum would not already have caught.
 * Only portable SQL (comparisons, IN lists, LIKE); the text search is the store's own (TextCondition).
 */
export function compileDeviceFilter(filter: DeviceFilter, textCondition: TextCondition): SqlConditions {
  const conditions: string[] = [];
  const params: SqlParam[] = [];
  const add = (condition: string, ...values: SqlParam[]) => {
    conditions.push(condition);
    params.push(...values);
  };
  const addIn = (column: string, values: readonly string[]) => {
    // An empty list is the empty set: it matches nothing, as `IN ()` would if SQL allowed it.
    if (values.length === 0) add('1 = 0');
    else add(`${column} IN (${placeholders(values.length)})`, ...values);
  };

  if (filter.text !== undefined) {
    const needle = searchNeedle(filter.text);
    if (needle !== '') {
      const condition = textCondition(needle);
      add(condition.sql, ...condition.params);
    }
  }
  if (filter.osGroups) addIn('devices.os_group_key', filter.osGroups.map((g) => g.toLowerCase()));
  if (filter.enrollmentTypes) addIn('devices.enrollment_type', filter.enrollmentTypes);
  for (const source of filter.inSources ?? []) add(`devices.${sourceColumn('filter.inSources', source)} = 1`);
  for (const source of filter.notInSources ?? []) add(`devices.${sourceColumn('filter.notInSources', source)} = 0`);
  if (filter.matchStatuses) {
    addIn('devices.match_status', checkedValues('filter.matchStatuses', filter.matchStatuses, MATCH_STATUSES));
  }
  if (filter.macClasses) {
    const classes = checkedValues('filter.macClasses', filter.macClasses, MAC_CLASSES);
    if (classes.length === 0) add('1 = 0');
    else add(`(${classes.map(() => 'devices.mac_classes LIKE ?').join(' OR ')})`, ...classes.map((cls) => `%,${cls},%`));
  }
  // '' is "never seen" (see DeviceRow): below every lower bound already, but an upper bound must shut it out.
  if (filter.lastSeenAfter !== undefined) add('devices.last_seen > ?', checkedInstant('filter.lastSeenAfter', filter.lastSeenAfter));
  if (filter.lastSeenBefore !== undefined) {
    add(`devices.last_seen > '' AND devices.last_seen < ?`, checkedInstant('filter.lastSeenBefore', filter.lastSeenBefore));
  }
  return { conditions, params };
}

export function whereClause(conditions: readonly string[]): string {
  return conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
}

function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

function sourceColumn(argument: string, source: SourceKind): string {
  if (!Object.hasOwn(SOURCE_COLUMNS, source)) throw unknownValue(argument, source, Object.keys(SOURCE_COLUMNS));
  return SOURCE_COLUMNS[source];
}

function checkedValues<T extends string>(argument: string, values: readonly T[], allowed: Record<T, true>): T[] {
  for (const value of values) {
    if (!Object.hasOwn(allowed, value)) throw unknownValue(argument, value, Object.keys(allowed));
  }
  return [...values];
}

function checkedInstant(argument: string, value: string): string {
  // Date.parse also takes "March 7, 2024"; a filter argument should say what it means unambiguously.
  const key = /^\d{4}-\d{2}-\d{2}/.test(value) ? instantKey(value) : null;
  if (key === null) throw new StoreInputError(argument, `"${value}" is not an ISO 8601 date-time`);
  return key;
}

function unknownValue(argument: string, value: string, allowed: string[]): StoreInputError {
  return new StoreInputError(argument, `unknown value "${value}"; expected one of ${allowed.join(', ')}`);
}
