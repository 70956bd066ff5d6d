import type { EntraDeviceRecord } from '../fleet/types.js';
import type { EmulatorRequest } from '../http/router.js';
import { canonicalProperty, DEVICE_SCHEMA, parseSelect } from './entities.js';
import { QueryError } from './errors.js';
import { FilterSyntaxError, leaves, matches, parseFilter, renameProperties, walk, type FilterLeaf, type FilterNode } from './odataFilter.js';
import { countRequested, eventual, option, parseOrderBy } from './queryOptions.js';

/**
 * The directory's rules for `/devices` query options (FACTS §1): the default `$filter` table, what only the
 * advanced query engine (ConsistencyLevel: eventual + $count=true) accepts, and the errors for the rest.
 */
const EQ = new Set([
  'id', 'accountEnabled', 'approximateLastSignInDateTime', 'deviceId', 'displayName', 'isCompliant', 'isManaged', 'mdmAppId',
  'onPremisesLastSyncDateTime', 'onPremisesSyncEnabled', 'operatingSystem', 'operatingSystemVersion',
]);
const STARTS_WITH = new Set(['displayName', 'operatingSystem', 'operatingSystemVersion']);
const RANGE = new Set(['approximateLastSignInDateTime', 'onPremisesLastSyncDateTime']);
/** `eq null` on these needs the advanced engine; on the other indexed properties it is not supported at all. */
const NULL_ADVANCED = new Set(['approximateLastSignInDateTime', 'displayName', 'onPremisesSyncEnabled', 'operatingSystem', 'operatingSystemVersion']);
const ORDER_BY = new Set(['displayName']);
const ORDER_BY_ADVANCED = new Set(['displayName', 'approximateLastSignInDateTime']);
const SEARCHABLE = new Set(['displayName']);

export const MAX_TOP = 999;
export const DEFAULT_TOP = 100;

const UNSUPPORTED = (): QueryError => new QueryError('Request_UnsupportedQuery', 'Unsupported Query.');
const NOT_INDEXED = (): QueryError => new QueryError('Request_UnsupportedQuery', 'The request uses a filter property that is not indexed');
const INVALID_FILTER = (): QueryError => new QueryError('Request_BadRequest', 'Invalid filter clause');

type Need = 'default' | 'advanced' | 'unsupported' | 'not-indexed';

function need(leaf: FilterLeaf): Need {
  const p = leaf.property;
  if (leaf.kind === 'function') {
    if (leaf.name === 'startswith') return STARTS_WITH.has(p) ? 'default' : EQ.has(p) ? 'unsupported' : 'not-indexed';
    if (leaf.name === 'endswith') return STARTS_WITH.has(p) ? 'advanced' : EQ.has(p) ? 'unsupported' : 'not-indexed';
    return EQ.has(p) ? 'unsupported' : 'not-indexed';
  }
  if (!EQ.has(p)) return 'not-indexed';
  if (leaf.kind === 'in') return 'default';
  if (leaf.value === null) return leaf.op === 'eq' || leaf.op === 'ne' ? (NULL_ADVANCED.has(p) ? 'advanced' : 'unsupported') : 'unsupported';
  switch (leaf.op) {
    case 'eq':
      return 'default';
    case 'ne':
      return 'advanced';
    case 'ge':
    case 'le':
      return RANGE.has(p) ? 'default' : 'unsupported';
    default:
      // gt/lt are not in the directory's operator table for any property.
      return 'unsupported';
  }
}

/** Parses and checks `$filter` against the table; the error is the one Graph gives for the first rule broken. */
export function checkDeviceFilter(raw: string, advanced: boolean): FilterNode {
  let node: FilterNode;
  try {
    node = parseFilter(raw);
  } catch (e) {
    if (e instanceof FilterSyntaxError) throw INVALID_FILTER();
    throw e;
  }
  const renamed = renameProperties(node, (p) => {
    const canonical = canonicalProperty(DEVICE_SCHEMA, p);
    if (!canonical) throw new QueryError('Request_BadRequest', `Invalid filter clause: Could not find a property named '${p}' on type '${DEVICE_SCHEMA.type}'.`);
    return canonical;
  });
  const needs = new Set(leaves(renamed).map(need));
  if ([...walk(renamed)].some((n) => n.kind === 'not')) needs.add('advanced');
  if (needs.has('not-indexed')) throw NOT_INDEXED();
  if (needs.has('unsupported') || (needs.has('advanced') && !advanced)) throw UNSUPPORTED();
  return renamed;
}

export interface SearchClause {
  property: string;
  words: string[];
}

/** Words split on spaces and symbols, lower-cased. */
function words(text: string): string[] {
  return text
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/**
 * The tokens a name is searchable by. Entra's tokenizer is not documented in detail; we index the words and,
 * for camel-case words, their humps too, so "iphone" and "phone" both find "iPhone". Terms match by prefix.
 */
function indexedWords(text: string): string[] {
  return [...words(text), ...words(text.replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2'))];
}

/** `$search="displayName:term"`; the whole value must be one quoted clause. */
function parseSearch(raw: string): SearchClause {
  const m = /^\s*"([^":]+):([^"]*)"\s*$/.exec(raw);
  const property = m ? canonicalProperty(DEVICE_SCHEMA, m[1]!.trim()) : undefined;
  if (!m || !property) throw new QueryError('Request_BadRequest', `Invalid $search clause: ${raw}`);
  if (!SEARCHABLE.has(property)) throw UNSUPPORTED();
  return { property, words: words(m[2]!) };
}

function searchMatches(clause: SearchClause, record: EntraDeviceRecord): boolean {
  const value = (record as unknown as Record<string, unknown>)[clause.property];
  if (typeof value !== 'string') return false;
  const have = indexedWords(value);
  return clause.words.every((w) => have.some((h) => h.startsWith(w)));
}

export interface DeviceListQuery {
  select: string[] | undefined;
  top: number;
  /** `$count=true` honoured: only with ConsistencyLevel: eventual, silently ignored without. */
  count: boolean;
  orderBy: { property: string; descending: boolean } | undefined;
  expand: 'registeredOwners' | 'registeredUsers' | undefined;
  matches(record: EntraDeviceRecord): boolean;
}

function parseTop(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_TOP;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  // Graph's own text for an out-of-range page size, recorded by clients that hit it with $top=1000.
  if (!(n >= 1 && n <= MAX_TOP)) throw new QueryError('Request_UnsupportedQuery', `Invalid page size specified: '${raw}'. Must be between 1 and ${MAX_TOP} inclusive.`);
  return n;
}

export function parseSelectOption(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const parsed = parseSelect(DEVICE_SCHEMA, raw);
  if ('unknown' in parsed) throw new QueryError('Request_BadRequest', `Could not find a property named '${parsed.unknown}' on type '${DEVICE_SCHEMA.type}'.`);
  return parsed.select;
}

/** `$expand` of the owner navigations, which the advanced engine does not support. */
export function parseExpand(raw: string | undefined, advanced: boolean): DeviceListQuery['expand'] {
  if (raw === undefined) return undefined;
  const name = raw.trim().toLowerCase();
  const expand = name === 'registeredowners' ? 'registeredOwners' : name === 'registeredusers' ? 'registeredUsers' : undefined;
  if (!expand) throw new QueryError('Request_BadRequest', `Parsing OData Select and Expand failed: Could not find a property named '${raw}' on type '${DEVICE_SCHEMA.type}'.`);
  if (advanced) throw UNSUPPORTED();
  return expand;
}

/** The filter and search of a `/devices` or `/devices/$count` request, as one predicate. */
export function parseDeviceFilterAndSearch(req: EmulatorRequest, advanced: boolean): (record: EntraDeviceRecord) => boolean {
  const rawFilter = option(req, '$filter');
  const filter = rawFilter === undefined ? undefined : checkDeviceFilter(rawFilter, advanced);
  const rawSearch = option(req, '$search');
  if (rawSearch !== undefined && !eventual(req)) {
    throw new QueryError(
      'Request_UnsupportedQuery',
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    );
  }
  const search = rawSearch === undefined ? undefined : parseSearch(rawSearch);
  return (record) =>
    (!filter || matches(filter, record as unknown as Record<string, unknown>)) && (!search || searchMatches(search, record));
}

export function parseDeviceListQuery(req: EmulatorRequest): DeviceListQuery {
  if (option(req, '$skip') !== undefined) throw new QueryError('Request_BadRequest', "'$skip' is not supported by the service.");
  const count = eventual(req) && countRequested(req);
  const predicate = parseDeviceFilterAndSearch(req, count);

  const order = parseOrderBy(option(req, '$orderby'));
  let orderBy: DeviceListQuery['orderBy'];
  if (order !== undefined) {
    const property = order && canonicalProperty(DEVICE_SCHEMA, order.property);
    if (!order || !property || !(count ? ORDER_BY_ADVANCED : ORDER_BY).has(property)) {
      throw new QueryError('Request_UnsupportedQuery', 'Sorting not supported for current query.');
    }
    if (option(req, '$filter') !== undefined && !count) throw UNSUPPORTED();
    orderBy = { property, descending: order.descending };
  }

  return {
    select: parseSelectOption(option(req, '$select')),
    top: parseTop(option(req, '$top')),
    count,
    orderBy,
    expand: parseExpand(option(req, '$expand'), count),
    matches: predicate,
  };
}
