import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/apiKeys.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from '../helpers/gateway.js';

/**
 * API keys and roles, through HTTP against the whole gateway: who gets in, what each role may do, and that a
 * refused credential is never echoed.
 */

let gw: TestGateway;
let readerKey: string;

beforeAll(async () => {
  gw = await startTestGateway({ size: 120 });
  readerKey = createApiKey(gw.store, { name: 'dashboard', role: 'reader' }).key;
});
afterAll(async () => {
  await gw?.close();
});

const asReader = (): Record<string, string> => ({ 'x-api-key': readerKey });

async function post(body: unknown, headers: Record<string, string>): Promise<{ status: number; headers: Headers; text: string; json: GraphqlResponse }> {
  const res = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers as unknown as Headers, text, json: JSON.parse(text) as GraphqlResponse };
}

const syncRunCount = (): number => gw.store.listSyncRuns({ first: 500 }).runs.length;

describe('without a credential', () => {
  it('answers 401 with a GraphQL-shaped UNAUTHENTICATED error and a Bearer challenge', async () => {
    const res = await post({ query: '{ devices(first: 1) { totalCount } }' }, {});
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="entra-iot-gateway"$/);
    expect(res.json.data).toBeUndefined();
    expect(res.json.errors).toEqual([{ message: expect.stringContaining('no credential'), extensions: { code: 'UNAUTHENTICATED', reason: 'missing' } }]);
  });

  it('refuses GET queries and mutations alike, and runs nothing', async () => {
    const get = await fetch(`${gw.url}/graphql?query=${encodeURIComponent('{ devices(first: 1) { totalCount } }')}`);
    expect(get.status).toBe(401);
    const before = syncRunCount();
    const sync = await gw.gql('mutation { syncDevices(input: { dryRun: true }) { id } }', undefined, {});
    expect(sync.status).toBe(401);
    expect(syncRunCount()).toBe(before);
  });

  it('keeps /healthz, /readyz and the playground page open', async () => {
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
    const page = await fetch(`${gw.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    // The embedded playground sends the demo key with each of its requests.
    expect(await page.text()).toContain(gw.demoApiKey!);
  });
});

describe('API keys', () => {
  it('are accepted as x-api-key and as Authorization: ApiKey', async () => {
    const variants: Array<Record<string, string>> = [{ 'x-api-key': readerKey }, { authorization: `ApiKey ${readerKey}` }, { Authorization: `apikey ${readerKey}` }];
    for (const headers of variants) {
      const res = await gw.gql('{ devices(first: 2) { totalCount nodes { id } } }', undefined, headers);
      expect(res.status).toBe(200);
      expect(res.errors).toBeUndefined();
      expect(res.data!.devices.nodes).toHaveLength(2);
    }
  });

  it('refuses an unknown key, a malformed one and another scheme with 401, never echoing what was sent', async () => {
    const forged = `eig_${'A'.repeat(43)}`;
    const sent: Array<Record<string, string>> = [
      { 'x-api-key': forged },
      { 'x-api-key': 'not-a-key-at-all' },
      { authorization: `ApiKey ${forged}` },
      { authorization: 'Basic dXNlcjpodW50ZXIy' },
      // Authorization wins over x-api-key, and a refused Authorization does not fall back to it.
      { authorization: `ApiKey ${forged}`, 'x-api-key': readerKey },
    ];
    for (const headers of sent) {
      const res = await post({ query: '{ inventoryStatus { ready } }' }, headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.json.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      for (const value of Object.values(headers)) expect(res.text).not.toContain(value.split(' ').pop()!);
    }
    const logs = JSON.stringify(gw.logs);
    expect(logs).not.toContain(forged);
    expect(logs).not.toContain('dXNlcjpodW50ZXIy');
    expect(logs).not.toContain(readerKey);
  });

  it('the demo key made at start is an operator key', async () => {
    expect(gw.demoApiKey).toMatch(/^eig_[A-Za-z0-9_-]{43}$/);
    const res = await gw.gql('mutation { syncDevices(input: { dryRun: true }) { status actor } }', undefined, { 'x-api-key': gw.demoApiKey! });
    expect(res.errors).toBeUndefined();
    expect(res.data!.syncDevices).toEqual({ status: 'SUCCEEDED', actor: 'apikey:demo' });
  }, 60_000);
});

describe('roles', () => {
  it('a reader can query devices, stats, the inventory and the ledger', async () => {
    const res = await gw.gql('{ devices(first: 5) { totalCount nodes { id name } } deviceStats { total } inventoryStatus { ready } syncRuns(first: 5) { nodes { id actor } } }', undefined, asReader());
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data!.devices.nodes).toHaveLength(5);
    expect(res.data!.deviceStats.total).toBeGreaterThan(0);
  });

  it('a reader calling syncDevices gets 403 FORBIDDEN and no sync run is created', async () => {
    const before = syncRunCount();
    const res = await post({ query: 'mutation { syncDevices(input: { dryRun: true }) { id status } }' }, asReader());
    expect(res.status).toBe(403);
    expect(res.json.data).toBeUndefined();
    expect(res.json.errors).toHaveLength(1);
    expect(res.json.errors![0]).toMatchObject({ message: 'syncDevices needs the operator role; apikey:dashboard has the reader role', extensions: { code: 'FORBIDDEN', requiredRole: 'OPERATOR' } });
    expect(syncRunCount()).toBe(before);
  });

  it('a reader cannot reach a mutation through an alias, a fragment or next to an allowed field', async () => {
    const before = syncRunCount();
    for (const query of [
      'mutation { harmless: syncDevices(input: { dryRun: true }) { id } }',
      'mutation { ...M } fragment M on Mutation { syncDevices(input: { dryRun: true }) { id } }',
      'mutation { ... on Mutation { refreshInventory { id } } }',
      'mutation { __typename refreshInventory { id } }',
    ]) {
      const res = await post({ query }, asReader());
      expect(res.status, query).toBe(403);
      expect(res.json.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(syncRunCount()).toBe(before);
  });

  it("an operator's sync works and the ledger names the key as its actor", async () => {
    const res = await gw.gql('mutation { syncDevices { id status actor applied } }');
    expect(res.errors).toBeUndefined();
    expect(res.data!.syncDevices).toMatchObject({ status: 'SUCCEEDED', actor: 'apikey:test-operator' });
    expect(gw.store.getSyncRun(res.data!.syncDevices.id)?.actor).toBe('apikey:test-operator');
  }, 60_000);

  it("SyncRun.items is an operator field: a reader's query gets the runs, items null with FORBIDDEN", async () => {
    const query = '{ syncRuns(first: 3) { nodes { id status items(first: 2) { totalCount } } } inventoryStatus { ready } }';
    const asOperator = await gw.gql(query);
    expect(asOperator.errors).toBeUndefined();
    expect(asOperator.data!.syncRuns.nodes[0].items.totalCount).toBeGreaterThan(0);

    const res = await gw.gql(query, undefined, asReader());
    expect(res.status).toBe(200);
    expect(res.data!.inventoryStatus.ready).toBe(true);
    const runs = res.data!.syncRuns.nodes as Array<{ id: string; items: unknown }>;
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((r) => r.items === null && r.id)).toBe(true);
    expect(res.errors).toHaveLength(runs.length);
    expect(res.errors![0]).toMatchObject({ path: ['syncRuns', 'nodes', 0, 'items'], extensions: { code: 'FORBIDDEN' } });
  }, 60_000);

  it('logs who made each request and with which role', async () => {
    await gw.gql('{ inventoryStatus { ready } }', undefined, { ...asReader(), 'x-request-id': 'who-am-i' });
    expect(gw.logs).toContainEqual(expect.objectContaining({ requestId: 'who-am-i', msg: 'request', status: 200, principal: 'apikey:dashboard', role: 'reader' }));
  });
});

describe('AUTH_MODE=off', () => {
  it('serves callers without a credential, as an explicit choice that is logged as a warning', async () => {
    const open = await startTestGateway({ size: 50, env: { AUTH_MODE: 'off' } });
    try {
      const res = await open.gql('mutation { syncDevices(input: { dryRun: true }) { status actor } }', undefined, {});
      expect(res.errors).toBeUndefined();
      // Nobody was identified, so the ledger records nobody.
      expect(res.data!.syncDevices).toEqual({ status: 'SUCCEEDED', actor: null });
      expect(open.demoApiKey).toBeUndefined();
      expect(open.logs).toContainEqual(expect.objectContaining({ level: 40, authMode: 'off' }));
    } finally {
      await open.close();
    }
  }, 60_000);
});
