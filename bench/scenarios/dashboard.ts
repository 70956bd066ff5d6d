/**
 * Scenario 4, dashboard reads: autocannon against POST /graphql with a filtered `devices(first: 50)` page and with
 * `deviceStats`, closed loop (each connection sends its next request when the last one answered). Only the
 * snapshot is read: no live section, so Graph is not involved. A dashboard repeats its queries, so after the
 * first request they are answered from the gateway's answer cache; `pageFresh` sends the page with
 * `Cache-Control: no-cache`, so that every request is executed (what a page costs the first time after a write).
 */
import autocannon from 'autocannon';
import { firstError, graphql } from '../lib/graphql.js';

const PAGE = `query DashboardPage {
  devices(first: 50, filter: { inSources: [INTUNE], notInSources: [IOT] }, orderBy: { field: LAST_SEEN, direction: DESC }) {
    totalCount
    nodes { id name sources lastSeen attributes { serialNumber { value source observedAt } osVersion { value source } } match { status reason explanation } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const DASHBOARD_QUERIES = {
  page: PAGE,
  pageFresh: PAGE,
  stats: `query DashboardStats {
  deviceStats { total bySourceCoverage { key count } byMatchStatus { key count } byOsGroup { key count } byEnrollmentType { key count } byMacClass { key count } }
}`,
  statsFiltered: `query DashboardStatsFiltered {
  deviceStats(filter: { inSources: [INTUNE], notInSources: [IOT] }) { total bySourceCoverage { key count } byMatchStatus { key count } byOsGroup { key count } byEnrollmentType { key count } byMacClass { key count } }
}`,
} as const;

export type DashboardQuery = keyof typeof DASHBOARD_QUERIES;

/** Request headers per load, besides content-type. */
const LOAD_HEADERS: Partial<Record<DashboardQuery, Record<string, string>>> = { pageFresh: { 'cache-control': 'no-cache' } };

export interface LoadResult {
  query: DashboardQuery;
  connections: number;
  durationS: number;
  requests: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  non2xx: number;
  /** The gateway's CPU time per answered request during the measured load (user + system, all its threads). */
  gatewayCpuMsPerRequest: number | null;
  /** One answer checked before the load: no GraphQL error, and what it counted. */
  check: { error: string | null; totalCount: number | null };
  /** What the answer cache did with a second request before the load (its x-answer-cache header). */
  cache: string | null;
}

export async function runLoad(
  url: string,
  query: DashboardQuery,
  options: { connections: number; durationS: number; warmupS: number; gatewayCpuMs?: () => Promise<number> },
): Promise<LoadResult> {
  const body = JSON.stringify({ query: DASHBOARD_QUERIES[query] });
  const headers = { 'content-type': 'application/json', ...LOAD_HEADERS[query] };
  const { answer } = await graphql<{ devices?: { totalCount: number }; deviceStats?: { total: number } }>(url, DASHBOARD_QUERIES[query], {}, headers);
  const check = { error: firstError(answer), totalCount: answer.data?.devices?.totalCount ?? answer.data?.deviceStats?.total ?? null };
  const cache = (await fetch(`${url}/graphql`, { method: 'POST', headers, body }).then(async (res) => (await res.arrayBuffer(), res.headers.get('x-answer-cache'))));
  const opts = { url: `${url}/graphql`, method: 'POST', headers, body, connections: options.connections, timeout: 10 };
  if (options.warmupS > 0) await autocannon({ ...opts, duration: options.warmupS });
  const cpuBefore = await options.gatewayCpuMs?.();
  const r = await autocannon({ ...opts, duration: options.durationS });
  const cpuAfter = await options.gatewayCpuMs?.();
  return {
    query,
    connections: options.connections,
    durationS: options.durationS,
    requests: r.requests.total,
    rps: r.requests.average,
    p50Ms: r.latency.p50,
    p90Ms: r.latency.p90,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    gatewayCpuMsPerRequest: cpuBefore !== undefined && cpuAfter !== undefined && r.requests.total > 0 ? (cpuAfter - cpuBefore) / r.requests.total : null,
    check,
    cache,
  };
}
