import type { EntraDeviceRecord } from '../fleet/types.js';
import type { EmulatorReply, EmulatorRequest } from '../http/router.js';
import { devicesContext } from './devicesRoutes.js';
import { parseSelectOption } from './devicesQuery.js';
import { deviceProjector } from './entities.js';
import { answeringQueryErrors, graphError, okReply, QueryError } from './errors.js';
import type { GuardedHandler } from './guard.js';
import { FilterSyntaxError, parseFilter, walk } from './odataFilter.js';
import { BY_ID, isCursor, pageAfter, queryString, sortItems, type Cursor } from './paging.js';
import { hasOption, option } from './queryOptions.js';
import { decodeToken, encodeToken } from './skiptoken.js';
import type { GraphState, RemovedReason } from './state.js';

/** Directory delta pages hold 100 items; not configurable by the client ($top is not supported on delta). */
export const DELTA_PAGE_SIZE = 100;
export const DEFAULT_DELTA_TOKEN_TTL_MS = 7 * 24 * 3600_000;

/**
 * What a delta link carries: the round it continues. `since` is the change sequence the previous round
 * ended at (-1: no previous round, i.e. a full sync); `upTo` is where this round ends; `after` is the page
 * cursor within it. `select` and `ids` are the original query, remembered so the client never repeats it.
 */
interface DeltaPosition {
  epoch: string;
  issuedAt: number;
  since: number;
  upTo: number;
  after?: Cursor;
  select?: string[];
  ids?: string[];
}

function isPosition(value: unknown): value is DeltaPosition {
  const p = value as DeltaPosition | undefined;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.epoch === 'string' &&
    typeof p.issuedAt === 'number' &&
    typeof p.since === 'number' &&
    typeof p.upTo === 'number' &&
    (p.after === undefined || isCursor(p.after)) &&
    (p.select === undefined || (Array.isArray(p.select) && p.select.every((s) => typeof s === 'string'))) &&
    (p.ids === undefined || (Array.isArray(p.ids) && p.ids.every((s) => typeof s === 'string')))
  );
}

type DeltaEntry = { id: string; device: EntraDeviceRecord } | { id: string; removed: RemovedReason };

/** Delta's `$filter` is only `id eq '…'`, optionally or-ed; the ids are returned for the token. */
function filterIds(raw: string): string[] {
  const unsupported = new QueryError('Request_UnsupportedQuery', 'Unsupported Query.');
  let node;
  try {
    node = parseFilter(raw);
  } catch (e) {
    if (e instanceof FilterSyntaxError) throw new QueryError('Request_BadRequest', 'Invalid filter clause');
    throw e;
  }
  const ids: string[] = [];
  for (const n of walk(node)) {
    if (n.kind === 'or') continue;
    if (n.kind !== 'compare' || n.op !== 'eq' || n.property.toLowerCase() !== 'id' || typeof n.value !== 'string') throw unsupported;
    ids.push(n.value);
  }
  return ids;
}

/**
 * `GET /devices/delta`. A round without a token pages the whole directory and ends with a deltaLink; a
 * round from a deltaLink returns what changed since, removed devices as `{"id","@removed":{"reason"}}`.
 *
 * An unknown, tampered, pre-reset or older-than-TTL token answers 410 Gone with a Location header to a
 * fresh delta URL and code `syncStateNotFound`. FACTS §1 allows "a 40x with a code such as
 * syncStateNotFound" or "410 Gone + Location"; we combine both because the Location tells the client
 * exactly how to start over, and a client handling either signal handles this one.
 */
export function createDeltaRoute(state: GraphState, options: { tokenTtlMs?: number } = {}): GuardedHandler {
  const ttl = options.tokenTtlMs ?? DEFAULT_DELTA_TOKEN_TTL_MS;

  function deltaUrl(req: EmulatorRequest, params: Record<string, string>): string {
    return `${req.url.origin}/v1.0/devices/delta${queryString(params)}`;
  }

  function gone(req: EmulatorRequest, select: string[] | undefined): EmulatorReply {
    return graphError(410, 'syncStateNotFound', 'The sync state is not found or has expired. Restart the sync without a delta token.', req, {
      Location: deltaUrl(req, select ? { $select: select.join(',') } : {}),
    });
  }

  /** `id` is always returned by delta, selected or not. */
  function withId(select: string[] | undefined): string[] | undefined {
    return select && !select.includes('id') ? ['id', ...select] : select;
  }

  /** This round's items in id order, the order its page cursors walk. */
  function entries(position: DeltaPosition): DeltaEntry[] {
    const wanted = position.ids ? new Set(position.ids) : undefined;
    const keep = (e: DeltaEntry): boolean => !wanted || wanted.has(e.id);
    const devices = (records: readonly EntraDeviceRecord[]): DeltaEntry[] => records.map((device) => ({ id: device.id, device }));
    // The state keeps devices in id order; only a round's changes need sorting.
    if (position.since < 0) return devices(state.entraDevices()).filter(keep);
    const { changed, removed } = state.changesSince(position.since);
    const removals: DeltaEntry[] = removed.map((r) => ({ id: r.id, removed: r.reason }));
    return sortItems([...devices(changed), ...removals].filter(keep), BY_ID);
  }

  function page(req: EmulatorRequest, position: DeltaPosition): EmulatorReply {
    const { page: items, next } = pageAfter(entries(position), BY_ID, position.after, DELTA_PAGE_SIZE);
    const project = deviceProjector(withId(position.select));
    const value = items.map((e) => ('device' in e ? project(e.device) : { id: e.id, '@removed': { reason: e.removed } }));
    const link = next
      ? { '@odata.nextLink': deltaUrl(req, { $skiptoken: encodeToken('delta', { ...position, after: next }) }) }
      : { '@odata.deltaLink': deltaUrl(req, { $deltatoken: encodeToken('delta', nextRound(position)) }) };
    return okReply({ '@odata.context': devicesContext(req, position.select), ...link, value });
  }

  /** The deltaLink's position: the next round starts where this one ended, with the same query. */
  function nextRound(position: DeltaPosition): DeltaPosition {
    return { epoch: position.epoch, issuedAt: Date.now(), since: position.upTo, upTo: position.upTo, select: position.select, ids: position.ids };
  }

  return answeringQueryErrors((req) => {
    for (const unsupported of ['$top', '$orderby', '$expand', '$search', '$count', '$skip']) {
      if (hasOption(req, unsupported)) return graphError(400, 'Request_UnsupportedQuery', 'Unsupported Query.', req);
    }
    const requestSelect = parseSelectOption(option(req, '$select'));
    const token = option(req, '$skiptoken') ?? option(req, '$deltatoken');

    if (token === undefined) {
      const rawFilter = option(req, '$filter');
      const ids = rawFilter === undefined ? undefined : filterIds(rawFilter);
      return page(req, { epoch: state.epoch, issuedAt: Date.now(), since: -1, upTo: state.sequence, select: requestSelect, ids });
    }
    if (token.toLowerCase() === 'latest' && option(req, '$deltatoken') !== undefined) {
      // "Sync from now": no items, only a deltaLink from the current sequence.
      const position = { epoch: state.epoch, issuedAt: Date.now(), since: state.sequence, upTo: state.sequence, select: requestSelect };
      return okReply({
        '@odata.context': devicesContext(req, requestSelect),
        '@odata.deltaLink': deltaUrl(req, { $deltatoken: encodeToken('delta', position) }),
        value: [],
      });
    }

    const decoded = decodeToken('delta', token);
    if (!isPosition(decoded)) return gone(req, requestSelect);
    if (decoded.epoch !== state.epoch || Date.now() - decoded.issuedAt > ttl) return gone(req, decoded.select);
    // A deltatoken starts a new round, up to now; a skiptoken continues the current one.
    const position = option(req, '$skiptoken') !== undefined ? decoded : { ...decoded, upTo: state.sequence, issuedAt: Date.now() };
    return page(req, position);
  }, 'directory');
}
