import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthError, HttpError } from '../../src/sources/errors.js';
import { createGraph } from '../../src/sources/graph/graphClient.js';
import { graphGet } from '../../src/sources/graph/graphRequests.js';
import { createDispatcher } from '../../src/sources/http/dispatcher.js';
import { createSources, type Sources } from '../../src/sources/index.js';
import { control, count, startTestEmulators, tenantOf } from '../helpers/embedded.js';

type Emulators = Awaited<ReturnType<typeof startTestEmulators>>;
let emulators: Emulators;
let sources: Sources;
let graphControl: ReturnType<typeof control>;

async function all<T>(pages: AsyncGenerator<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}

beforeAll(async () => {
  // The Intune limit is shrunk (40 per 2 s) so throttling shows up in seconds, not minutes.
  emulators = await startTestEmulators({ size: 1500, limits: { intune: { limit: 40, windowMs: 2000 } } });
  sources = createSources(tenantOf(emulators.settings), { extraCaFile: emulators.settings.caFile, graphLimits: { intune: { limit: 36, windowMs: 2000 } } });
  graphControl = control(emulators.graph.origin, emulators.settings.caFile);
});

afterAll(async () => {
  await sources?.close();
  await graphControl?.close();
  await emulators?.close();
});

beforeEach(async () => {
  await graphControl.reset();
});

describe('Graph client: tokens', () => {
  it('refuses a wrong client secret with an AuthError that does not contain the secret', async () => {
    const wrong = createSources(tenantOf(emulators.settings, { clientSecret: 'not-the-secret-42' }), { extraCaFile: emulators.settings.caFile });
    const error = await graphGet(wrong.graph, '/devices?$top=1').catch((e: unknown) => e);
    await wrong.close();
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe('invalid_client');
    expect((error as Error).message).toContain('AADSTS7000215');
    expect(JSON.stringify({ m: (error as Error).message, s: (error as Error).stack })).not.toContain('not-the-secret-42');
  });

  it('gets a token with the certificate credential as well', async () => {
    const cert = createSources(tenantOf(emulators.settings, { clientSecret: undefined, clientCertificatePath: emulators.settings.clientCertificateFile }), {
      extraCaFile: emulators.settings.caFile,
    });
    const page = await graphGet<{ value: unknown[] }>(cert.graph, '/devices?$top=2');
    await cert.close();
    expect(page.value).toHaveLength(2);
  });

  it('reuses a token while plenty of its lifetime remains, and asks again for one close to its end', async () => {
    const provider = () => createSources(tenantOf(emulators.settings), { extraCaFile: emulators.settings.caFile });
    const longLived = provider();
    const first = await longLived.graph.tokenProvider.getAccessToken();
    expect(await longLived.graph.tokenProvider.getAccessToken()).toBe(first);
    await longLived.close();

    // Under msal's five minutes of renewal margin from the start: every call gets a token minted for it.
    emulators.authority.setTokenLifetime(200);
    const shortLived = provider();
    try {
      const tokens = [await shortLived.graph.tokenProvider.getAccessToken(), await shortLived.graph.tokenProvider.getAccessToken()];
      expect(new Set(tokens).size).toBe(2);
    } finally {
      emulators.authority.resetTokenLifetime();
      await shortLived.close();
    }
  });

  it('maps Graph refusing an expired token to an AuthError with InvalidAuthenticationToken', async () => {
    const { token: expired } = await emulators.authority.issue(emulators.settings.AZURE_CLIENT_ID, { lifetimeSeconds: -60 });
    const dispatcher = createDispatcher({ extraCaFile: emulators.settings.caFile });
    const graph = createGraph({ baseUrl: emulators.settings.GRAPH_BASE_URL, dispatcher, tokenProvider: { getAccessToken: async () => expired } });
    const error = await graphGet(graph, '/devices?$top=1').catch((e: unknown) => e);
    await dispatcher.close();
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ status: 401, code: 'InvalidAuthenticationToken', source: 'entra' });
    expect((error as Error).message).not.toContain(expired);
  });
});

describe('Graph client: reading the directory and Intune', () => {
  it('follows @odata.nextLink across pages and returns every device once', async () => {
    const devices = await all(sources.entra.listDevices());
    expect(devices).toHaveLength(emulators.fleet.entraDevices.length);
    expect(new Set(devices.map((d) => d.id)).size).toBe(devices.length);
    const stats = await graphControl.stats();
    expect(count(stats.requests, /^GET \/v1\.0\/devices$/)).toBe(Math.ceil(devices.length / 999));
  });

  it('asks for the next page while the caller still works on the current one, and leaves nothing in flight when it stops', async () => {
    const listRequests = async () => count((await graphControl.stats()).requests, /^GET \/v1\.0\/devices$/);
    const pages = sources.entra.listDevices();
    const first = await pages.next();
    expect(first.value).toHaveLength(999);
    // The caller has not asked for page 2, and Graph already has its request.
    await expect.poll(listRequests).toBe(2);
    await pages.return(undefined);
    expect(await listRequests()).toBe(2);
    const { timing } = await graphControl.stats();
    const route = Object.entries(timing).find(([r]) => /^GET \/v1\.0\/devices$/.test(r))![1];
    expect(route.lastAnswered).toBeGreaterThanOrEqual(route.last);
  });

  it('gets ethernetMacAddress null from LIST, and the real values through batched GETs with $select', async () => {
    const listed = await all(sources.intune.listManagedDevices());
    expect(listed.length).toBe(emulators.fleet.managedDevices.length);
    expect(listed.every((d) => d.ethernetMacAddress === null)).toBe(true);

    const withMac = emulators.fleet.managedDevices.filter((d) => d.ethernetMacAddress).slice(0, 30);
    await graphControl.reset();
    const hydrated = await sources.intune.getNonDefaultFields(withMac.map((d) => d.id));
    for (const d of withMac) expect(hydrated.get(d.id)).toMatchObject({ id: d.id, ethernetMacAddress: d.ethernetMacAddress });

    const stats = await graphControl.stats();
    expect(stats.batches).toMatchObject({ count: 2, items: 30 });
    expect(count(stats.requests, /managedDevices\/\{id\}/)).toBe(0);
  });

  it('maps an unknown id inside a batch to a NotFoundError for that key alone', async () => {
    const known = emulators.fleet.managedDevices[0]!.id;
    const result = await sources.intune.getNonDefaultFields([known, '00000000-0000-0000-0000-00000000dead']);
    expect(result.get(known)).toMatchObject({ id: known });
    expect(result.get('00000000-0000-0000-0000-00000000dead')).toMatchObject({ name: 'NotFoundError', status: 404, source: 'intune' });
  });

  it('reads registered owners and a delta round', async () => {
    const owned = emulators.fleet.entraDevices.find((d) => d.ownerUserId)!;
    const owners = await sources.entra.getRegisteredOwners([owned.id]);
    expect(owners.get(owned.id)).toEqual([expect.objectContaining({ id: owned.ownerUserId })]);

    const first = await sources.entra.delta();
    expect(first.items.length).toBe(emulators.fleet.entraDevices.length);
    await graphControl.fleet({ op: 'update', kind: 'entra', id: owned.id, patch: { displayName: 'RENAMED-1' } });
    const second = await sources.entra.delta(first.deltaLink);
    expect(second.items).toEqual([expect.objectContaining({ id: owned.id, displayName: 'RENAMED-1' })]);
  });
});

describe('Graph client: $batch and throttling', () => {
  it('is refused a batch of 21 by Graph', async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/devices?$top=1' }));
    const error = await sources.graph.client.api('/$batch').post({ requests }).catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 400 });
  });

  it('retries 429s found inside 200 batch envelopes until every item succeeds', async () => {
    await graphControl.faults({ rateBatchItem429: 0.4, retryAfterSeconds: 0.2 });
    const ids = emulators.fleet.managedDevices.slice(0, 30).map((d) => d.id);
    const result = await sources.intune.getNonDefaultFields(ids);
    expect([...result.values()].filter((v) => v instanceof Error)).toEqual([]);
    const stats = await graphControl.stats();
    expect(count(stats.batchItems, /./, /^429$/)).toBeGreaterThan(0);
    expect(stats.batches.count).toBeGreaterThan(2);
  });

  it('paces itself under the Intune budget instead of running into it', async () => {
    const ids = emulators.fleet.managedDevices.slice(0, 60).map((d) => d.id);
    const result = await sources.intune.getNonDefaultFields(ids);
    expect([...result.values()].filter((v) => v instanceof Error)).toEqual([]);
    expect((await graphControl.stats()).throttled).toBe(0);
    expect(sources.graph.intuneBudget.waitedMs).toBeGreaterThan(0);
  });

  it('honours Retry-After through a storm of 429s when it has no budget of its own to keep it under', async () => {
    const eager = createSources(tenantOf(emulators.settings), { extraCaFile: emulators.settings.caFile, graphLimits: { intune: { limit: 10_000, windowMs: 1000 } } });
    const ids = emulators.fleet.managedDevices.slice(0, 100).map((d) => d.id);
    const result = await eager.intune.getNonDefaultFields(ids);
    await eager.close();
    expect([...result.values()].filter((v) => v instanceof Error)).toEqual([]);
    expect((await graphControl.stats()).throttled).toBeGreaterThan(0);
  });

  it('survives 503s and reset connections on plain requests', async () => {
    await graphControl.faults({ rate503: 0.3, rateReset: 0.2, retryAfterSeconds: 0.1 });
    const devices = await all(sources.entra.listDevices());
    expect(devices).toHaveLength(emulators.fleet.entraDevices.length);
  });

  it('throws a typed HttpError for a query Graph rejects', async () => {
    const error = await graphGet(sources.graph, '/devices?$filter=endsWith(displayName,%27x%27)').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 400, code: 'Request_UnsupportedQuery', source: 'entra' });
  });
});
