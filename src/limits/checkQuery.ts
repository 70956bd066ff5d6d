import { getVariableValues, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { QueryLimits } from '../config.js';
import { GatewayErrorCode } from '../errors.js';
import { MAX_LIVE_IOT_READS, type ListSizes } from './costModel.js';
import { estimateCost, type CostEstimate } from './estimateCost.js';
import { measureOperation } from './queryShape.js';

/** Why an operation may not run: the code a client switches on, the setting that decided, and a sentence with the numbers. */
export interface Refusal {
  code: GatewayErrorCode;
  /** The configuration variable (or fixed rule) that refused it. */
  limit: 'QUERY_MAX_FIELDS' | 'QUERY_MAX_DEPTH' | 'QUERY_MAX_ALIASES' | 'QUERY_MAX_PAGE_SIZE' | 'MAX_QUERY_GRAPH_REQUESTS' | 'IOT_LIVE_READS';
  message: string;
  extensions: Record<string, unknown>;
}

export type Verdict = { ok: true; estimate: CostEstimate | undefined } | { ok: false; refusal: Refusal; estimate: CostEstimate | undefined };

const n = (value: number): string => value.toLocaleString('en-US');

function refuse(limit: Refusal['limit'], max: number, actual: number, message: string, extra: Record<string, unknown> = {}, code = GatewayErrorCode.LIMIT_EXCEEDED): Refusal {
  return { code, limit, message, extensions: { limit, max, actual, ...extra } };
}

function costExtensions(e: CostEstimate): Record<string, unknown> {
  return { cost: { devices: e.devices, graphRequests: e.graph.total, entraRequests: e.graph.entra, intuneRequests: e.graph.intune, batches: e.graph.batches, iotLiveReads: e.iotLiveReads } };
}

/**
 * Everything one operation is allowed, decided from the document and its variables before any resolver runs.
 * The size of the document first (linear time, and it bounds the walk the cost estimate makes), then the cost.
 */
export function checkQuery(input: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown> | undefined;
  limits: QueryLimits;
  sizes: ListSizes;
}): Verdict {
  const { limits } = input;
  const shape = measureOperation(input.document, input.operation);
  if (shape.fields > limits.maxFields) {
    const refusal = refuse('QUERY_MAX_FIELDS', limits.maxFields, shape.fields, `this query selects ${n(shape.fields)} fields (each fragment counted where it is spread); the limit is ${n(limits.maxFields)} (QUERY_MAX_FIELDS). Select fewer fields or split the query.`);
    return { ok: false, refusal, estimate: undefined };
  }
  if (shape.depth > limits.maxDepth) {
    const refusal = refuse('QUERY_MAX_DEPTH', limits.maxDepth, shape.depth, `this query nests fields ${n(shape.depth)} levels deep; the limit is ${n(limits.maxDepth)} (QUERY_MAX_DEPTH).`);
    return { ok: false, refusal, estimate: undefined };
  }
  if (shape.aliases > limits.maxAliases) {
    const refusal = refuse('QUERY_MAX_ALIASES', limits.maxAliases, shape.aliases, `this query uses ${n(shape.aliases)} aliases (each fragment counted where it is spread); the limit is ${n(limits.maxAliases)} (QUERY_MAX_ALIASES). Each alias runs its field again: page through a list instead.`);
    return { ok: false, refusal, estimate: undefined };
  }

  // Variables as execution will see them. If they do not coerce, execution stops before any resolver: nothing to cost.
  const coerced = getVariableValues(input.schema, input.operation.variableDefinitions ?? [], input.variables ?? {});
  if (coerced.errors) return { ok: true, estimate: undefined };

  const { estimate, pageSizeViolation } = estimateCost({ ...input, variables: coerced.coerced, maxPageSize: limits.maxPageSize });
  if (pageSizeViolation) {
    const { coordinate, argument, value } = pageSizeViolation;
    // BAD_USER_INPUT, as the resolvers answer the same mistake: the caller fixes an argument, not the query's shape.
    const refusal = refuse('QUERY_MAX_PAGE_SIZE', limits.maxPageSize, value, `${argument} must be between 0 and ${n(limits.maxPageSize)} (got ${n(value)}) on ${coordinate} (QUERY_MAX_PAGE_SIZE).`, { argument, field: coordinate }, GatewayErrorCode.BAD_USER_INPUT);
    return { ok: false, refusal, estimate };
  }
  if (estimate.graph.total > limits.maxGraphRequests) {
    const refusal = refuse(
      'MAX_QUERY_GRAPH_REQUESTS',
      limits.maxGraphRequests,
      estimate.graph.total,
      `this query could cause ${n(estimate.graph.total)} Graph requests (${n(estimate.graph.batches)} $batch calls) for up to ${n(estimate.devices)} devices; the limit is ${n(limits.maxGraphRequests)} (MAX_QUERY_GRAPH_REQUESTS). Ask for fewer devices or drop the entra/intune sections.`,
      costExtensions(estimate),
    );
    return { ok: false, refusal, estimate };
  }
  if (estimate.iotLiveReads > MAX_LIVE_IOT_READS) {
    const refusal = refuse(
      'IOT_LIVE_READS',
      MAX_LIVE_IOT_READS,
      estimate.iotLiveReads,
      `this query could read ${n(estimate.iotLiveReads)} IoT Security assets live (iot(live: true)); the limit is ${MAX_LIVE_IOT_READS} a request, as IoT Security allows 180 single-asset reads a minute for the whole tenant. Read one device live, or drop live: true to use the snapshot.`,
      costExtensions(estimate),
    );
    return { ok: false, refusal, estimate };
  }
  return { ok: true, estimate };
}
