import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/apiKeys.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

/**
 * A query that reads only the snapshot is answered from the answer cache when the same text, variables and role
 * were answered since the store was last written; anything live, failed or asked fresh is executed every time.
 */

const MISSING_FROM_IOT = `query Missing($first: Int) {
  devices(first: $first, filter: { inSources: [INTUNE], notInSources: [IOT] }, orderBy: { field: LAST_SEEN, direction: DESC }) {
    totalCount
    nodes { id name }
  }
}`;

let gw: TestGateway;
let readerKey: string;

beforeAll(async () => {
  gw = await startTestGateway({ size: 200 });
  readerKey = createApiKey(gw.store, { name: 'test-reader', role: 'reader' }).key;
});
afterAll(async () => gw?.close());

/** The answer's body and what the cache did with it (its `x-answer-cache` header, null when not cacheable). */
async function ask(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = gw.authHeaders) {
  const res = await fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { cache: res.headers.get('x-answer-cache'), body: (await res.json()) as { data?: any; errors?: Array<{ extensions?: { code?: string } }> } };
}

describe('the answer cache', () => {
  it('answers a repeated snapshot query from the cache, byte for byte, until the store is written', async () => {
    const first = await ask(MISSING_FROM_IOT, { first: 5 });
    expect(first.cache).toBe('miss');
    expect(first.body.data.devices.totalCount).toBeGreaterThan(0);
    const again = await ask(MISSING_FROM_IOT, { first: 5 });
    expect(again).toEqual({ cache: 'hit', body: first.body });
    // Other variables are another answer.
    expect((await ask(MISSING_FROM_IOT, { first: 6 })).cache).toBe('miss');

    // A sync creates the missing assets in IoT Security; the next refresh sees them.
    const synced = await gw.gql(`mutation { syncDevices(input: { createMissing: true }) { status counts { creates } } }`);
    expect(synced.data?.syncDevices).toMatchObject({ status: 'SUCCEEDED' });
    expect(synced.data?.syncDevices.counts.creates).toBeGreaterThan(0);
    expect((await gw.gql(`mutation { refreshInventory { status } }`)).data?.refreshInventory.status).toBe('SUCCEEDED');

    const after = await ask(MISSING_FROM_IOT, { first: 5 });
    expect(after.cache).toBe('miss');
    expect(after.body.data.devices.totalCount).toBeLessThan(first.body.data.devices.totalCount);
    expect((await ask(MISSING_FROM_IOT, { first: 5 })).body).toEqual(after.body);
  });

  it('keeps each role apart', async () => {
    const query = `{ deviceStats { total } }`;
    await ask(query);
    expect((await ask(query)).cache).toBe('hit');
    expect((await ask(query, {}, { 'x-api-key': readerKey })).cache).toBe('miss');
    expect((await ask(query, {}, { 'x-api-key': readerKey })).cache).toBe('hit');
  });

  it('executes every time a query that reads Graph or live IoT Security, or that writes', async () => {
    const withIntune = `{ devices(first: 3, filter: { inSources: [INTUNE] }) { nodes { id intune { id } } } }`;
    const before = (await gw.graph.stats()).total;
    await ask(withIntune);
    const second = await ask(withIntune);
    expect(second.cache).toBeNull();
    expect(second.body.data.devices.nodes[0].intune.id).toBeTruthy();

    const { body } = await ask(`{ devices(first: 1, filter: { inSources: [IOT] }) { nodes { id } } }`);
    const id = body.data.devices.nodes[0].id;
    const live = `query($id: ID!) { device(id: $id) { iot(live: true) { deviceId } } }`;
    await ask(live, { id });
    const liveAgain = await ask(live, { id });
    expect(liveAgain).toMatchObject({ cache: null, body: { data: { device: { iot: { deviceId: expect.any(String) } } } } });
    // Through a fragment, too.
    const viaFragment = `query($id: ID!) { device(id: $id) { ...Live } } fragment Live on Device { entra { id } }`;
    await ask(viaFragment, { id });
    const fragmentAgain = await ask(viaFragment, { id });
    expect(fragmentAgain.cache).toBeNull();
    expect(fragmentAgain.body.errors).toBeUndefined();
    expect((await gw.graph.stats()).total).toBeGreaterThan(before);

    expect(await ask(`{ inventoryStatus { ready } }`)).toMatchObject({ cache: null, body: { data: { inventoryStatus: { ready: true } } } });
    const stored = await ask(`query($id: ID!) { device(id: $id) { iot(live: false) { deviceId } } }`, { id });
    expect(stored).toMatchObject({ cache: 'miss', body: { data: { device: { iot: { deviceId: expect.any(String) } } } } });
  });

  it('never keeps an answer with errors, and executes a request that asks for a fresh answer', async () => {
    const malformed = `{ deviceByMac(mac: "not a mac") { id } }`;
    const first = await ask(malformed);
    expect(first.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await ask(malformed)).cache).toBe('miss');

    const query = `{ macConflicts { mac } }`;
    await ask(query);
    expect((await ask(query)).cache).toBe('hit');
    expect((await ask(query, {}, { ...gw.authHeaders, 'cache-control': 'no-cache' })).cache).toBe('bypass');
  });

  it('still refuses a caller without a credential, even for an answer it holds', async () => {
    const query = `{ deviceStats { total } }`;
    await ask(query);
    expect((await ask(query)).cache).toBe('hit');
    const anonymous = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('x-answer-cache')).toBeNull();
  });

  it('counts what it did in the metrics', async () => {
    const metrics = await (await fetch(`${gw.url}/metrics`, { headers: gw.authHeaders })).text();
    for (const result of ['hit', 'miss', 'bypass', 'uncacheable']) {
      expect(metrics).toMatch(new RegExp(`^gateway_graphql_answer_cache_total\\{result="${result}"\\} [1-9]`, 'm'));
    }
  });
});
