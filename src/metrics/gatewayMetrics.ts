import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { CostEstimate } from '../limits/estimateCost.js';
import type { GraphReadCache } from '../loaders/graphReadCache.js';
import type { Graph, GraphCallEvent } from '../sources/graph/graphClient.js';
import type { SourceOptions } from '../sources/index.js';
import type { IotRequestEvent } from '../sources/iot/iotClient.js';
import type { RefreshRecord, SyncRunRecord } from '../store/types.js';
import { boundedLabel } from './boundedLabel.js';
import { routeTemplate } from './routeTemplate.js';

/** What the gateway records; read in Prometheus text format from `registry`. */
export interface GatewayMetrics {
  registry: Registry;
  /** The same source options with the metrics recorders chained before the hooks already there. */
  observeSources(options: SourceOptions): SourceOptions;
  /** Counters kept by other objects, read when /metrics is scraped. */
  attach(parts: { graph: Graph; graphCache: GraphReadCache }): void;
  refreshFinished(record: RefreshRecord): void;
  syncRunFinished(run: SyncRunRecord): void;
  httpRequest(path: string, status: number): void;
  graphqlOperation(type: string, name: string, seconds: number): void;
  graphqlError(code: unknown): void;
  queryEstimated(estimate: CostEstimate): void;
  queryRefused(limit: string): void;
  answerCache(result: string): void;
}

const SECONDS_FOR_CALLS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const SECONDS_FOR_RUNS = [0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];
/** Where the gateway's own paths go; anything else (scanners probing) is `other`. */
const HTTP_ROUTES = new Set(['/graphql', '/metrics', '/healthz', '/readyz', '/']);

/** A Counter fed from a number another object keeps: at each scrape, what it grew by since the last one. */
function deltaCounter(last: Map<string, number>, counter: Counter<string>, labels: Record<string, string>, now: number): void {
  const key = JSON.stringify(labels);
  const grown = now - (last.get(key) ?? 0);
  if (grown > 0) counter.inc(labels, grown);
  last.set(key, now);
}

/**
 * One registry per gateway (tests run several gateways in one process; the global default registry would mix
 * them and refuse the second registration), with process metrics and the gateway's own.
 */
export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  let attached: { graph: Graph; graphCache: GraphReadCache } | undefined;
  const seen = new Map<string, number>();

  const upstreamRequests = new Counter({
    name: 'gateway_upstream_requests_total',
    help: 'HTTP requests sent to Graph and IoT Security, every attempt counted; a $batch envelope is one request (route /v1.0/$batch).',
    labelNames: ['source', 'method', 'route', 'status'],
    registers,
  });
  const upstreamSeconds = new Histogram({
    name: 'gateway_upstream_request_duration_seconds',
    help: 'Time of one upstream HTTP attempt, answer body included.',
    labelNames: ['source', 'route'],
    buckets: SECONDS_FOR_CALLS,
    registers,
  });
  const upstreamRetries = new Counter({
    name: 'gateway_upstream_retries_total',
    help: 'Upstream requests sent again after a 429, a 5xx or a connection failure.',
    labelNames: ['source'],
    registers,
  });
  const upstreamThrottled = new Counter({
    name: 'gateway_upstream_throttled_total',
    help: '429s met: whole answers (scope="response") and items inside $batch envelopes (scope="batch_item", sent again later).',
    labelNames: ['source', 'scope'],
    registers,
    collect() {
      if (!attached) return;
      for (const source of ['entra', 'intune'] as const) deltaCounter(seen, this, { source, scope: 'batch_item' }, attached.graph.throttledBatchItems[source]);
    },
  });
  const batchSize = new Histogram({
    name: 'gateway_graph_batch_size',
    help: 'Requests inside each Graph $batch envelope sent (at most 20).',
    buckets: [1, 2, 5, 10, 15, 19, 20],
    registers,
  });
  new Counter({
    name: 'gateway_graph_cache_lookups_total',
    help: "Lookups in the shared cache of live Graph reads behind Device.entra and Device.intune; a miss goes to Graph.",
    labelNames: ['source', 'result'],
    registers,
    collect() {
      if (!attached) return;
      for (const source of ['entra', 'intune'] as const) {
        deltaCounter(seen, this, { source, result: 'hit' }, attached.graphCache.lookups[source].hits);
        deltaCounter(seen, this, { source, result: 'miss' }, attached.graphCache.lookups[source].misses);
      }
    },
  });
  const refreshes = new Counter({ name: 'gateway_inventory_refreshes_total', help: 'Inventory refreshes finished, by status.', labelNames: ['status'], registers });
  const refreshSeconds = new Histogram({
    name: 'gateway_inventory_refresh_duration_seconds',
    help: 'Time of one inventory refresh (every source read, correlated, snapshot saved).',
    labelNames: ['status'],
    buckets: SECONDS_FOR_RUNS,
    registers,
  });
  const syncRuns = new Counter({ name: 'gateway_sync_runs_total', help: 'syncDevices runs finished, by status.', labelNames: ['status', 'dry_run'], registers });
  const syncSeconds = new Histogram({
    name: 'gateway_sync_run_duration_seconds',
    help: 'Time of one syncDevices run, from start to its last write.',
    labelNames: ['status', 'dry_run'],
    buckets: SECONDS_FOR_RUNS,
    registers,
  });
  const httpRequests = new Counter({ name: 'gateway_http_requests_total', help: 'HTTP requests the gateway answered, by path and status.', labelNames: ['route', 'status'], registers });
  const operations = new Counter({
    name: 'gateway_graphql_operations_total',
    help: 'GraphQL operations answered, by type and name (the first 100 names; then "__other__").',
    labelNames: ['type', 'name'],
    registers,
  });
  const operationSeconds = new Histogram({
    name: 'gateway_graphql_operation_duration_seconds',
    help: 'Time from receiving a GraphQL operation to its answer.',
    labelNames: ['type'],
    buckets: SECONDS_FOR_CALLS,
    registers,
  });
  const errors = new Counter({ name: 'gateway_graphql_errors_total', help: 'Errors in GraphQL answers, by the code clients see.', labelNames: ['code'], registers });
  const estimatedGraph = new Histogram({
    name: 'gateway_graphql_estimated_graph_requests',
    help: 'Graph requests each operation could cause, as estimated before it ran (compare with MAX_QUERY_GRAPH_REQUESTS).',
    buckets: [0, 20, 100, 250, 500, 1000, 2000, 5000],
    registers,
  });
  const refused = new Counter({ name: 'gateway_graphql_refused_total', help: 'Operations refused before execution, by the limit that refused them.', labelNames: ['limit'], registers });
  const answerCache = new Counter({
    name: 'gateway_graphql_answer_cache_total',
    help: 'Queries by what the answer cache did: hit, miss, bypass (Cache-Control: no-cache), uncacheable (reads live data or writes).',
    labelNames: ['result'],
    registers,
  });

  const upstreamRoute = boundedLabel(100, /^[\w./{}()$-]{1,120}$/, 'other');
  const operationName = boundedLabel(100, /^[A-Za-z_][A-Za-z0-9_]{0,63}$/, '__other__');
  const errorCode = boundedLabel(50, /^[A-Z][A-Z0-9_]{0,63}$/, 'OTHER');

  function upstream(source: string, event: { method: string; path: string; status: number | 'network-error'; durationMs: number }): void {
    const route = upstreamRoute(routeTemplate(event.path));
    upstreamRequests.inc({ source, method: event.method, route, status: String(event.status) });
    upstreamSeconds.observe({ source, route }, event.durationMs / 1000);
    if (event.status === 429) upstreamThrottled.inc({ source, scope: 'response' });
  }

  return {
    registry,
    observeSources(options) {
      return {
        ...options,
        onGraphCall: (event: GraphCallEvent) => {
          upstream(event.source, event);
          if (event.retry) upstreamRetries.inc({ source: event.source });
          if (event.batchItems > 0) batchSize.observe(event.batchItems);
          options.onGraphCall?.(event);
        },
        onIotRequest: (event: IotRequestEvent) => {
          upstream('iot', event);
          if (event.attempt > 1) upstreamRetries.inc({ source: 'iot' });
          options.onIotRequest?.(event);
        },
      };
    },
    attach(parts) {
      attached = parts;
    },
    refreshFinished(record) {
      refreshes.inc({ status: record.status });
      if (record.durationMs !== null) refreshSeconds.observe({ status: record.status }, record.durationMs / 1000);
    },
    syncRunFinished(run) {
      const labels = { status: run.status, dry_run: String(run.dryRun) };
      syncRuns.inc(labels);
      const ms = run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : Number.NaN;
      if (ms >= 0) syncSeconds.observe(labels, ms / 1000);
    },
    httpRequest(path, status) {
      httpRequests.inc({ route: HTTP_ROUTES.has(path) ? path : 'other', status: String(status) });
    },
    graphqlOperation(type, name, seconds) {
      operations.inc({ type, name: operationName(name) });
      operationSeconds.observe({ type }, seconds);
    },
    graphqlError(code) {
      errors.inc({ code: errorCode(typeof code === 'string' ? code : 'NONE') });
    },
    queryEstimated(estimate) {
      estimatedGraph.observe(estimate.graph.total);
    },
    queryRefused(limit) {
      refused.inc({ limit });
    },
    answerCache(result) {
      answerCache.inc({ result });
    },
  };
}
