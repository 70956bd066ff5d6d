import { randomUUID } from 'node:crypto';

/** A request as emulator handlers see it: parsed once, independent of the socket, so $batch can replay it. */
export interface EmulatorRequest {
  method: string;
  /** Path and query exactly as received, e.g. `/v1.0/devices?$top=5`. */
  rawUrl: string;
  url: URL;
  headers: Record<string, string | undefined>;
  body: Buffer | undefined;
  requestId: string;
  /** Set by the router: values of `:name` segments or named regex groups. */
  params: Record<string, string>;
  /** Set by the router: the route's name, e.g. `GET /v1.0/devices/{id}`, used for stats. */
  route: string;
}

export interface EmulatorReply {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings and buffers as they are. */
  body?: unknown;
}

export type Handler = (req: EmulatorRequest) => EmulatorReply | Promise<EmulatorReply>;

interface Route {
  method: string;
  name: string;
  match: (path: string) => Record<string, string> | null;
  handler: Handler;
}

function compile(pattern: string | RegExp): Route['match'] {
  if (pattern instanceof RegExp) {
    return (path) => {
      const m = pattern.exec(path);
      return m ? { ...(m.groups ?? {}) } : null;
    };
  }
  const parts = pattern.split('/');
  return (path) => {
    const segs = path.split('/');
    if (segs.length !== parts.length) return null;
    const params: Record<string, string> = {};
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      const s = segs[i]!;
      if (p.startsWith(':')) {
        if (!s) return null;
        try {
          params[p.slice(1)] = decodeURIComponent(s);
        } catch {
          return null; // a malformed %-escape names no resource: let the service answer its own 404
        }
      } else if (p.toLowerCase() !== s.toLowerCase()) {
        return null;
      }
    }
    return params;
  };
}

export class Router {
  readonly #routes: Route[] = [];

  add(method: string, pattern: string | RegExp, name: string, handler: Handler): this {
    this.#routes.push({ method, name: `${method} ${name}`, match: compile(pattern), handler });
    return this;
  }

  /** Finds the route for a request, or null; fills `params` and `route` on the request. */
  resolve(req: EmulatorRequest): Handler | null {
    const path = req.url.pathname;
    let pathMatched = false;
    for (const route of this.#routes) {
      const params = route.match(path);
      if (!params) continue;
      pathMatched = true;
      if (route.method !== req.method) continue;
      req.params = params;
      req.route = route.name;
      return route.handler;
    }
    req.route = pathMatched ? `${req.method} (method not allowed)` : `${req.method} (no route)`;
    return null;
  }
}

export function makeRequest(init: {
  method: string;
  rawUrl: string;
  origin: string;
  headers?: Record<string, string | undefined>;
  body?: Buffer | undefined;
  requestId?: string;
}): EmulatorRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(init.headers ?? {})) headers[k.toLowerCase()] = v;
  return {
    method: init.method.toUpperCase(),
    rawUrl: init.rawUrl,
    url: new URL(init.rawUrl, init.origin),
    headers,
    body: init.body,
    requestId: init.requestId ?? randomUUID(),
    params: {},
    route: '',
  };
}

export function json(status: number, body: unknown, headers?: Record<string, string>): EmulatorReply {
  return { status, body, headers: { 'Content-Type': 'application/json', ...headers } };
}

export function readJson<T = unknown>(req: EmulatorRequest): T | undefined {
  if (!req.body || req.body.length === 0) return undefined;
  try {
    return JSON.parse(req.body.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}
