/**
 * Errors the source clients throw. Each names the source and the request (method and path), keeps the
 * underlying failure in `cause`, and never carries a credential: messages are built from parts we choose,
 * not from upstream bodies that might echo a header back.
 */
export type SourceName = 'login' | 'graph' | 'entra' | 'intune' | 'iot';

export class SourceError extends Error {
  override name = 'SourceError';
  readonly source: SourceName;
  readonly method: string | undefined;
  readonly path: string | undefined;

  constructor(source: SourceName, message: string, options: { method?: string; path?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.source = source;
    this.method = options.method;
    this.path = options.path;
  }
}

/** The upstream answered with a non-success status. `code` is the service's own error code when it sent one. */
export class HttpError extends SourceError {
  override name = 'HttpError';
  readonly status: number;
  readonly code: string | undefined;

  constructor(source: SourceName, status: number, options: { method: string; path: string; code?: string; detail?: string; cause?: unknown }) {
    const what = options.code ? `${status} ${options.code}` : String(status);
    super(source, `${source}: ${options.method} ${options.path} failed with ${what}${options.detail ? `: ${options.detail}` : ''}`, options);
    this.status = status;
    this.code = options.code;
  }
}

export class NotFoundError extends HttpError {
  override name = 'NotFoundError';
}

/** 401/403 from a service, or a refused credential at the token endpoint. */
export class AuthError extends HttpError {
  override name = 'AuthError';
}

/** Still throttled after the retries we allow ourselves. */
export class ThrottledError extends HttpError {
  override name = 'ThrottledError';
  readonly retryAfterMs: number | undefined;

  constructor(source: SourceName, options: { method: string; path: string; code?: string; retryAfterMs?: number; cause?: unknown }) {
    super(source, 429, { ...options, detail: 'still throttled after retries' });
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** No usable answer: connection refused or reset, TLS failure, timeout, unreadable body. */
export class NetworkError extends SourceError {
  override name = 'NetworkError';

  constructor(source: SourceName, reason: string, options: { method?: string; path?: string; cause?: unknown } = {}) {
    super(source, `${source}: ${options.method ?? ''} ${options.path ?? ''} ${reason}`.replace(/\s+/g, ' ').trim(), options);
  }
}

/** The upstream answered 2xx with a body we cannot use (truncated JSON, missing fields). */
export class UpstreamDataError extends SourceError {
  override name = 'UpstreamDataError';
}

/** Path plus query for messages; query values that could be secrets are elided. */
export function describePath(url: URL | string): string {
  const u = typeof url === 'string' ? new URL(url, 'http://x') : url;
  const params = new URLSearchParams(u.search);
  for (const key of [...params.keys()]) {
    if (/secret|key|token|password|assertion|sig/i.test(key) && !/^\$(skip|delta)token$/i.test(key)) params.set(key, '***');
  }
  const q = params.toString();
  return q ? `${u.pathname}?${decodeURIComponent(q)}` : u.pathname;
}
