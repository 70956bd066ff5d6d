import type { ManagedDeviceRecord } from '../fleet/types.js';
import type { EmulatorRequest } from '../http/router.js';
import { canonicalProperty, MANAGED_DEVICE_SCHEMA, parseSelect } from './entities.js';
import { QueryError } from './errors.js';
import { FilterSyntaxError, leaves, matches, parseFilter, renameProperties, walk, type FilterLeaf, type FilterNode } from './odataFilter.js';
import { countRequested, option, parseOrderBy } from './queryOptions.js';

/** Intune's page size is undocumented; the community reports pages of up to 1000. */
export const MAX_PAGE_SIZE = 1000;

/**
 * `$filter` on managedDevices (FACTS §2): eq/or on the documented enum-like properties and the community-used
 * identifiers, lt/gt on the two dates, contains() on operatingSystem. A filter that names a MAC property is
 * silently ignored as a whole, so every device comes back: the behaviour reported for both MAC properties.
 */
const MAC_PROPERTIES = new Set(['wiFiMacAddress', 'ethernetMacAddress']);
const EQ = new Set([
  'complianceState', 'managementAgent', 'deviceCategoryDisplayName', 'jailBroken', 'serialNumber', 'operatingSystem', 'azureADDeviceId',
  'userPrincipalName',
]);
const RANGE = new Set(['enrolledDateTime', 'lastSyncDateTime']);
const CONTAINS = new Set(['operatingSystem']);

function supported(leaf: FilterLeaf): boolean {
  if (leaf.kind === 'function') return leaf.name === 'contains' && CONTAINS.has(leaf.property);
  if (leaf.kind === 'in') return false;
  if (leaf.op === 'eq') return EQ.has(leaf.property);
  return (leaf.op === 'lt' || leaf.op === 'gt') && RANGE.has(leaf.property);
}

function unknownProperty(name: string): QueryError {
  return new QueryError('BadRequest', `Could not find a property named '${name}' on type '${MANAGED_DEVICE_SCHEMA.type}'.`);
}

/** The filter to apply, or undefined when there is none or Intune would ignore it. */
function checkFilter(raw: string | undefined): FilterNode | undefined {
  if (raw === undefined) return undefined;
  let node: FilterNode;
  try {
    node = parseFilter(raw);
  } catch (e) {
    if (e instanceof FilterSyntaxError) throw new QueryError('BadRequest', 'Invalid filter clause');
    throw e;
  }
  const renamed = renameProperties(node, (p) => {
    const canonical = canonicalProperty(MANAGED_DEVICE_SCHEMA, p);
    if (!canonical) throw unknownProperty(p);
    return canonical;
  });
  const all = leaves(renamed);
  if (all.some((l) => MAC_PROPERTIES.has(l.property))) return undefined;
  if ([...walk(renamed)].some((n) => n.kind === 'not') || !all.every(supported)) {
    throw new QueryError('BadRequest', `Invalid filter clause: the filter is not supported on ${MANAGED_DEVICE_SCHEMA.type}.`);
  }
  return renamed;
}

export function parseManagedSelect(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const parsed = parseSelect(MANAGED_DEVICE_SCHEMA, raw);
  if ('unknown' in parsed) throw unknownProperty(parsed.unknown);
  return parsed.select;
}

function integerOption(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min)) throw new QueryError('BadRequest', `Invalid value '${raw}' for query option '${name}'.`);
  return n;
}

export interface ManagedDeviceListQuery {
  select: string[] | undefined;
  pageSize: number;
  skip: number;
  /** Intune answers `$count=true` without the directory's ConsistencyLevel header. */
  count: boolean;
  orderBy: { property: string; descending: boolean } | undefined;
  matches(record: ManagedDeviceRecord): boolean;
}

export function parseManagedDeviceListQuery(req: EmulatorRequest): ManagedDeviceListQuery {
  const filter = checkFilter(option(req, '$filter'));
  const order = parseOrderBy(option(req, '$orderby'));
  let orderBy: ManagedDeviceListQuery['orderBy'];
  if (order !== undefined) {
    const property = order && canonicalProperty(MANAGED_DEVICE_SCHEMA, order.property);
    if (!order || !property) throw new QueryError('BadRequest', `Invalid $orderby clause: ${option(req, '$orderby')}`);
    orderBy = { property, descending: order.descending };
  }
  return {
    select: parseManagedSelect(option(req, '$select')),
    pageSize: Math.min(integerOption('$top', option(req, '$top'), 1) ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE),
    skip: integerOption('$skip', option(req, '$skip'), 0) ?? 0,
    count: countRequested(req),
    orderBy,
    matches: (record) => !filter || matches(filter, record as unknown as Record<string, unknown>),
  };
}
