import type { EmulatorRequest } from '../http/router.js';
import { option } from './queryOptions.js';
import { decodeToken } from './skiptoken.js';

export type SortValue = string | number | boolean | null;

/** Where a page ended: the last item's sort value and id. Stable under inserts and deletes, unlike an offset. */
export interface Cursor {
  v: SortValue;
  id: string;
}

export interface Ordering<T> {
  keyOf(item: T): SortValue;
  descending: boolean;
}

/** Graph's default order here: by id, which is the order GraphState keeps its collections in. */
export const BY_ID: Ordering<{ id: string }> = { keyOf: () => null, descending: false };

/** The ordering for an optional `$orderby` on a record type. */
export function orderingFor<T extends { id: string }>(orderBy: { property: string; descending: boolean } | undefined): Ordering<T> {
  if (!orderBy) return BY_ID;
  return { keyOf: (item) => ((item as unknown as Record<string, SortValue | undefined>)[orderBy.property] ?? null), descending: orderBy.descending };
}

function compareValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const x = typeof a === 'string' ? a.toLowerCase() : a;
  const y = typeof b === 'string' ? b.toLowerCase() : b;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Orders by the key, then by id, so every item has exactly one place and a cursor names it. */
function compareToCursor<T extends { id: string }>(ordering: Ordering<T>, item: T, cursor: Cursor): number {
  const byKey = compareValues(ordering.keyOf(item), cursor.v);
  if (byKey !== 0) return ordering.descending ? -byKey : byKey;
  return item.id < cursor.id ? -1 : item.id > cursor.id ? 1 : 0;
}

export function sortItems<T extends { id: string }>(items: Iterable<T>, ordering: Ordering<NoInfer<T>>): T[] {
  return [...items].sort((a, b) => compareToCursor(ordering, a, { v: ordering.keyOf(b), id: b.id }));
}

/** Index of the first item after the cursor, by binary search (collections reach hundreds of thousands). */
function firstAfter<T extends { id: string }>(sorted: readonly T[], ordering: Ordering<T>, cursor: Cursor): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareToCursor(ordering, sorted[mid]!, cursor) > 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The `size` items after `after` in `sorted` (sorted by `ordering`), and the cursor of the next page if any remain. */
export function pageAfter<T extends { id: string }>(
  sorted: readonly T[],
  ordering: Ordering<NoInfer<T>>,
  after: Cursor | undefined,
  size: number,
): { page: T[]; next: Cursor | undefined } {
  const start = after ? firstAfter(sorted, ordering, after) : 0;
  const page = sorted.slice(start, start + size);
  const last = page[page.length - 1];
  const next = last && start + size < sorted.length ? { v: ordering.keyOf(last), id: last.id } : undefined;
  return { page, next };
}

export function isCursor(value: unknown): value is Cursor {
  if (typeof value !== 'object' || value === null) return false;
  const { v, id } = value as Record<string, unknown>;
  return typeof id === 'string' && (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean');
}

/** The request's `$skiptoken` as a cursor of `kind`: undefined without one, 'invalid' for a token we did not issue. */
export function skipTokenCursor(req: EmulatorRequest, kind: string): Cursor | undefined | 'invalid' {
  const raw = option(req, '$skiptoken');
  if (raw === undefined) return undefined;
  const decoded = decodeToken(kind, raw);
  return isCursor(decoded) ? decoded : 'invalid';
}

/**
 * An absolute https link on the host the client used, keeping the request's other query options and
 * replacing the paging ones, as Graph's nextLinks do.
 */
export function linkWith(req: EmulatorRequest, set: Record<string, string>, drop: readonly string[] = []): string {
  const params = new URLSearchParams(req.url.search);
  const replaced = new Set([...Object.keys(set), ...drop].map((k) => k.toLowerCase()));
  for (const key of [...params.keys()]) if (replaced.has(key.toLowerCase())) params.delete(key);
  for (const [k, v] of Object.entries(set)) params.set(k, v);
  return `${req.url.origin}${req.url.pathname}${queryString(params)}`;
}

/** `?a=b&…`, or '' when empty. `$` and `,` stay literal as in Graph's links (URLSearchParams would escape them). */
export function queryString(params: URLSearchParams | Record<string, string>): string {
  const query = new URLSearchParams(params).toString().replace(/%24/g, '$').replace(/%2C/gi, ',');
  return query ? `?${query}` : '';
}
