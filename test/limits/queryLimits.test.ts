import { getIntrospectionQuery } from 'graphql';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAYGROUND_CSP } from '../../src/http/playground.js';
import type { EmulatorControl } from '../helpers/embedded.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from '../helpers/gateway.js';

/**
 * Query limits through HTTP, on the whole gateway: every refusal happens before execution, so the emulators must
 * see no request at all; the same query made smaller runs.
 *
 * `gw` has the defaults. `tight` has small limits, so a query can go over them with a small fleet and run fast
 * once under them: MAX_QUERY_GRAPH_REQUESTS=200, QUERY_MAX_DEPTH=6, QUERY_MAX_PAGE_SIZE=150, and CORS for two
 * origins. Its Graph read cache is off, so what Graph sees can be compared with the estimate.
 */

let gw: TestGateway;
let tight: TestGateway;
let graph: EmulatorControl;
let iot: EmulatorControl;

beforeAll(async () => {
  [gw, tight] = await Promise.all([
    startTestGateway({ size: 300 }),
    startTestGateway({
      size: 300,
      env: {
        MAX_QUERY_GRAPH_REQUESTS: '200',
        QUERY_MAX_DEPTH: '6',
        QUERY_MAX_PAGE_SIZE: '150',
        GRAPH_CACHE_TTL: '0',
        CORS_ORIGINS: 'https://a.example, https://b.example:8443',
      },
    }),
  ]);
  graph = tight.graph;
  iot = tight.iot;
});

afterAll(async () => {
  await Promise.all([gw?.close(), tight?.close()]);
});

/** Runs `send` and returns its answer with what each emulator of `tight` was asked meanwhile. */
async function upstreamDuring<T>(send: () => Promise<T>): Promise<{ answer: T; graphRequests: number; batchItems: number; batches: number; iotRequests: number }> {
  await Promise.all([graph.reset(), iot.reset()]);
  const answer = await send();
  const [g, i] = await Promise.all([graph.stats(), iot.stats()]);
  return { answer, graphRequests: g.total, batchItems: g.batches.items, batches: g.batches.count, iotRequests: i.total };
}

function refusal(res: GraphqlResponse): { message: string; code: string | undefined; extensions: Record<string, unknown> } {
  expect(res.status).toBe(400);
  expect(res.data).toBeUndefined();
  expect(res.errors).toHaveLength(1);
  const error = res.errors![0]!;
  return { message: error.message, code: error.extensions?.code, extensions: error.extensions ?? {} };
}

const LIVE_PAGE = 'query($n: Int!) { devices(first: $n, filter: { inSources: [ENTRA, INTUNE] }) { nodes { id entra { id } intune { id } } } }';

describe('the upstream cost of a query', () => {
  it('refuses a query that could cause more Graph requests than allowed before any upstream call, and says so in numbers', async () => {
    const { answer, graphRequests, iotRequests } = await upstreamDuring(() => tight.gql(LIVE_PAGE, { n: 101 }));
    expect(graphRequests).toBe(0);
    expect(iotRequests).toBe(0);
    const { message, code, extensions } = refusal(answer);
    expect(code).toBe('LIMIT_EXCEEDED');
    expect(message).toBe(
      'this query could cause 202 Graph requests (11 $batch calls) for up to 101 devices; the limit is 200 (MAX_QUERY_GRAPH_REQUESTS). Ask for fewer devices or drop the entra/intune sections.',
    );
    expect(extensions).toMatchObject({ limit: 'MAX_QUERY_GRAPH_REQUESTS', max: 200, actual: 202, cost: { graphRequests: 202, batches: 11, entraRequests: 101, intuneRequests: 101 } });
  });

  it('runs the same query for fewer devices, and Graph then sees what was estimated', async () => {
    const { answer, batchItems, batches } = await upstreamDuring(() => tight.gql(LIVE_PAGE, { n: 100 }));
    expect(answer.status).toBe(200);
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.devices.nodes).toHaveLength(100);
    // Every device of this filter is in Entra and Intune, and the cache is off: the estimate was exact.
    expect(batchItems).toBe(200);
    expect(batches).toBe(10);
  });

  it('honours variables (first: $n) and their defaults', async () => {
    const q = 'query($n: Int = 120) { devices(first: $n) { nodes { entra { id } intune { id } } } }';
    expect(refusal(await tight.gql(q)).extensions).toMatchObject({ actual: 240 });
    expect(refusal(await tight.gql(q, { n: 110 })).extensions).toMatchObject({ actual: 220 });
    const small = await tight.gql(q, { n: 5 });
    expect(small.errors).toBeUndefined();
  });

  it('is not fooled by fragment spreads, inline fragments or fragments on the connection', async () => {
    const attempts = [
      'fragment Live on Device { entra { id } intune { id } } { devices(first: 101) { nodes { ...Live } } }',
      '{ devices(first: 101) { nodes { ... on Device { entra { id } } ... { intune { id } } } } }',
      'fragment Page on DeviceConnection { nodes { entra { id } } edges { node { intune { id } } } } { devices(first: 101) { ...Page } }',
      'fragment Inner on Device { intune { id } } fragment Outer on Device { entra { id } ...Inner } query { devices(first: 101) { nodes { ...Outer } } }',
    ];
    for (const query of attempts) {
      const { answer, graphRequests } = await upstreamDuring(() => tight.gql(query));
      expect(refusal(answer).extensions, query).toMatchObject({ limit: 'MAX_QUERY_GRAPH_REQUESTS', actual: 202 });
      expect(graphRequests, query).toBe(0);
    }
  });

  it('counts aliases of the same field separately', async () => {
    const res = await tight.gql('{ devices(first: 60) { nodes { a: entra { id } b: entra { id } c: intune { id } d: intune { id } } } }');
    expect(refusal(res).extensions).toMatchObject({ actual: 240 });
    const pages = await tight.gql('{ a: devices(first: 70) { nodes { entra { id } } } b: devices(first: 70) { nodes { intune { id } } } c: devices(first: 70) { nodes { entra { id } } } }');
    expect(refusal(pages).extensions).toMatchObject({ actual: 210, cost: { entraRequests: 140, intuneRequests: 70 } });
  });

  it('multiplies nested lists, so a ledger walk over devices is refused with the defaults too', async () => {
    const { message } = refusal(await gw.gql('{ syncRuns(first: 20) { nodes { items(first: 500) { nodes { device { entra { id } intune { id } } } } } } }'));
    expect(message).toContain('this query could cause 20,000 Graph requests (1,000 $batch calls) for up to 10,000 devices; the limit is 1,000 (MAX_QUERY_GRAPH_REQUESTS)');
  });

  it('evaluates @include/@skip with their variables', async () => {
    const q = 'query($withEntra: Boolean!) { devices(first: 101) { nodes { entra @include(if: $withEntra) { id } intune { id } } } }';
    expect(refusal(await tight.gql(q, { withEntra: true })).extensions).toMatchObject({ actual: 202 });
    expect((await tight.gql(q, { withEntra: false })).errors).toBeUndefined();
  });

  it('refuses more than one live IoT read up front, with no IoT request made', async () => {
    const { answer, iotRequests } = await upstreamDuring(() => tight.gql('{ devices(first: 2, filter: { inSources: [IOT] }) { nodes { iot(live: true) { deviceId } } } }'));
    expect(iotRequests).toBe(0);
    const { code, message } = refusal(answer);
    expect(code).toBe('LIMIT_EXCEEDED');
    expect(message).toContain('this query could read 2 IoT Security assets live (iot(live: true)); the limit is 1 a request');
  });
});

describe('the shape of a query', () => {
  it('refuses a flood of aliases, counted through fragments', async () => {
    const flood = `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: inventoryStatus { ready }`).join(' ')} }`;
    expect(refusal(await gw.gql(flood))).toMatchObject({ code: 'LIMIT_EXCEEDED', message: expect.stringContaining('this query uses 31 aliases') });
    const spread = `fragment Ten on Device { ${Array.from({ length: 10 }, (_, i) => `n${i}: name`).join(' ')} } { device(id: "x") { ...Ten ...Ten ...Ten ...Ten } }`;
    expect(refusal(await gw.gql(spread)).extensions).toMatchObject({ limit: 'QUERY_MAX_ALIASES', max: 30, actual: 40 });
    const thirty = `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: inventoryStatus { ready }`).join(' ')} }`;
    expect((await gw.gql(thirty)).errors).toBeUndefined();
  });

  it('refuses a query nested deeper than the limit, but not the playground\'s introspection', async () => {
    const deep = '{ syncRuns { nodes { items { nodes { device { attributes { deviceName { alternatives { source } } } } } } } } }';
    expect(refusal(await tight.gql(deep))).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      message: 'this query nests fields 9 levels deep; the limit is 6 (QUERY_MAX_DEPTH).',
    });
    const introspection = await tight.gql(getIntrospectionQuery());
    expect(introspection.errors).toBeUndefined();
    expect(introspection.data!.__schema.types.length).toBeGreaterThan(10);
  });

  it('refuses a fragment bomb by its expanded size, at once', async () => {
    const defs = ['fragment F0 on Device { id name }'];
    for (let i = 1; i <= 30; i++) defs.push(`fragment F${i} on Device { ...F${i - 1} ...F${i - 1} }`);
    const started = performance.now();
    const { answer, graphRequests } = await upstreamDuring(() => tight.gql(`${defs.join('\n')}\n{ devices(first: 100) { nodes { entra { id } ...F30 } } }`));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(graphRequests).toBe(0);
    expect(refusal(answer).extensions).toMatchObject({ limit: 'QUERY_MAX_FIELDS', max: 500, actual: 2 ** 31 + 4 });
  });
});

describe('the document', () => {
  it('stops parsing past the token cap (20 per allowed field), before validation does any work', async () => {
    const res = await gw.gql(`{ inventoryStatus { ${'ready '.repeat(10_000)} } }`);
    expect(res.status).toBe(400);
    expect(res.errors![0]).toMatchObject({ message: expect.stringContaining('10000 tokens. Parsing aborted'), extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
  });
});

describe('page sizes', () => {
  it('refuses first/last over the limit before execution, literal or variable, with BAD_USER_INPUT', async () => {
    const literal = refusal(await gw.gql('{ devices(first: 501) { totalCount } }'));
    expect(literal).toMatchObject({ code: 'BAD_USER_INPUT', message: 'first must be between 0 and 500 (got 501) on Query.devices (QUERY_MAX_PAGE_SIZE).' });
    const variable = refusal(await gw.gql('query($n: Int) { devices(last: $n) { totalCount } }', { n: 9999 }));
    expect(variable.extensions).toMatchObject({ limit: 'QUERY_MAX_PAGE_SIZE', argument: 'last', actual: 9999 });
    const nested = refusal(await gw.gql('{ syncRuns { nodes { items(first: 501) { totalCount } } } }'));
    expect(nested.extensions).toMatchObject({ field: 'SyncRun.items', actual: 501 });
  });

  it('takes its limit from QUERY_MAX_PAGE_SIZE', async () => {
    expect(refusal(await tight.gql('{ devices(first: 151) { totalCount } }')).message).toContain('first must be between 0 and 150 (got 151)');
    expect((await tight.gql('{ devices(first: 150) { totalCount } }')).errors).toBeUndefined();
  });
});

describe('the HTTP request', () => {
  it('answers 413 to a body over MAX_BODY_BYTES, whether it is declared or streamed', async () => {
    const padding = ' '.repeat(1024 * 1024);
    const res = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...gw.authHeaders }, body: JSON.stringify({ query: `{ inventoryStatus { ready } }${padding}` }) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ errors: [{ message: 'the request body is larger than 1,048,576 bytes (MAX_BODY_BYTES)', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });

    const chunks = (async function* () {
      for (let i = 0; i < 12; i++) yield Buffer.alloc(100 * 1024, 0x20);
    })();
    const streamed = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...gw.authHeaders }, body: chunks, duplex: 'half' } as Parameters<typeof fetch>[1]);
    expect(streamed.status).toBe(413);

    const justUnder = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...gw.authHeaders }, body: JSON.stringify({ query: '{ inventoryStatus { ready } }' }).padEnd(1024 * 1024, ' ') });
    expect(justUnder.status).toBe(200);
  });

  it('keeps CSRF prevention on: a GET without a preflight header and a text/plain POST are refused', async () => {
    const query = encodeURIComponent('{ inventoryStatus { ready } }');
    // With a valid credential, so that only CSRF prevention can refuse it.
    const simpleGet = await fetch(`${gw.url}/graphql?query=${query}`, { headers: gw.authHeaders });
    expect(simpleGet.status).toBe(400);
    expect(await simpleGet.text()).toMatch(/Cross-Site Request Forgery/);
    const preflighted = await fetch(`${gw.url}/graphql?query=${query}`, { headers: { 'apollo-require-preflight': 'true', ...gw.authHeaders } });
    expect(preflighted.status).toBe(200);

    const textPlain = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'text/plain', ...gw.authHeaders }, body: JSON.stringify({ query: 'mutation { refreshInventory { id } }' }) });
    expect(textPlain.status).toBe(400);
    expect(await textPlain.text()).toMatch(/Cross-Site Request Forgery/);
  });

  it('sends no CORS header at all when CORS_ORIGINS is unset', async () => {
    const preflight = await fetch(`${gw.url}/graphql`, { method: 'OPTIONS', headers: { origin: 'https://a.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
    const post = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { origin: 'https://a.example', 'content-type': 'application/json', ...gw.authHeaders }, body: JSON.stringify({ query: '{ inventoryStatus { ready } }' }) });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers preflights and allows the origins in CORS_ORIGINS, and only those', async () => {
    const preflight = await fetch(`${tight.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://a.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://a.example');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type, authorization');
    expect(preflight.headers.get('vary')).toContain('Origin');

    const post = await fetch(`${tight.url}/graphql`, { method: 'POST', headers: { origin: 'https://b.example:8443', 'content-type': 'application/json', ...tight.authHeaders }, body: JSON.stringify({ query: '{ inventoryStatus { ready } }' }) });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBe('https://b.example:8443');

    // A refused credential is still readable by the listed origin, so its page can say why.
    const anonymous = await fetch(`${tight.url}/graphql`, { method: 'POST', headers: { origin: 'https://a.example', 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ inventoryStatus { ready } }' }) });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('access-control-allow-origin')).toBe('https://a.example');

    for (const origin of ['https://evil.example', 'https://a.example:444', 'http://a.example']) {
      const other = await fetch(`${tight.url}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
      expect(other.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(other.status, origin).not.toBe(204);
    }
  });

  it('keeps the strict CSP on the playground page', async () => {
    const page = await fetch(`${gw.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(PLAYGROUND_CSP);
  });
});
