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
  const malformed = (why: string) => new StoreInputError(argument, `malformed cursor (${why}); pass a cursor from a previous page unchanged`);
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw malformed('not base64url');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw malformed('not a cursor of this API');
  }
  if (!Array.isArray(decoded) || decoded.length !== 3 || !decoded.every((part) => typeof part === 'string')) {
    throw malformed('not a cursor of this API');
  }
  const [cursorField, sortKey, id] = decoded as [string, string, string];
  if (cursorField !== field) {
    throw new StoreInputError(argument, `cursor was issued for ordering by ${cursorField}, not ${field}; restart paging without it`);
  }
  return { sortKey, id };
}
