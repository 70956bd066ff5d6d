import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

/** Example operations for the three kinds of user; they open as tabs. */
export const PLAYGROUND_TABS = [
  {
    query: `# Dashboard: Intune devices IoT Security has not seen, with coverage counts
query Dashboard {
  deviceStats { total bySourceCoverage { key count } byMatchStatus { key count } }
  devices(first: 25, filter: { inSources: [INTUNE], notInSources: [IOT] }, orderBy: { field: LAST_SEEN, direction: DESC }) {
    totalCount
    nodes { id name lastSeen attributes { osGroup { value } userPrincipalName { value } serialNumber { value } } match { reason explanation } }
    pageInfo { hasNextPage endCursor }
  }
}`,
  },
  {
    query: `# Analyst: one device, its attributes with their sources, and why it matched
query Explore($mac: String! = "${'{'}MAC${'}'}") {
  deviceByMac(mac: $mac) {
    id name sources
    attributes {
      deviceName { value source observedAt alternatives { source value } }
      serialNumber { value source }
      userPrincipalName { value source }
    }
    macs { mac raw role class source }
    match { status reason explanation links { rule confidence keys { key value } evidence } }
    entra { trustType isCompliant lastSignInAt }
    intune { complianceState enrollmentType ethernetMacAddress lastSyncAt }
    iot { hostname profile category riskLevel lastActivity integrationAttributes { key value } }
  }
}`,
  },
  {
    query: `# Scripts: refresh the inventory, then read its state
mutation Refresh {
  refreshInventory { id status durationMs deviceCount sources { source records complete upstreamCalls error } }
}

query Status {
  inventoryStatus { ready refreshing lastRefresh { status finishedAt deviceCount } }
  macConflicts { mac devices { name } }
}`,
  },
];

/**
 * GraphiQL with its scripts, styles and workers inlined: no CDN, no telemetry, so it works behind a firewall.
 * `exampleMac` fills the analyst tab with a MAC that exists in the current snapshot.
 *
 * `apiKey` (the embedded mode's demo key) goes with every request the page makes, introspection included, through
 * GraphiQL's `additionalHeaders` rather than its headers editor: the editor's contents persist in the browser, and
 * a key persisted there would be yesterday's after the next start. A credential typed into the editor still wins
 * (the gateway prefers Authorization over x-api-key). Headers typed there are not persisted, so a pasted token does
 * not stay in localStorage.
 */
export function renderPlayground(options: { endpoint: string; exampleMac?: string; apiKey?: string }): string {
  return renderGraphiQL({
    title: 'entra-iot-gateway',
    endpoint: options.endpoint,
    defaultTabs: PLAYGROUND_TABS.map((t) => ({ query: t.query.replace('{MAC}', options.exampleMac ?? 'aa:bb:cc:dd:ee:ff') })),
    // Apollo's CSRF prevention wants a content-type it trusts; GraphiQL posts JSON, which it does.
    method: 'POST',
    shouldPersistHeaders: false,
    ...(options.apiKey ? { additionalHeaders: { 'x-api-key': options.apiKey } } : {}),
  } as Parameters<typeof renderGraphiQL>[0]);
}

/**
 * The page is self-contained, so the policy can forbid every other origin. GraphiQL needs inline scripts and
 * styles, eval for its editor, and blob: workers.
 */
export const PLAYGROUND_CSP = [
  "default-src 'none'",
  "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
