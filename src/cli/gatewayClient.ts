import { fetch } from 'undici';

/**
 * Why a call to the gateway did not give data. `code` is the GraphQL error code (SYNC_IN_PROGRESS, PLAN_OUTDATED…)
 * when the gateway answered one, else UNREACHABLE or BAD_RESPONSE, so the CLI can print it and exit 3.
 */
export class GatewayCallError extends Error {
  override name = 'GatewayCallError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

interface GraphqlBody<T> {
  data?: T | null;
  errors?: Array<{ message?: string; extensions?: { code?: unknown } }>;
}

/** Long enough for a busy gateway, short enough that a hung one does not hang a CI job. */
const REQUEST_TIMEOUT_MS = 30_000;

/** The cause undici hides behind "fetch failed" (ECONNREFUSED, ENOTFOUND…) is the useful part. */
function networkReason(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** A plain GraphQL-over-HTTP client: one POST, the first error turned into a GatewayCallError. */
export function gatewayClient(url: string, options: { apiKey?: string | undefined } = {}) {
  const credential: Record<string, string> = options.apiKey ? { 'x-api-key': options.apiKey } : {};
  return async function request<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    let res;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...credential },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      throw new GatewayCallError(`could not reach the gateway at ${url}: ${networkReason(err)}`, 'UNREACHABLE');
    }
    let body: GraphqlBody<T>;
    try {
      body = (await res.json()) as GraphqlBody<T>;
    } catch {
      // Not GraphQL at all (a wrong path, a proxy page): say what came back, not the page itself.
      throw new GatewayCallError(`${url} did not answer as a GraphQL endpoint (HTTP ${res.status})`, 'BAD_RESPONSE');
    }
    const first = body.errors?.[0];
    if (first) {
      const code = typeof first.extensions?.code === 'string' ? first.extensions.code : 'GRAPHQL_ERROR';
      throw new GatewayCallError(first.message ?? 'the gateway answered an error without a message', code);
    }
    if (!res.ok || body.data == null) throw new GatewayCallError(`${url} answered HTTP ${res.status} without data`, 'BAD_RESPONSE');
    return body.data;
  };
}

export type GatewayRequest = ReturnType<typeof gatewayClient>;
