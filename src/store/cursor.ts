import { StoreInputError } from './errors.js';
import type { DeviceOrderField } from './types.js';

/**
 * Opaque keyset cursors: base64url of `[field, sortKey, id]`. The position is carried by value, not by offset, so
 * a page stays correct while the snapshot underneath it is replaced. The field travels along because a NAME
 * cursor means nothing under LAST_SEEN ordering; direction does not, since the same position can be read both ways.
 */
export interface CursorPosition {
  sortKey: string;
  id: string;
}

export function encodeCursor(field: DeviceOrderField, position: CursorPosition): string {
  return Buffer.from(JSON.stringify([field, position.sortKey, position.id]), 'utf8').toString('base64url');
}

/** `argument` names the argument in the error (`after` or `before`). */
export function decodeCursor(argument: string, cursor: string, field: DeviceOrderField): CursorPosition {
  const decoded = decodeParts(argument, cursor);
  if (decoded.length !== 3 || !decoded.every((part) => typeof part === 'string')) throw malformed(argument, 'not a cursor of this API');
  const [cursorField, sortKey, id] = decoded as [string, string, string];
  if (cursorField !== field) {
    throw new StoreInputError(argument, `cursor was issued for ordering by ${cursorField}, not ${field}; restart paging without it`);
  }
  return { sortKey, id };
}

/**
 * The same scheme for the ledger's lists: `[list, ...key]`, where `list` names the list and what it is scoped to
 * (`syncRuns`, `syncItems:<runId>`), so a cursor from one list is refused by another.
 */
export function encodeListCursor(list: string, key: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify([list, ...key]), 'utf8').toString('base64url');
}

/** Checks the key's shape: one entry per expected type. */
export function decodeListCursor<const T extends ReadonlyArray<'string' | 'integer'>>(
  argument: string,
  cursor: string,
  list: string,
  shape: T,
): { [K in keyof T]: T[K] extends 'integer' ? number : string } {
  const decoded = decodeParts(argument, cursor);
  const [cursorList, ...key] = decoded;
  if (typeof cursorList !== 'string') throw malformed(argument, 'not a cursor of this API');
  if (cursorList !== list) throw new StoreInputError(argument, `cursor was issued for another list (${cursorList}); restart paging without it`);
  const fits = key.length === shape.length && key.every((part, i) => (shape[i] === 'integer' ? Number.isSafeInteger(part) : typeof part === 'string'));
  if (!fits) throw malformed(argument, 'not a cursor of this API');
  return key as { [K in keyof T]: T[K] extends 'integer' ? number : string };
}

function decodeParts(argument: string, cursor: string): unknown[] {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw malformed(argument, 'not base64url');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw malformed(argument, 'not a cursor of this API');
  }
  if (!Array.isArray(decoded)) throw malformed(argument, 'not a cursor of this API');
  return decoded as unknown[];
}

function malformed(argument: string, why: string): StoreInputError {
  return new StoreInputError(argument, `malformed cursor (${why}); pass a cursor from a previous page unchanged`);
}
