import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorTls } from '../tls.js';
import { FaultInjector, type FaultConfig, type InjectedFault } from './faults.js';
import { json, makeRequest, readJson, Router, type EmulatorReply, type EmulatorRequest } from './router.js';
import { EmulatorStats } from './stats.js';

/** What a service adds to the shared HTTP shell: its routes, its error body shape and its reset. */
export interface EmulatorService {
  name: string;
  router: Router;
  /** The service's own error body for injected faults, unknown routes and the like. */
  errorReply(status: number, code: string, message: string, req: EmulatorRequest, retryAfterSeconds?: number): EmulatorReply;
  /** Headers every answer carries (Graph's request-id and friends). */
  commonHeaders?(req: EmulatorRequest): Record<string, string>;
  /** Restores the initial fleet and clears throttling windows. */
  reset(): void;
  truth(): unknown;
  /** Extra `/_emulator/…` routes of the service (fleet mutations for tests). */
  addControlRoutes?(control: Router): void;
}

export interface RunningEmulator {
  name: string;
  /** `https://127.0.0.1:PORT` or `http://…`, no trailing slash. */
  origin: string;
  port: number;
  stats: EmulatorStats;
  faults: FaultInjector;
  close(): Promise<void>;
}

export interface StartOptions {
  tls?: EmulatorTls;
  port?: number;
  faults?: Partial<FaultConfig>;
  /** Pass these when the service itself needs them (Graph injects 429s inside $batch, counts batch items). */
  injector?: FaultInjector;
  stats?: EmulatorStats;
  /** Set by the service for routes that should never see injected faults (none by default). */
  exempt?: (req: EmulatorRequest) => boolean;
}

const HOST = '127.0.0.1';

function send(res: http.ServerResponse, reply: EmulatorReply, extra: Record<string, string>, truncate = false): void {
  const headers: Record<string, string> = { ...extra, ...reply.headers };
  let payload: Buffer | string | undefined;
  if (reply.body === undefined || reply.body === null) payload = undefined;
  else if (typeof reply.body === 'string' || Buffer.isBuffer(reply.body)) payload = reply.body;
  else payload = JSON.stringify(reply.body);
  if (payload !== undefined && truncate) payload = Buffer.from(payload).subarray(0, Math.floor(Buffer.byteLength(payload) / 2));
  if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}

function readBody(req: http.IncomingMessage, limit = 64 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * The HTTP shell shared by the emulators: loopback only, optional TLS, the `/_emulator/` control plane,
 * latency and fault injection before the service sees a request, and per-route stats.
 */
export async function startEmulator(service: EmulatorService, options: StartOptions = {}): Promise<RunningEmulator> {
  const stats = options.stats ?? new EmulatorStats();
  const faults = options.injector ?? new FaultInjector(options.faults);
  const initialFaults = faults.config;
  const sockets = new Set<Socket>();
  const scheme = options.tls ? 'https' : 'http';
  let origin = '';

  const control = new Router()
    .add('GET', '/_emulator/stats', 'stats', () => json(200, stats.snapshot()))
    .add('GET', '/_emulator/faults', 'faults', () => json(200, faults.config))
    .add('POST', '/_emulator/faults', 'faults', (req) => {
      try {
        return json(200, faults.set(readJson(req) ?? {}));
      } catch (e) {
        return json(400, { error: (e as Error).message });
      }
    })
    .add('POST', '/_emulator/reset', 'reset', () => {
      service.reset();
      stats.reset();
      faults.reset(initialFaults);
      return json(200, { reset: true });
    })
    .add('GET', '/_emulator/truth', 'truth', () => json(200, service.truth()));
  service.addControlRoutes?.(control);

  async function handle(raw: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(raw);
    const req = makeRequest({
      method: raw.method ?? 'GET',
      rawUrl: raw.url ?? '/',
      // Links the service builds (nextLink, deltaLink) name the host the client used, as Graph's do.
      origin: raw.headers.host ? `${scheme}://${raw.headers.host}` : origin,
      headers: raw.headers as Record<string, string | undefined>,
      body,
    });

    if (req.url.pathname.startsWith('/_emulator/')) {
      const h = control.resolve(req);
      send(res, h ? await h(req) : json(404, { error: `no control route ${req.method} ${req.url.pathname}` }), {});
      return;
    }

    const handler = service.router.resolve(req); // names the route, for the stats
    stats.began(req.route);
    try {
      await serve(req, handler, raw, res);
    } finally {
      stats.ended(req.route);
    }
  }

  async function serve(
    req: ReturnType<typeof makeRequest>,
    handler: ReturnType<Router['resolve']>,
    raw: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const common = service.commonHeaders?.(req) ?? {};
    const delay = faults.latency();
    if (delay > 0) await sleep(delay);

    const fault: InjectedFault = options.exempt?.(req) ? 'none' : faults.draw();
    if (fault !== 'none' && fault !== 'truncate') {
      stats.fault();
      if (fault === 'reset') {
        stats.request(req.route, 0);
        raw.socket.destroy();
        return;
      }
      if (fault === 'hang') {
        stats.request(req.route, -1);
        return; // the socket stays open until the client gives up or close() destroys it
      }
      const status = Number(fault);
      const reply = service.errorReply(
        status,
        status === 429 ? 'TooManyRequests' : status === 503 ? 'ServiceUnavailable' : 'GatewayTimeout',
        status === 429 ? 'Please retry again later.' : 'The service is temporarily unavailable.',
        req,
        status === 504 ? undefined : faults.config.retryAfterSeconds,
      );
      stats.request(req.route, status);
      send(res, reply, common);
      return;
    }

    const reply = handler
      ? await handler(req)
      : service.errorReply(req.route.includes('method not allowed') ? 405 : 404, 'NotFound', `No route for ${req.method} ${req.url.pathname}`, req);
    stats.request(req.route, reply.status);
    if (fault === 'truncate') stats.fault();
    send(res, reply, common, fault === 'truncate');
  }

  const onRequest = (raw: http.IncomingMessage, res: http.ServerResponse): void => {
    handle(raw, res).catch((err: unknown) => {
      // An emulator bug must show up as a 500 the client can see, never as a hung request.
      if (!res.headersSent) send(res, json(500, { error: `emulator ${service.name}: ${(err as Error).message}` }), {});
      else res.destroy();
    });
  };

  const server = options.tls
    ? https.createServer({ cert: options.tls.certPem, key: options.tls.keyPem }, onRequest)
    : http.createServer(onRequest);
  server.keepAliveTimeout = 5_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  origin = `${scheme}://${HOST}:${port}`;

  return {
    name: service.name,
    origin,
    port,
    stats,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
