import { setTimeout as sleep } from 'node:timers/promises';
import type { Graph } from './graphClient.js';
import { retryAfterMs, sourceOf, statusError, toSourceError } from './graphErrors.js';
import { UpstreamDataError } from '../errors.js';
import { forEachInFlight } from '../../inFlight.js';

export async function graphGet<T>(graph: Graph, path: string, headers: Record<string, string> = {}): Promise<T> {
  try {
    await graph.tokenProvider.getAccessToken();
    return (await graph.client.api(path).headers(headers).get()) as T;
  } catch (err) {
    throw toSourceError(err, 'GET', path);
  }
}

interface Page<T> {
  value?: T[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

/**
 * Every page of a collection, following `@odata.nextLink` as the opaque absolute URL it is. The last page's
 * `@odata.deltaLink`, if any, is handed to `onDeltaLink` so delta callers can persist it.
 *
 * The next page is asked for before this one is handed over, so what the caller does with a page (start its
 * hydration, say: 50 $batch envelopes to prepare) overlaps the next page's round trip instead of delaying it.
 */
export async function* graphPages<T>(
  graph: Graph,
  path: string,
  options: { headers?: Record<string, string>; onDeltaLink?: (link: string) => void } = {},
): AsyncGenerator<T[]> {
  const read = (url: string): Promise<Page<T>> => {
    const page = graphGet<Page<T>>(graph, url, options.headers);
    // Awaited on the next turn of the loop; a caller that stops first must not leave it unhandled.
    page.catch(() => undefined);
    return page;
  };
  let pending: Promise<Page<T>> | null = read(path);
  try {
    while (pending) {
      const page: Page<T> = await pending;
      pending = null;
      if (!Array.isArray(page.value)) {
        throw new UpstreamDataError(sourceOf(path), `${sourceOf(path)}: GET ${path} answered a page without a "value" array`, { method: 'GET', path });
      }
      const next = page['@odata.nextLink'];
      if (next) pending = read(next);
      else if (page['@odata.deltaLink']) options.onDeltaLink?.(page['@odata.deltaLink']);
      yield page.value;
    }
  } finally {
    // Stopped early: the page asked for ahead is still answered before the caller goes on, so no request of a
    // finished read is left in flight.
    await pending?.catch(() => undefined);
  }
}

export interface BatchItemRequest {
  id: string;
  /** Relative to the version, e.g. `/deviceManagement/managedDevices/ID?$select=ethernetMacAddress`. */
  url: string;
  headers?: Record<string, string>;
}

export interface BatchItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export const BATCH_LIMIT = 20;
const RETRYABLE = new Set([429, 503, 504]);

/**
 * Runs GETs through `$batch`, 20 to an envelope. Graph answers 200 with throttled items inside, which no SDK
 * retries; we collect those and send them again in fresh envelopes after the longest Retry-After, as the
 * throttling guidance says. Returns every answer by id, including failures, so callers can fail keys one by one.
 */
export async function graphBatch(
  graph: Graph,
  requests: BatchItemRequest[],
  options: { maxRounds?: number; concurrency?: number } = {},
): Promise<Map<string, BatchItemResponse>> {
  const ids = new Set(requests.map((r) => r.id.toLowerCase()));
  if (ids.size !== requests.length) throw new Error('graphBatch: request ids must be unique (case-insensitive)');
  if (requests.some((r) => /^\/?v1\.0\//i.test(r.url))) throw new Error('graphBatch: urls are relative to the version; drop the /v1.0 prefix');

  const maxRounds = options.maxRounds ?? 8;
  // Fifty envelopes (1,000 GETs, one Intune LIST page) at once: a dashboard page is one round trip, and a page's
  // hydration leaves together when its window opens instead of in rounds, which the next window would repeat
  // (slots free when their answers arrive). The pacer still holds the rate.
  const concurrency = options.concurrency ?? 50;
  const results = new Map<string, BatchItemResponse>();
  let pending = requests;

  for (let round = 1; pending.length > 0; round++) {
    const chunks: BatchItemRequest[][] = [];
    for (let i = 0; i < pending.length; i += BATCH_LIMIT) chunks.push(pending.slice(i, i + BATCH_LIMIT));

    const retry: BatchItemRequest[] = [];
    let waitMs = 0;
    const byId = new Map(pending.map((r) => [r.id, r]));
    await forEachInFlight(chunks, concurrency, async (chunk) => {
      for (const answer of await postBatch(graph, chunk)) {
        const original = byId.get(answer.id);
        if (!original) continue; // an id we did not send: ignore rather than trust it
        if (answer.status === 429) graph.throttledBatchItems[/deviceManagement\//i.test(original.url) ? 'intune' : 'entra']++;
        if (RETRYABLE.has(answer.status) && round < maxRounds) {
          retry.push(original);
          waitMs = Math.max(waitMs, retryAfterMs(answer.headers) ?? 0);
        } else {
          results.set(answer.id, answer);
        }
      }
    });

    if (retry.length > 0) {
      // No Retry-After on an item (a 503 from a backend) still deserves a pause that grows each round.
      await sleep(waitMs > 0 ? waitMs : Math.min(500 * 2 ** (round - 1), 10_000));
    }
    pending = retry;
  }
  return results;
}

async function postBatch(graph: Graph, chunk: BatchItemRequest[]): Promise<BatchItemResponse[]> {
  const body = {
    requests: chunk.map((r) => ({ id: r.id, method: 'GET', url: r.url.startsWith('/') ? r.url : `/${r.url}`, ...(r.headers ? { headers: r.headers } : {}) })),
  };
  let envelope: { responses?: Array<{ id?: unknown; status?: unknown; headers?: Record<string, string>; body?: unknown }> };
  try {
    await graph.tokenProvider.getAccessToken();
    envelope = await graph.client.api('/$batch').post(body);
  } catch (err) {
    throw toSourceError(err, 'POST', '/$batch');
  }
  if (!Array.isArray(envelope?.responses)) {
    throw new UpstreamDataError('graph', 'graph: POST /$batch answered without a "responses" array', { method: 'POST', path: '/$batch' });
  }
  const answers: BatchItemResponse[] = [];
  for (const r of envelope.responses) {
    if (typeof r.id !== 'string' || typeof r.status !== 'number') continue;
    answers.push({ id: r.id, status: r.status, headers: r.headers ?? {}, body: r.body });
  }
  // A request Graph dropped from the envelope is answered as a server error so the caller sees every id.
  const seen = new Set(answers.map((a) => a.id));
  for (const r of chunk) {
    if (!seen.has(r.id)) answers.push({ id: r.id, status: 503, headers: {}, body: { error: { code: 'MissingBatchResponse', message: 'no answer for this id in the $batch envelope' } } });
  }
  return answers;
}

/** For callers: the typed error for a failed batch item. */
export function batchItemError(item: BatchItemResponse, url: string): Error {
  return statusError(sourceOf(url), item.status, item.body, item.headers, 'GET', url);
}

/**
 * The DataLoader-shaped use of $batch: one GET per key, answers mapped back to the keys in order, and a
 * typed Error for each key whose item failed or whose body `read` rejects (returns undefined).
 */
export async function batchGetByKey<T>(
  graph: Graph,
  keys: readonly string[],
  urlOf: (key: string) => string,
  read: (body: unknown) => T | undefined = (body) => body as T,
): Promise<Map<string, T | Error>> {
  const urls = keys.map(urlOf);
  const answers = await graphBatch(graph, urls.map((url, i) => ({ id: String(i), url })));
  const out = new Map<string, T | Error>();
  keys.forEach((key, i) => {
    const url = urls[i]!;
    const answer = answers.get(String(i)) ?? { id: String(i), status: 503, headers: {}, body: undefined };
    const value = answer.status === 200 ? read(answer.body) : undefined;
    out.set(
      key,
      value !== undefined
        ? value
        : answer.status === 200
          ? new UpstreamDataError(sourceOf(url), `${sourceOf(url)}: GET ${url} answered 200 with an unusable body`, { method: 'GET', path: url })
          : batchItemError(answer, url),
    );
  });
  return out;
}
