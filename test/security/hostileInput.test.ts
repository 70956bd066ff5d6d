import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, type EmulatorControl } from '../helpers/embedded.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
let iot: EmulatorControl;

beforeAll(async () => {
  gw = await startTestGateway({ size: 100 });
  iot = gw.iot;
});

afterAll(async () => {
  await gw?.close();
});

/** Each hostile request: a clear error with a code, the server still answering, nothing written to IoT Security. */
const CASES: Array<[string, string, Record<string, unknown> | undefined, string]> = [
  ['a huge text filter', 'query($t: String) { devices(filter: { text: $t }) { totalCount } }', { t: 'x'.repeat(100_000) }, 'BAD_USER_INPUT'],
  ['a malformed MAC', '{ deviceByMac(mac: "00:11:22:33:44:GG") { id } }', undefined, 'BAD_USER_INPUT'],
  ['a MAC with mixed separators', '{ deviceByMac(mac: "00:11-22:33:44:55") { id } }', undefined, 'BAD_USER_INPUT'],
  ['a date that is not one, in the query', '{ devices(filter: { lastSeenAfter: "yesterday" }) { totalCount } }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
  ['a date that is not one, in a variable', 'query($d: DateTime) { devices(filter: { lastSeenAfter: $d }) { totalCount } }', { d: '2026-13-45' }, 'BAD_USER_INPUT'],
  ['an enum value that does not exist', '{ devices(filter: { matchStatuses: [PROBABLY] }) { totalCount } }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
  ['a string where an Int goes', 'query($n: Int) { devices(first: $n) { totalCount } }', { n: 'ten' }, 'BAD_USER_INPUT'],
  ['a negative page size', '{ devices(first: -1) { totalCount } }', undefined, 'BAD_USER_INPUT'],
  ['a forged cursor', '{ devices(after: "eyJmaWVsZCI6IklEIn0") { totalCount } }', undefined, 'BAD_USER_INPUT'],
  ['a NUL byte in a filter', 'query($t: String) { devices(filter: { text: $t }) { totalCount } }', { t: 'a\u0000b' }, 'BAD_USER_INPUT'],
  ['an unknown sync run id', '{ syncRun(id: "../../etc/passwd") { id } }', undefined, 'OK'],
  ['an idempotency key with odd characters', 'mutation { syncDevices(input: { dryRun: true, idempotencyKey: "<script>" }) { id } }', undefined, 'BAD_USER_INPUT'],
  ['a plan id combined with a dry run', 'mutation { syncDevices(input: { dryRun: true, planId: "x" }) { id } }', undefined, 'BAD_USER_INPUT'],
  ['a plan id that does not exist', 'mutation { syncDevices(input: { planId: "nope" }) { id } }', undefined, 'NOT_FOUND'],
];

describe('hostile input', () => {
  for (const [what, query, variables, code] of CASES) {
    it(`answers ${what} clearly, stays up, and writes nothing`, async () => {
      const writesBefore = count((await iot.stats()).requests, /bulkUpdate/);
      const res = await gw.gql(query, variables);
      if (code === 'OK') {
        expect(res.errors).toBeUndefined();
      } else {
        expect(res.errors?.[0]?.extensions?.code, JSON.stringify(res.errors)).toBe(code);
        expect(res.errors![0]!.message.length).toBeLessThan(400);
        expect(res.errors![0]!.message).not.toMatch(/\n\s+at |node_modules|127\.0\.0\.1/);
      }
      expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
      expect(count((await iot.stats()).requests, /bulkUpdate/)).toBe(writesBefore);
    });
  }

  it('answers a body that is not JSON, and a JSON body that is not an operation', async () => {
    for (const body of ['{"query": "{ devices { totalCount } ', '[1,2,3]', '"just a string"', '{"query": 42}']) {
      const res = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...gw.authHeaders }, body });
      expect(res.status, body).toBe(400);
      const json = (await res.json()) as { errors?: Array<{ message: string }> };
      expect(json.errors?.[0]?.message, body).toBeTruthy();
    }
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  });
});
