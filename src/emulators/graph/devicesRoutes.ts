import type { EntraDeviceRecord } from '../fleet/types.js';
import type { EmulatorReply, EmulatorRequest } from '../http/router.js';
import { deviceProjector, userEntity } from './entities.js';
import { answeringQueryErrors, graphError, okReply } from './errors.js';
import { canReadUsers, type Caller, type GuardedHandler } from './guard.js';
import { parseDeviceFilterAndSearch, parseDeviceListQuery, parseExpand, parseSelectOption, type DeviceListQuery } from './devicesQuery.js';
import { linkWith, orderingFor, pageAfter, skipTokenCursor, sortItems } from './paging.js';
import { encodeToken } from './skiptoken.js';
import { eventual, option } from './queryOptions.js';
import type { GraphState } from './state.js';

const PAGE_TOKEN = 'devices';

export function devicesContext(req: EmulatorRequest, select: readonly string[] | undefined, suffix = ''): string {
  return `${req.url.origin}/v1.0/$metadata#devices${select ? `(${select.join(',')})` : ''}${suffix}`;
}

function notFound(req: EmulatorRequest, key: string): EmulatorReply {
  return graphError(404, 'Request_ResourceNotFound', `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`, req);
}

/** `/devices`, `/devices/$count`, `/devices/{id}`, `/devices(deviceId='…')` and the owner/user navigations. */
export function createDeviceRoutes(state: GraphState) {
  /** Registered owners and registered users are the same person for joined and registered devices (one owner at most). */
  function members(record: EntraDeviceRecord, caller: Caller): Record<string, unknown>[] {
    const user = record.ownerUserId ? state.user(record.ownerUserId) : undefined;
    return user ? [userEntity(user, !canReadUsers(caller))] : [];
  }

  /** The wire shape for one request's $select and $expand, built once and applied to each device. */
  function entities(select: string[] | undefined, expand: DeviceListQuery['expand'], caller: Caller): (record: EntraDeviceRecord) => Record<string, unknown> {
    const project = deviceProjector(select);
    return (record) => {
      const e = project(record);
      if (expand) e[expand] = members(record, caller);
      return e;
    };
  }

  function single(req: EmulatorRequest, caller: Caller, record: EntraDeviceRecord | undefined, key: string): EmulatorReply {
    const select = parseSelectOption(option(req, '$select'));
    if (!record) return notFound(req, key);
    const expand = parseExpand(option(req, '$expand'), false);
    return okReply({ '@odata.context': devicesContext(req, select, '/$entity'), ...entities(select, expand, caller)(record) });
  }

  const list: GuardedHandler = (req, caller) => {
    const query = parseDeviceListQuery(req);
    const after = skipTokenCursor(req, PAGE_TOKEN);
    if (after === 'invalid') {
      return graphError(400, 'Directory_ExpiredPageToken', 'The specified page token value has expired and can no longer be included in your request.', req);
    }
    const ordering = orderingFor<EntraDeviceRecord>(query.orderBy);
    const matching = state.entraDevices().filter(query.matches);
    const all = query.orderBy ? sortItems(matching, ordering) : matching;
    const { page, next } = pageAfter(all, ordering, after, query.top);
    return okReply({
      '@odata.context': devicesContext(req, query.select),
      ...(query.count ? { '@odata.count': all.length } : {}),
      ...(next ? { '@odata.nextLink': linkWith(req, { $skiptoken: encodeToken(PAGE_TOKEN, next) }) } : {}),
      value: page.map(entities(query.select, query.expand, caller)),
    });
  };

  /** `/devices/$count` exists only in the advanced engine: without the header Graph says $count is not supported. */
  const count: GuardedHandler = (req) => {
    if (!eventual(req)) return graphError(400, 'Request_BadRequest', '$count is not currently supported.', req);
    const predicate = parseDeviceFilterAndSearch(req, true);
    return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: String(state.entraDevices().filter(predicate).length) };
  };

  return {
    list: answeringQueryErrors(list, 'directory'),
    count: answeringQueryErrors(count, 'directory'),
    byId: answeringQueryErrors((req, caller) => single(req, caller, state.entraDevice(req.params.id ?? ''), req.params.id ?? ''), 'directory'),
    byDeviceId: answeringQueryErrors((req, caller) => {
      const deviceId = req.params.deviceId ?? '';
      return single(req, caller, state.entraDeviceByDeviceId(deviceId), deviceId);
    }, 'directory'),
    members: answeringQueryErrors((req, caller) => {
      const record = state.entraDevice(req.params.id ?? '');
      if (!record) return notFound(req, req.params.id ?? '');
      return okReply({ '@odata.context': `${req.url.origin}/v1.0/$metadata#directoryObjects`, value: members(record, caller) });
    }, 'directory'),
  };
}
