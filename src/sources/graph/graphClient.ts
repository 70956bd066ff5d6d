import { setTimeout as sleep } from 'node:timers/promises';
import {
  AuthenticationHandler,
  Client,
  HTTPMessageHandler,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import type { Dispatcher } from 'undici';
import { describePath } from '../errors.js';
import { SlidingWindowPacer } from '../slidingWindowPacer.js';
import type { TokenProvider } from './tokenProvider.js';

/** One upstream HTTP exchange, for stats, logs and the sync ledger. */
export interface GraphCallEvent {
  method: string;
  path: string;
  status: number | 'network-error';
  durationMs: number;
  /** Number of requests inside a $batch envelope; 0 for a plain call. */
  batchItems: number;
  /** Whose data the call reads: a $batch envelope counts for the service most of its items go to. */
  source: 'entra' | 'intune';
  /** The request was sent before: graph-client's RetryHandler retrying a 429/503/504, or ours after a network error. */
  retry: boolean;
}

export interface GraphClientOptions {
  /** https origin of Graph, e.g. https://graph.microsoft.com or the emulator's https://127.0.0.1:PORT. */
  baseUrl: string;
  tokenProvider: TokenProvider;
  dispatcher: Dispatcher;
  /** Per attempt. @default 30000 */
  timeoutMs?: number;
  /** Retries of 429/503/504 by graph-client's RetryHandler (it honours Retry-After). @default 6 */
  maxRetries?: number;
  /** Intune's published budget per app and tenant. @default 2000 requests / 20 s */
  intuneBudget?: { limit: number; windowMs: number };
  /** The directory's app+tenant budget, in requests. */
  directoryBudget?: { limit: number; windowMs: number };
  onCall?: (event: GraphCallEvent) => void;
}

export interface Graph {
  client: Client;
  baseUrl: string;
  /**
   * graph-client flattens an error thrown while getting the token into a GraphError with no status, losing its
   * type; callers get the token first (msal answers from its cache) so a refused credential surfaces as AuthError.
   */
  tokenProvider: TokenProvider;
  intuneBudget: SlidingWindowPacer;
  directoryBudget: SlidingWindowPacer;
  /** Items Graph throttled inside 200 $batch envelopes (each one retried in a later envelope). */
  throttledBatchItems: { intune: number; entra: number };
}

const NETWORK_RETRIES = 3;

/** graph-client's RetryHandler numbers its retries in a Retry-Attempt request header. */
function isRetryAttempt(context: Context): boolean {
  const headers: unknown = typeof context.request === 'string' ? context.options?.headers : context.request.headers;
  const value =
    headers instanceof Headers
      ? headers.get('Retry-Attempt')
      : Array.isArray(headers)
        ? (headers as string[][]).find(([k]) => k === 'Retry-Attempt')?.[1]
        : (headers as Record<string, string> | undefined)?.['Retry-Attempt'];
  return Number(value) > 0;
}

function isIntunePath(path: string): boolean {
  return /^\/?(v1\.0\/|beta\/)?deviceManagement\//i.test(path);
}

/** What a request spends from each budget: a $batch envelope spends what its items would. */
function cost(path: string, body: unknown): { intune: number; directory: number; items: number } {
  if (/\/\$batch$/.test(path) && typeof body === 'string') {
    try {
      const urls = (JSON.parse(body) as { requests?: Array<{ url?: string }> }).requests?.map((r) => r.url ?? '') ?? [];
      const intune = urls.filter(isIntunePath).length;
      return { intune, directory: urls.length - intune, items: urls.length };
    } catch {
      return { intune: 0, directory: 0, items: 0 };
    }
  }
  return isIntunePath(path) ? { intune: 1, directory: 0, items: 0 } : { intune: 0, directory: 1, items: 0 };
}

/**
 * Sits after graph-client's RetryHandler, so every attempt is paced, timed out, observed, and
 * retried on connection failures (RetryHandler only retries on statuses). All our Graph calls are reads
 * (a $batch of GETs included), so a retry after a reset cannot write twice.
 */
class PacingHandler implements Middleware {
  #next: Middleware | undefined;

  constructor(
    private readonly options: Required<Pick<GraphClientOptions, 'timeoutMs'>> & Pick<GraphClientOptions, 'onCall'>,
    private readonly budgets: { intune: SlidingWindowPacer; directory: SlidingWindowPacer },
  ) {}

  setNext(next: Middleware): void {
    this.#next = next;
  }

  async execute(context: Context): Promise<void> {
    const url = new URL(typeof context.request === 'string' ? context.request : context.request.url);
    const method = (context.options?.method ?? 'GET').toUpperCase();
    const path = describePath(url);
    const versionless = url.pathname.replace(/^\/(v1\.0|beta)/, '');
    const spend = cost(versionless, context.options?.body);
    const source = spend.intune >= spend.directory && spend.intune > 0 ? 'intune' : 'entra';
    const retried = isRetryAttempt(context);

    for (let attempt = 0; ; attempt++) {
      // A single GET (a list's next page, a detail) goes before queued batches: see SlidingWindowPacer.
      const priority = spend.items > 0 ? 'normal' : 'first';
      const settle = [
        spend.intune > 0 ? await this.budgets.intune.acquire(spend.intune, priority) : null,
        spend.directory > 0 ? await this.budgets.directory.acquire(spend.directory, priority) : null,
      ];
      const started = performance.now();
      context.options = { ...context.options, signal: AbortSignal.timeout(this.options.timeoutMs) };
      try {
        try {
          await this.#next!.execute(context);
        } finally {
          for (const done of settle) done?.();
        }
        this.options.onCall?.({ method, path, status: context.response?.status ?? 0, durationMs: performance.now() - started, batchItems: spend.items, source, retry: retried || attempt > 0 });
        return;
      } catch (err) {
        this.options.onCall?.({ method, path, status: 'network-error', durationMs: performance.now() - started, batchItems: spend.items, source, retry: retried || attempt > 0 });
        if (attempt >= NETWORK_RETRIES) throw err;
        await sleep(250 * 2 ** attempt + Math.random() * 250);
      }
    }
  }
}

export function createGraph(options: GraphClientOptions): Graph {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const host = new URL(baseUrl).hostname;
  const budgets = {
    intune: new SlidingWindowPacer(options.intuneBudget ?? { limit: 2000, windowMs: 20_000 }),
    directory: new SlidingWindowPacer(options.directoryBudget ?? { limit: 7000, windowMs: 10_000 }),
  };

  const auth = new AuthenticationHandler({ getAccessToken: () => options.tokenProvider.getAccessToken() });
  const retry = new RetryHandler(new RetryHandlerOptions(1, options.maxRetries ?? 6));
  const pacing = new PacingHandler({ timeoutMs: options.timeoutMs ?? 30_000, onCall: options.onCall }, budgets);
  const telemetry = new TelemetryHandler();
  const http = new HTTPMessageHandler();
  auth.setNext(retry);
  retry.setNext(pacing);
  pacing.setNext(telemetry);
  telemetry.setNext(http);

  const client = Client.initWithMiddleware({
    middleware: auth,
    baseUrl,
    // graph-client attaches the bearer token only to Graph's own hosts and to these (hostnames, no port).
    customHosts: new Set([host]),
    // The global fetch gets our dispatcher, so the extra CA is trusted and TLS verification stays on.
    fetchOptions: { dispatcher: options.dispatcher } as unknown as RequestInit,
  });
  return { client, baseUrl, tokenProvider: options.tokenProvider, throttledBatchItems: { intune: 0, entra: 0 }, intuneBudget: budgets.intune, directoryBudget: budgets.directory };
}
