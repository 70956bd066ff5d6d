import type { EmulatorReply, EmulatorRequest } from '../http/router.js';
import type { GuardedHandler } from './guard.js';

/** The content type Graph gives successful JSON answers (and batch items must carry, exact-case key). */
export const GRAPH_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** Graph echoes the caller's client-request-id; without one, it reuses its own request-id. */
export function clientRequestId(req: EmulatorRequest): string {
  return req.headers['client-request-id'] ?? req.requestId;
}

/** `2021-05-18T19:03:10`: innerError dates carry no zone and no fraction. */
function innerDate(): string {
  return new Date().toISOString().slice(0, 19);
}

export function okReply(body: unknown, headers: Record<string, string> = {}): EmulatorReply {
  return { status: 200, headers: { 'Content-Type': GRAPH_JSON, 'OData-Version': '4.0', ...headers }, body };
}

/** The OData error shape of Graph and the directory: `{"error":{"code","message","innerError":{…}}}`. */
export function graphError(status: number, code: string, message: string, req: EmulatorRequest, headers: Record<string, string> = {}): EmulatorReply {
  return {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: { error: { code, message, innerError: { date: innerDate(), 'request-id': req.requestId, 'client-request-id': clientRequestId(req) } } },
  };
}

/** A directory query-option error (400): the codes are `Request_BadRequest` or `Request_UnsupportedQuery`. */
export class QueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Turns a QueryError thrown while reading query options into a 400 in the workload's error style. */
export function answeringQueryErrors(handler: GuardedHandler, style: 'directory' | 'intune'): GuardedHandler {
  return async (req, caller) => {
    try {
      return await handler(req, caller);
    } catch (e) {
      if (!(e instanceof QueryError)) throw e;
      return style === 'directory' ? graphError(400, e.code, e.message, req) : intuneError(400, e.code, e.message, req);
    }
  };
}

/** The 429 body exactly as the throttling docs show it, key order included. */
export function throttledReply(req: EmulatorRequest, retryAfterSeconds: number, headers: Record<string, string> = {}): EmulatorReply {
  return {
    status: 429,
    headers: { 'Content-Type': 'application/json', 'Retry-After': String(retryAfterSeconds), ...headers },
    body: {
      error: {
        code: 'TooManyRequests',
        innerError: { code: '429', date: innerDate(), message: 'Please retry after', 'request-id': req.requestId, status: '429' },
        message: 'Please retry again later.',
      },
    },
  };
}

/**
 * Intune's errors put a JSON document, serialised with CRLF indentation, in `message` (FACTS §5). The
 * Activity ID is the client-request-id, which is what Intune support asks for.
 */
export function intuneError(status: number, code: string, message: string, req: EmulatorRequest): EmulatorReply {
  const document = {
    _version: 3,
    Message: `${message} - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - Activity ID: ${clientRequestId(req)} - Url: https://fef.msua06.manage.microsoft.com/DeviceFE/StatelessDeviceFEService${req.url.pathname.replace(/^\/v1\.0/, '')}?api-version=2024-01-01`,
    CustomApiErrorPhrase: '',
    RetryAfter: null,
    ErrorSourceService: '',
    HttpHeaders: '{}',
  };
  return graphError(status, code, JSON.stringify(document, null, 2).replace(/\n/g, '\r\n'), req);
}
