import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorControl } from '../helpers/embedded.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { parsePrometheus, sum, type Sample } from './promText.js';

/**
 * /metrics read the way Prometheus reads it, with the counters checked to move by exactly what a query, a refused
 * query, a sync or throttling caused. `gw` serves /metrics on its main port behind the API's authentication;
 * `separate` serves it on METRICS_PORT without authentication.
 */

let gw: TestGateway;
let separate: TestGateway;
let graph: EmulatorControl;
let iot: EmulatorControl;

beforeAll(async () => {
  [gw, separate] = await Promise.all([
    // IoT paced at 600 a minute instead of 180, so six throttled attempts back off for a third of a second, not ten.
    startTestGateway({ size: 300, start: { sources: { iotLimits: { other: { limit: 600, windowMs: 6_000 } } } } }),
    startTestGateway({ size: 120, env: { METRICS_PORT: '0' } }),
  ]);
  graph = gw.graph;
  iot = gw.iot;
});

afterAll(async () => {
  await Promise.all([gw?.close(), separate?.close()]);
});

async function scrape(target: TestGateway = gw): Promise<Sample[]> {
  const res = await fetch(`${target.url}/metrics`, { headers: target.authHeaders });
  expect(res.status).toBe(200);
  return parsePrometheus(await res.text());
}

/** How much each series moved while `work` ran. */
async function delta(work: () => Promise<unknown>): Promise<(name: string, labels?: Record<string, string>) => number> {
  const before = await scrape();
  await work();
  const after = await scrape();
  return (name, labels) => sum(after, name, labels) - sum(before, name, labels);
}

describe('/metrics on the main port', () => {
  it('asks for the API credentials, then answers in the Prometheus text format', async () => {
    expect((await fetch(`${gw.url}/metrics`)).status).toBe(401);
    const res = await fetch(`${gw.url}/metrics`, { headers: gw.authHeaders });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parsePrometheus(await res.text());
    // Process metrics, and the first refresh with its upstream reads.
    expect(sum(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sum(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(sum(samples, 'gateway_inventory_refreshes_total', { status: 'succeeded' })).toBeGreaterThanOrEqual(1);
    expect(sum(samples, 'gateway_inventory_refresh_duration_seconds_count', { status: 'succeeded' })).toBeGreaterThanOrEqual(1);
    expect(sum(samples, 'gateway_upstream_requests_total', { source: 'intune', method: 'GET', route: '/v1.0/deviceManagement/managedDevices', status: '200' })).toBeGreaterThan(0);
    expect(sum(samples, 'gateway_upstream_requests_total', { source: 'entra', method: 'GET', route: '/v1.0/devices/delta', status: '200' })).toBeGreaterThan(0);
    expect(sum(samples, 'gateway_upstream_requests_total', { source: 'iot', method: 'GET', route: '/pub/v4.0/device/list', status: '200' })).toBeGreaterThan(0);
  });

  it('labels upstream requests by route template, never by a raw URL with ids or a query', async () => {
    const routes = new Set((await scrape()).filter((s) => s.name === 'gateway_upstream_requests_total').map((s) => s.labels.route!));
    expect(routes.size).toBeGreaterThan(2);
    for (const route of routes) {
      expect(route).not.toMatch(/[?=&]|[0-9a-f]{8}-[0-9a-f]{4}|[0-9a-f]{2}:[0-9a-f]{2}/i);
    }
  });
});

describe('what a query moves', () => {
  const DASH = 'query Dash { devices(first: 30, filter: { inSources: [ENTRA, INTUNE] }, orderBy: { field: NAME, direction: DESC }) { nodes { entra { id } intune { id } } } }';

  it('counts the $batch envelopes, their sizes, cache misses then hits, and the operation', async () => {
    const first = await delta(() => gw.gql(DASH));
    expect(first('gateway_upstream_requests_total', { method: 'POST', route: '/v1.0/$batch', status: '200' })).toBe(3);
    expect(first('gateway_graph_batch_size_count')).toBe(3);
    expect(first('gateway_graph_batch_size_sum')).toBe(60);
    expect(first('gateway_graph_cache_lookups_total', { source: 'entra', result: 'miss' })).toBe(30);
    expect(first('gateway_graph_cache_lookups_total', { source: 'intune', result: 'miss' })).toBe(30);
    expect(first('gateway_graphql_operations_total', { type: 'query', name: 'Dash' })).toBe(1);
    expect(first('gateway_graphql_operation_duration_seconds_count', { type: 'query' })).toBe(1);
    expect(first('gateway_graphql_estimated_graph_requests_sum')).toBe(60);
    expect(first('gateway_http_requests_total', { route: '/graphql', status: '200' })).toBe(1);

    // The same page again within the cache's TTL: answered from the cache, no Graph request.
    const again = await delta(() => gw.gql(DASH));
    expect(again('gateway_graph_cache_lookups_total', { result: 'hit' })).toBe(60);
    expect(again('gateway_upstream_requests_total', { route: '/v1.0/$batch' })).toBe(0);
    expect(again('gateway_graphql_operations_total', { type: 'query', name: 'Dash' })).toBe(1);
  });

  it('counts errors by the code clients see, and refusals by the limit that refused', async () => {
    const moved = await delta(async () => {
      await gw.gql('{ syncRuns(first: 20) { nodes { items(first: 500) { nodes { device { entra { id } } } } } } }');
      await gw.gql('{ deviceByMac(mac: "zz") { id } }');
      await gw.gql('{ devices(first: ');
    });
    expect(moved('gateway_graphql_errors_total', { code: 'LIMIT_EXCEEDED' })).toBe(1);
    expect(moved('gateway_graphql_refused_total', { limit: 'MAX_QUERY_GRAPH_REQUESTS' })).toBe(1);
    expect(moved('gateway_graphql_errors_total', { code: 'BAD_USER_INPUT' })).toBe(1);
    expect(moved('gateway_graphql_errors_total', { code: 'GRAPHQL_PARSE_FAILED' })).toBe(1);
    expect(moved('gateway_graphql_operations_total', { type: 'query', name: '__anonymous__' })).toBe(2);
    expect(moved('gateway_graphql_operations_total', { type: 'unresolved', name: '__unresolved__' })).toBe(1);
    expect(moved('gateway_http_requests_total', { route: '/graphql', status: '400' })).toBe(2);
  });

  it('keeps operation names bounded: a flood of new names ends up in __other__', async () => {
    const moved = await delta(async () => {
      for (let i = 0; i < 110; i++) await gw.gql(`query Flood${i} { inventoryStatus { ready } }`);
    });
    expect(moved('gateway_graphql_operations_total', { type: 'query' })).toBe(110);
    expect(moved('gateway_graphql_operations_total', { name: '__other__' })).toBeGreaterThan(0);
    const names = new Set((await scrape()).filter((s) => s.name === 'gateway_graphql_operations_total').map((s) => s.labels.name));
    expect(names.size).toBeLessThanOrEqual(101);
  });
});

describe('what a sync moves', () => {
  it('counts the run by status with its duration, and the refresh it made', async () => {
    const moved = await delta(async () => {
      const res = await gw.gql('mutation { syncDevices(input: { dryRun: true }) { status } }');
      expect(res.data!.syncDevices.status).toBe('SUCCEEDED');
    });
    expect(moved('gateway_sync_runs_total', { status: 'succeeded', dry_run: 'true' })).toBe(1);
    expect(moved('gateway_sync_run_duration_seconds_count', { status: 'succeeded', dry_run: 'true' })).toBe(1);
    expect(moved('gateway_sync_run_duration_seconds_sum')).toBeGreaterThan(0);
    expect(moved('gateway_inventory_refreshes_total', { status: 'succeeded' })).toBe(1);
    expect(moved('gateway_upstream_requests_total', { source: 'iot', route: '/pub/v4.0/device/list' })).toBeGreaterThan(0);
    expect(moved('gateway_graphql_operations_total', { type: 'mutation', name: '__anonymous__' })).toBe(1);
  });
});

describe('throttling', () => {
  it('counts 429 answers and the retries they cause, for Graph and for IoT Security', async () => {
    const page = await gw.gql('{ devices(first: 2, filter: { inSources: [ENTRA, INTUNE, IOT] }) { nodes { id } } }');
    const [device] = page.data!.devices.nodes;
    try {
      await graph.faults({ rate429: 1, retryAfterSeconds: 0.02 });
      await iot.faults({ rate429: 1 });
      const throttledBefore = { ...gw.sources.counters.throttled };
      const moved = await delta(async () => {
        const res = await gw.gql('query($id: ID!) { device(id: $id) { entra { id } iot(live: true) { deviceId } } }', { id: device.id });
        expect(res.errors!.map((e) => e.extensions?.code).sort()).toEqual(['UPSTREAM_THROTTLED', 'UPSTREAM_THROTTLED']);
      });
      // graph-client tries 1 + 6 times, the IoT client 1 + 5 times.
      expect(moved('gateway_upstream_throttled_total', { scope: 'response', source: 'iot' })).toBe(6);
      expect(moved('gateway_upstream_retries_total', { source: 'iot' })).toBe(5);
      expect(moved('gateway_upstream_requests_total', { route: '/v1.0/$batch', status: '429' })).toBe(7);
      expect(moved('gateway_upstream_retries_total', { source: 'entra' }) + moved('gateway_upstream_retries_total', { source: 'intune' })).toBe(6);
      expect(moved('gateway_graphql_errors_total', { code: 'UPSTREAM_THROTTLED' })).toBe(2);
      // The sync ledger's counters saw the same answers (counting them once broke the clients' hooks).
      expect(gw.sources.counters.throttled.iot - throttledBefore.iot).toBe(6);

      // 429s inside 200 envelopes: each item is sent again in a later envelope.
      await graph.faults({ rate429: 0, rateBatchItem429: 0.5, retryAfterSeconds: 0.02 });
      const items = await delta(() => gw.gql('{ devices(first: 20, filter: { inSources: [ENTRA, INTUNE] }, orderBy: { field: LAST_SEEN }) { nodes { entra { id } } } }'));
      expect(items('gateway_upstream_throttled_total', { scope: 'batch_item' })).toBeGreaterThan(0);
      expect(items('gateway_graph_batch_size_count')).toBeGreaterThan(1);
    } finally {
      await graph.faults({ rate429: 0, rateBatchItem429: 0 });
      await iot.faults({ rate429: 0 });
    }
  });
});

describe('METRICS_PORT', () => {
  it('serves /metrics on its own loopback listener without credentials, and not on the main port', async () => {
    expect(separate.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(separate.metricsUrl!);
    expect(res.status).toBe(200);
    const samples = parsePrometheus(await res.text());
    expect(sum(samples, 'gateway_inventory_refreshes_total', { status: 'succeeded' })).toBe(1);
    expect((await fetch(`${separate.url}/metrics`, { headers: separate.authHeaders })).status).toBe(404);
    expect((await fetch(separate.metricsUrl!.replace('/metrics', '/graphql'))).status).toBe(404);
    expect(gw.metricsUrl).toBeUndefined();
  });

  it('keeps one registry per gateway: the two gateways in this process count apart', async () => {
    const before = sum(parsePrometheus(await (await fetch(separate.metricsUrl!)).text()), 'gateway_graphql_operations_total');
    const onGw = await delta(() => gw.gql('query Dash { inventoryStatus { ready } }'));
    const after = parsePrometheus(await (await fetch(separate.metricsUrl!)).text());
    expect(sum(after, 'gateway_graphql_operations_total')).toBe(before);
    expect(onGw('gateway_graphql_operations_total', { name: 'Dash' })).toBe(1);
  });
});
