/**
 * Scenario 4, dashboard reads: autocannon against POST /graphql with a filtered `devices(first: 50)` page and with
 * `deviceStats`, closed loop (each connection sends its next request when the last one answered). Only the
 * snapshot is read: no live section, so Graph is not involved.
 */
import autocannon from 'autocannon';
import { firstError, graphql } from '../lib/graphql.js';

export const DASHBOARD_QUERIES = {
  page: `query DashboardPage {
  devices(first: 50, filter: { inSources: [INTUNE], notInSources: [IOT] }, orderBy: { field: LAST_SEEN, direction: DESC }) {
    totalCount
    nodes { id name sources lastSeen attributes { serialNumber { value source observedAt } osVersion { value source } } match { status reason explanation } }
    pageInfo { hasNextPage endCursor }
  }
}`,
  stats: `query DashboardStats {
  deviceStats { total bySourceCoverage { key count } byMatchStatus { key count } byOsGroup { key count } byEnrollmentType { key count } byMacClass { key count } }
}`,
  statsFiltered: `query DashboardStatsFiltered {
  deviceStats(filter: { inSources: [INTUNE], notInSources: [IOT] }) { total bySourceCoverage { key count } byMatchStatus { key count } byOsGroup { key count } byEnrollmentType { key count } byMacClass { key count } }
}`,
} as const;

export type DashboardQuery = keyof typeof DASHBOARD_QUERIES;

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
}

export async function runLoad(
  url: string,
  query: DashboardQuery,
  options: { connections: number; durationS: number; warmupS: number; gatewayCpuMs?: () => Promise<number> },
): Promise<LoadResult> {
  const body = JSON.stringify({ query: DASHBOARD_QUERIES[query] });
  const { answer } = await graphql<{ devices?: { totalCount: number }; deviceStats?: { total: number } }>(url, DASHBOARD_QUERIES[query]);
  const check = { error: firstError(answer), totalCount: answer.data?.devices?.totalCount ?? answer.data?.deviceStats?.total ?? null };
  const opts = { url: `${url}/graphql`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: options.connections, timeout: 10 };
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
  };
}
