import type { FaultInjector } from '../http/faults.js';
import { makeRequest, readJson, type EmulatorReply, type EmulatorRequest, type Handler, type Router } from '../http/router.js';
import type { EmulatorService } from '../http/server.js';
import type { EmulatorStats } from '../http/stats.js';
import { graphError, okReply, throttledReply } from './errors.js';
import type { GuardedHandler } from './guard.js';

export const MAX_BATCH_REQUESTS = 20;

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

interface BatchAnswer {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface BatchOptions {
  /** The service's router: items are dispatched exactly as top-level requests are, guard included. */
  router: Router;
  errorReply: EmulatorService['errorReply'];
  injector: FaultInjector;
  stats: EmulatorStats;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}

function isItem(value: unknown): value is BatchItem {
  const r = value as Partial<BatchItem> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.id === 'string' &&
    r.id !== '' &&
    typeof r.method === 'string' &&
    typeof r.url === 'string' &&
    (r.headers === undefined || isStringRecord(r.headers)) &&
    (r.dependsOn === undefined || (Array.isArray(r.dependsOn) && r.dependsOn.every((d) => typeof d === 'string')))
  );
}

/** The whole batch is refused (400) for these; otherwise the envelope is 200 whatever its items answer. */
function checkEnvelope(payload: unknown): { items: BatchItem[] } | { error: string } {
  const requests = (payload as { requests?: unknown } | undefined)?.requests;
  if (!Array.isArray(requests) || requests.length === 0) return { error: 'Invalid batch payload format.' };
  if (requests.length > MAX_BATCH_REQUESTS) return { error: `Maximum number of requests in a batch is ${MAX_BATCH_REQUESTS}.` };
  if (!requests.every(isItem)) return { error: 'Invalid batch payload format: every request needs an id, a method and a url.' };
  const ids = new Map(requests.map((r) => [r.id.toLowerCase(), r]));
  if (ids.size !== requests.length) return { error: 'Batch request contains duplicate request ids. Request ids must be unique (case-insensitive).' };
  for (const r of requests) {
    for (const d of r.dependsOn ?? []) {
      if (!ids.has(d.toLowerCase())) return { error: `Request '${r.id}' depends on '${d}', which is not in the batch.` };
    }
  }
  // A dependency cycle could never run; Graph refuses such a batch up front.
  const state = new Map<string, 'visiting' | 'done'>();
  const cyclic = (id: string): boolean => {
    const s = state.get(id);
    if (s) return s === 'visiting';
    state.set(id, 'visiting');
    const found = (ids.get(id)!.dependsOn ?? []).some((d) => cyclic(d.toLowerCase()));
    state.set(id, 'done');
    return found;
  };
  if ([...ids.keys()].some(cyclic)) return { error: 'Invalid batch payload format: dependsOn forms a cycle.' };
  return { items: requests };
}

/** Fisher–Yates. Graph may answer in any order; shuffling keeps clients from relying on the request order. */
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * `POST /v1.0/$batch`: up to 20 requests in one envelope, each dispatched through the same router and guard
 * as a top-level request (so each is authenticated with the envelope's token, authorised and counted against
 * throttling on its own), answered inside a 200 envelope in shuffled order.
 */
export function createBatchHandler(options: BatchOptions): GuardedHandler {
  const { router, errorReply, injector, stats } = options;

  function toAnswer(id: string, reply: EmulatorReply): BatchAnswer {
    // graph-client's BatchResponseContent reads the body as JSON only when the exact-case "Content-Type" says so.
    return { id, status: reply.status, headers: { 'OData-Version': '4.0', ...reply.headers }, body: reply.body ?? null };
  }

  function innerRequest(outer: EmulatorRequest, item: BatchItem): EmulatorRequest {
    return makeRequest({
      method: item.method,
      // Relative to the version: `/devices/x` and `devices/x` alike. A `/v1.0/…` url becomes `/v1.0/v1.0/…`,
      // which, as in Graph, fails on the segment 'v1.0'.
      rawUrl: `/v1.0/${item.url.replace(/^\//, '')}`,
      origin: outer.url.origin,
      headers: { ...item.headers, authorization: outer.headers.authorization },
      body: item.body === undefined ? undefined : Buffer.from(typeof item.body === 'string' ? item.body : JSON.stringify(item.body)),
    });
  }

  async function dispatch(inner: EmulatorRequest, handler: Handler | null): Promise<EmulatorReply> {
    if (/^\/v1\.0\/\$batch$/i.test(inner.url.pathname)) return graphError(400, 'BadRequest', 'Nested batch requests are not supported.', inner);
    if (injector.chance(injector.config.rateBatchItem429)) return throttledReply(inner, injector.config.retryAfterSeconds);
    if (handler) return handler(inner);
    return errorReply(inner.route.includes('method not allowed') ? 405 : 404, 'NotFound', `No route for ${inner.method} ${inner.url.pathname}`, inner);
  }

  return async (req) => {
    const envelope = checkEnvelope(readJson(req));
    if ('error' in envelope) return graphError(400, 'BadRequest', envelope.error, req);
    stats.batch(envelope.items.length);

    const byId = new Map(envelope.items.map((item) => [item.id.toLowerCase(), item]));
    const answers = new Map<string, Promise<BatchAnswer>>();
    const run = (item: BatchItem): Promise<BatchAnswer> => {
      const key = item.id.toLowerCase();
      let answer = answers.get(key);
      if (!answer) {
        answer = (async () => {
          const deps = await Promise.all((item.dependsOn ?? []).map((d) => run(byId.get(d.toLowerCase())!)));
          const inner = innerRequest(req, item);
          const handler = router.resolve(inner); // also names the route, for stats
          const reply = deps.some((d) => d.status < 200 || d.status > 299)
            ? graphError(424, 'FailedDependency', 'The request failed because one of the requests it depends on failed.', inner)
            : await dispatch(inner, handler);
          stats.batchItem(inner.route, reply.status);
          return toAnswer(item.id, reply);
        })();
        answers.set(key, answer);
      }
      return answer;
    };
    const responses = await Promise.all(envelope.items.map(run));
    return okReply({ responses: shuffle(responses) });
  };
}
