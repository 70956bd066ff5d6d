import { GraphError } from '@microsoft/microsoft-graph-client';
import { AuthError, HttpError, NetworkError, NotFoundError, SourceError, ThrottledError, UpstreamDataError, type SourceName } from '../errors.js';

export function sourceOf(path: string): SourceName {
  return /deviceManagement\//i.test(path) ? 'intune' : /\/devices|devices\//i.test(path) ? 'entra' : 'graph';
}

/** Graph error bodies put the code at error.code; Intune nests a JSON document in error.message. */
export function graphErrorCode(body: unknown): string | undefined {
  const error = (body as { error?: { code?: unknown } } | undefined)?.error;
  return typeof error?.code === 'string' ? error.code : undefined;
}

export function retryAfterMs(headers: Headers | Record<string, string> | undefined): number | undefined {
  if (!headers) return undefined;
  const raw =
    headers instanceof Headers
      ? headers.get('retry-after')
      : Object.entries(headers).find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
  if (raw === undefined || raw === null || raw === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** Turns whatever graph-client threw into one of our typed errors, keeping the original as `cause`. */
export function toSourceError(err: unknown, method: string, path: string): SourceError {
  if (err instanceof SourceError) return err;
  const source = sourceOf(path);
  // graph-client wraps a body that does not parse into a GraphError named after the SyntaxError.
  if (err instanceof SyntaxError || (err instanceof GraphError && err.code === 'SyntaxError')) return new UpstreamDataError(source, `${source}: ${method} ${path} answered with a body that is not JSON`, { method, path, cause: err });
  if (err instanceof GraphError && err.statusCode > 0) {
    const options = { method, path, code: err.code ?? undefined, cause: err };
    if (err.statusCode === 401 || err.statusCode === 403) return new AuthError(source, err.statusCode, options);
    if (err.statusCode === 404) return new NotFoundError(source, 404, options);
    if (err.statusCode === 429) return new ThrottledError(source, { ...options, retryAfterMs: retryAfterMs(err.headers) });
    return new HttpError(source, err.statusCode, options);
  }
  const reason = (err as Error)?.name === 'TimeoutError' || (err as Error)?.name === 'AbortError' ? 'timed out' : 'failed before an answer arrived';
  return new NetworkError(source, reason, { method, path, cause: err });
}

export function statusError(source: SourceName, status: number, body: unknown, headers: Record<string, string>, method: string, path: string): SourceError {
  const options = { method, path, code: graphErrorCode(body) };
  if (status === 401 || status === 403) return new AuthError(source, status, options);
  if (status === 404) return new NotFoundError(source, 404, options);
  if (status === 429) return new ThrottledError(source, { ...options, retryAfterMs: retryAfterMs(headers) });
  return new HttpError(source, status, options);
}
