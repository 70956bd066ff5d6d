import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { COSTLY_TYPE, GRAPH_BATCH_SIZE, LIVE_FIELDS, PAGE_ARGUMENTS, UNPAGED_LIST_SIZES, type ListSizes } from './costModel.js';

export interface CostEstimate {
  /** Device objects the query can return, every list at its full length. */
  devices: number;
  /** Graph requests (items of $batch envelopes), and the envelopes they fill at 20 each. */
  graph: { entra: number; intune: number; total: number; batches: number };
  /** IoT Security single-asset reads (`iot(live: true)`). */
  iotLiveReads: number;
}

export interface PageSizeViolation {
  /** e.g. `Query.devices` */
  coordinate: string;
  argument: string;
  value: number;
}

export interface EstimateInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** Coerced variable values (graphql's getVariableValues), so `first: $n` counts as what $n is. */
  variables: Record<string, unknown>;
  sizes: ListSizes;
  maxPageSize: number;
}

/** Types from which a selection can reach a field in LIVE_FIELDS; lists elsewhere cannot cost anything upstream. */
const reachCache = new WeakMap<GraphQLSchema, Set<string>>();
function typesLeadingToCost(schema: GraphQLSchema): Set<string> {
  const cached = reachCache.get(schema);
  if (cached) return cached;
  const leads = new Set<string>();
  const costly = new Set(Object.keys(LIVE_FIELDS).map((c) => c.split('.')[0]!));
  for (let changed = true; changed; ) {
    changed = false;
    for (const type of Object.values(schema.getTypeMap())) {
      if (leads.has(type.name) || !(isObjectType(type) || isInterfaceType(type))) continue;
      if (costly.has(type.name) || Object.values(type.getFields()).some((f) => leads.has(getNamedType(f.type).name))) {
        leads.add(type.name);
        changed = true;
      }
    }
  }
  reachCache.set(schema, leads);
  return leads;
}

function isSkipped(node: FieldNode | { directives?: FieldNode['directives'] }, variables: Record<string, unknown>): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, node, variables);
  if (skip?.if === true) return true;
  const include = getDirectiveValues(GraphQLIncludeDirective, node, variables);
  return include?.if === false;
}

function argumentsOf(field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Record<string, unknown>): Record<string, unknown> {
  try {
    return getArgumentValues(field, node, variables);
  } catch {
    // A bad argument fails that field at execution, before its resolver runs: it costs nothing.
    return {};
  }
}

/**
 * Walks the operation as it would execute, with fragments expanded where they are spread, aliases as separate
 * fields, @skip/@include evaluated, and every list at its full length: multiplicity is the number of objects a
 * selection runs on, and each field of LIVE_FIELDS adds its unit cost times that. The caller has bounded the
 * expanded size with measureOperation first, so this walk stays small.
 */
export function estimateCost(input: EstimateInput): { estimate: CostEstimate; pageSizeViolation: PageSizeViolation | undefined } {
  const { schema, document, variables, maxPageSize } = input;
  // Read from the snapshot at most once per estimate, however often the query selects the list.
  let conflicts: ReturnType<ListSizes['macConflicts']> | undefined;
  const sizes: ListSizes = { macConflicts: () => (conflicts ??= input.sizes.macConflicts()) };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const leadsToCost = typesLeadingToCost(schema);
  const total = { devices: 0, entra: 0, intune: 0, iotLive: 0 };
  let pageSizeViolation: PageSizeViolation | undefined;

  /** Items of a paged field, checking the limit on the way; `last` decides when given, as in the resolvers. */
  function pageOf(coordinate: string, field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): number | undefined {
    const pageArgs = PAGE_ARGUMENTS.filter((name) => field.args.some((a) => a.name === name));
    if (pageArgs.length === 0) return undefined;
    for (const name of pageArgs) {
      const value = args[name];
      if (typeof value === 'number' && (value < 0 || value > maxPageSize)) pageSizeViolation ??= { coordinate, argument: name, value };
    }
    const given = pageArgs.map((name) => args[name]).find((v): v is number => typeof v === 'number');
    // No value (an explicit null): the resolver's own default applies, at most the limit.
    return given === undefined ? maxPageSize : Math.max(0, Math.min(given, maxPageSize));
  }

  function walk(selectionSet: SelectionSetNode, parent: GraphQLNamedType, multiplicity: number, page: number | undefined): void {
    for (const selection of selectionSet.selections) {
      if (isSkipped(selection, variables)) continue;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type) walk(selection.selectionSet, type, multiplicity, page);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && type) walk(fragment.selectionSet, type, multiplicity, page);
        continue;
      }
      // __typename, __schema, __type: answered by graphql-js itself.
      if (!(isObjectType(parent) || isInterfaceType(parent)) || selection.name.value.startsWith('__')) continue;
      const field = parent.getFields()[selection.name.value];
      if (!field) continue;
      const coordinate = `${parent.name}.${field.name}`;
      const args = argumentsOf(field, selection, variables);
      const type = getNamedType(field.type);
      const isList = isListType(getNullableType(field.type));

      const ownPage = pageOf(coordinate, field, args);
      let items = 1;
      let childPage: number | undefined;
      if (ownPage !== undefined) {
        // A paged list is that long; a paged connection passes the length on to its nodes/edges.
        if (isList) items = ownPage;
        else childPage = ownPage;
      } else if (isList) {
        const size = UNPAGED_LIST_SIZES[coordinate];
        items = page ?? (size ? size(sizes) : leadsToCost.has(type.name) ? maxPageSize : 1);
      }
      const count = multiplicity * items;

      if (type.name === COSTLY_TYPE) total.devices += count;
      const unit = LIVE_FIELDS[coordinate]?.(args);
      if (unit) {
        total.entra += count * (unit.entra ?? 0);
        total.intune += count * (unit.intune ?? 0);
        total.iotLive += count * (unit.iotLive ?? 0);
      }
      // Walked even where no Device lies below: a page argument deeper down is checked all the same.
      if (selection.selectionSet) walk(selection.selectionSet, type, count, childPage);
    }
  }

  const root = schema.getRootType(input.operation.operation);
  if (root) walk(input.operation.selectionSet, root, 1, undefined);

  // Averages make fractions (MacConflict.devices); the epsilon keeps 9.000000001 from becoming 10.
  const ceil = (n: number): number => Math.max(0, Math.ceil(n - 1e-9));
  const entra = ceil(total.entra);
  const intune = ceil(total.intune);
  return {
    estimate: {
      devices: ceil(total.devices),
      graph: { entra, intune, total: entra + intune, batches: Math.ceil((entra + intune) / GRAPH_BATCH_SIZE) },
      iotLiveReads: ceil(total.iotLive),
    },
    pageSizeViolation,
  };
}
