import type { ManagedDeviceRecord } from '../fleet/types.js';
import type { EmulatorRequest } from '../http/router.js';
import { managedDeviceProjector } from './entities.js';
import { answeringQueryErrors, intuneError, okReply } from './errors.js';
import type { GuardedHandler } from './guard.js';
import { parseManagedDeviceListQuery, parseManagedSelect } from './managedDevicesQuery.js';
import { linkWith, orderingFor, pageAfter, skipTokenCursor, sortItems } from './paging.js';
import { option } from './queryOptions.js';
import { encodeToken } from './skiptoken.js';
import type { GraphState } from './state.js';

const PAGE_TOKEN = 'managedDevices';

function context(req: EmulatorRequest, select: readonly string[] | undefined, suffix = ''): string {
  return `${req.url.origin}/v1.0/$metadata#deviceManagement/managedDevices${select ? `(${select.join(',')})` : ''}${suffix}`;
}

/** `/deviceManagement/managedDevices` and `/deviceManagement/managedDevices/{id}` (also `managedDevices('{id}')`). */
export function createManagedDeviceRoutes(state: GraphState) {
  const list: GuardedHandler = (req) => {
    const query = parseManagedDeviceListQuery(req);
    const after = skipTokenCursor(req, PAGE_TOKEN);
    if (after === 'invalid') return intuneError(400, 'BadRequest', 'Invalid skip token.', req);

    const ordering = orderingFor<ManagedDeviceRecord>(query.orderBy);
    const matching = state.managedDevices().filter(query.matches);
    const all = query.orderBy ? sortItems(matching, ordering) : matching;
    // $skip applies to the first page; later pages continue from their cursor, so the link drops it.
    const { page, next } = after ? pageAfter(all, ordering, after, query.pageSize) : pageAfter(all.slice(query.skip), ordering, undefined, query.pageSize);
    return okReply({
      '@odata.context': context(req, query.select),
      ...(query.count ? { '@odata.count': all.length } : {}),
      ...(next ? { '@odata.nextLink': linkWith(req, { $skiptoken: encodeToken(PAGE_TOKEN, next) }, ['$skip']) } : {}),
      value: page.map(managedDeviceProjector({ select: query.select, revealNonDefault: false })),
    });
  };

  /**
   * A single GET answers the entity at the top level. Non-default properties carry their real values only
   * when $select names them; the projection is exactly the selected properties, so revealing is
   * the same as "has a $select".
   */
  const byId: GuardedHandler = (req) => {
    const select = parseManagedSelect(option(req, '$select'));
    const id = req.params.id ?? '';
    const record = state.managedDevice(id);
    // Intune's 404 body is not documented (FACTS §5); we give its error style with code ResourceNotFound.
    if (!record) return intuneError(404, 'ResourceNotFound', `Resource not found: managedDevice '${id}'`, req);
    return okReply({ '@odata.context': context(req, select, '/$entity'), ...managedDeviceProjector({ select, revealNonDefault: select !== undefined })(record) });
  };

  return { list: answeringQueryErrors(list, 'intune'), byId: answeringQueryErrors(byId, 'intune') };
}
