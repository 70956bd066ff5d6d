import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { authorizationPlugin } from './auth/authorize.js';
import { createGatewayAuth } from './auth/gatewayAuth.js';
import { authenticateHttp, principalOf } from './auth/http.js';
import type { GatewayConfig } from './config.js';
import type { GatewayContext } from './context.js';
import { parsePrecedence } from './correlate/precedence.js';
import { startEmulators, tenantSettingsOf, type RunningEmulators, type StartEmulatorsOptions } from './emulators/start.js';
import { formatError, GatewayErrorCode } from './errors.js';
import { answerCachePlugin } from './http/answerCache.js';
import { handleGraphql } from './http/graphqlHandler.js';
import { PLAYGROUND_CSP, renderPlayground } from './http/playground.js';
import { createCors } from './limits/cors.js';
import { queryLimitsPlugin } from './limits/limitsPlugin.js';
import { readBodyWithin } from './limits/requestBody.js';
import { snapshotSizes } from './limits/snapshotSizes.js';
import { createGatewayMetrics } from './metrics/gatewayMetrics.js';
import { graphqlMetricsPlugin } from './metrics/graphqlMetricsPlugin.js';
import { serveMetrics, startMetricsListener } from './metrics/metricsHttp.js';
import { InventoryRefresher } from './inventory/refresh.js';
import { createGraphReadCache } from './loaders/graphReadCache.js';
import { createLoaders } from './loaders/index.js';
import { createLogger, type Logger } from './logger.js';
import { resolvers } from './resolvers/index.js';
import { SyncService } from './sync/syncService.js';
import { loadTypeDefs } from './schema.js';
import { createSources, type SourceOptions, type Sources } from './sources/index.js';
import { openSqliteStore } from './store/sqliteStore.js';
import type { Store } from './store/types.js';
import type pino from 'pino';

export interface Gateway {
  /** e.g. http://127.0.0.1:4000 */
  url: string;
  config: GatewayConfig;
  store: Store;
  sources: Sources;
  inventory: InventoryRefresher;
  sync: SyncService;
  logger: Logger;
  /** Present in embedded mode. */
  emulators: RunningEmulators | undefined;
  /** Embedded mode with auth on: the operator API key made at this start (the playground sends it). */
  demoApiKey: string | undefined;
  /** The separate /metrics listener (METRICS_PORT); undefined: /metrics is on the main port. */
  metricsUrl: string | undefined;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Embedded mode: passed to the emulators (fleet, limits, faults). */
  emulators?: Partial<StartEmulatorsOptions>;
  /** Tuning of the real clients (tests shrink the budgets along with the emulators' limits). */
  sources?: Omit<SourceOptions, 'extraCaFile'>;
  logDestination?: pino.DestinationStream;
  /** Resolve only after the first refresh finished. @default true */
  waitForFirstRefresh?: boolean;
  /** Listen on 127.0.0.1 only (tests, benchmarks). @default false: all interfaces, as a server should */
  loopbackOnly?: boolean;
  /** Least time between JWKS fetches for unknown key ids (tests shorten it to see a key rotation at once). @default 30 s */
  jwksCooldownMs?: number;
}

function sendJson(res: ServerResponse, status: number, body: unknown): number {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
  return status;
}

/**
 * The composition root: config → (emulators) → sources → store → refresher → Apollo → HTTP.
 * Live and embedded mode share every line below the tenant settings.
 */
export async function startGateway(config: GatewayConfig, options: StartOptions = {}): Promise<Gateway> {
  mkdirSync(config.dataDir, { recursive: true });
  const emulators =
    config.mode === 'embedded'
      ? await startEmulators({ dataDir: config.dataDir, seed: config.embeddedFleet.seed, size: config.embeddedFleet.size, ...options.emulators })
      : undefined;
  const tenant = emulators ? tenantSettingsOf(emulators.settings) : config.tenant!;
  const extraCaFile = emulators ? emulators.settings.caFile : config.extraCaFile;

  const logger = createLogger({ level: config.logLevel, secrets: [tenant.clientSecret, tenant.iotAccessKey], destination: options.logDestination });
  const metrics = createGatewayMetrics();
  // Every upstream exchange at debug level: method, path (queries with secrets elided), status, time.
  const sources = createSources(tenant, metrics.observeSources({
    onGraphCall: (e) => logger.debug({ upstream: 'graph', method: e.method, path: e.path, status: e.status, ms: Math.round(e.durationMs), batchItems: e.batchItems }, 'upstream call'),
    onIotRequest: (e) => logger.debug({ upstream: 'iot', method: e.method, path: e.path, status: e.status, ms: Math.round(e.durationMs), attempt: e.attempt }, 'upstream call'),
    ...options.sources,
    extraCaFile,
  }));
  const store = openSqliteStore(path.join(config.dataDir, 'gateway.sqlite'));
  const auth = createGatewayAuth({ settings: config.auth, tenant, extraCaFile, store, logger, embedded: emulators !== undefined, jwksCooldownMs: options.jwksCooldownMs });
  const inventory = new InventoryRefresher({
    sources,
    store,
    logger,
    precedence: config.attributePrecedence ? parsePrecedence(config.attributePrecedence) : undefined,
    onFinished: (record) => metrics.refreshFinished(record),
  });
  const sync = new SyncService({ store, sources, inventory, logger, settings: config.sync, onRunFinished: (run) => metrics.syncRunFinished(run) });
  sync.recoverInterrupted();
  const graphCache = createGraphReadCache(config.graphCache);
  metrics.attach({ graph: sources.graph, graphCache });
  const cors = createCors(config.corsOrigins);

  const apollo = new ApolloServer<GatewayContext>({
    typeDefs: loadTypeDefs(),
    resolvers,
    formatError,
    includeStacktraceInErrorResponses: false,
    // Said outright rather than left to NODE_ENV: the playground reads the schema by introspection in production too.
    introspection: true,
    // A token cap bounds what parsing and validation can be made to do before the query limits look at it.
    parseOptions: { maxTokens: Math.max(10_000, config.limits.maxFields * 20) },
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // Nothing sets cache hints, and the plugin's per-field hook costs a page of 50 devices about 1 ms of CPU.
      // Its one visible effect, `cache-control: no-store`, is set by handleGraphql instead.
      ApolloServerPluginCacheControlDisabled(),
      // First: a caller without the role learns nothing from the other plugins' verdicts.
      authorizationPlugin(),
      graphqlMetricsPlugin(metrics),
      answerCachePlugin({ maxBytes: config.answerCacheBytes, onResult: (result) => metrics.answerCache(result) }),
      queryLimitsPlugin({
        limits: config.limits,
        sizes: snapshotSizes(store),
        onEstimate: (estimate) => metrics.queryEstimated(estimate),
        onRefused: (refusal) => metrics.queryRefused(refusal.limit),
      }),
    ],
  });
  await apollo.start();

  const inFlight = new Set<ServerResponse>();
  const server = http.createServer((req, res) => {
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
    const requestId = (typeof req.headers['x-request-id'] === 'string' && /^[\w.-]{1,64}$/.test(req.headers['x-request-id']) ? req.headers['x-request-id'] : randomUUID());
    res.setHeader('x-request-id', requestId);
    const log = logger.child({ requestId });
    const started = performance.now();
    route(req, res, requestId, log)
      .catch((err: unknown) => {
        log.error({ err }, 'request failed');
        return res.headersSent ? (res.destroy(), 500) : sendJson(res, 500, { errors: [{ message: 'Unexpected error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      })
      .then((status) => {
        metrics.httpRequest((req.url ?? '').split('?')[0] ?? '', status);
        const principal = principalOf(req);
        log.info({ method: req.method, path: (req.url ?? '').split('?')[0], status, ms: Math.round(performance.now() - started), principal: principal?.name, role: principal?.role }, 'request');
      });
  });

  async function route(req: IncomingMessage, res: ServerResponse, requestId: string, log: Logger): Promise<number> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/readyz') {
      const ready = store.hasSnapshot();
      return sendJson(res, ready ? 200 : 503, { ready, refreshing: inventory.status().refreshing });
    }
    if (url.pathname === '/' && req.method === 'GET') {
      res.writeHead(302, { location: '/graphql' }).end();
      return 302;
    }
    if (url.pathname === '/metrics' && config.metricsPort === undefined) {
      // On the main port, /metrics takes the API's credentials: a reader key for the scraper.
      if (!(await authenticateHttp(auth, req, res, log, 'reader'))) return res.statusCode;
      return serveMetrics(metrics.registry, req, res);
    }
    if (url.pathname !== '/graphql') return sendJson(res, 404, { error: `nothing at ${url.pathname}; the API is at /graphql` });
    const preflight = cors(req, res);
    if (preflight !== undefined) return preflight;

    if (req.method === 'GET' && (req.headers.accept ?? '').includes('text/html') && !url.searchParams.has('query')) {
      const example = store.hasSnapshot() ? store.listDevices({ filter: { matchStatuses: ['matched'] }, first: 1 }).devices[0]?.macs.find((m) => m.mac)?.mac ?? undefined : undefined;
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': PLAYGROUND_CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        // The embedded page carries the demo key.
        'cache-control': 'no-store',
      });
      res.end(renderPlayground({ endpoint: '/graphql', exampleMac: example, apiKey: auth.demoApiKey }));
      return 200;
    }
    // Every GraphQL request (the playground page above aside: it holds no data) carries a credential, checked
    // before its body is read; roles are checked per operation by the authorization plugin.
    const principal = await authenticateHttp(auth, req, res, log);
    if (!principal) return res.statusCode;
    const body = await readBodyWithin(req, config.limits.maxBodyBytes);
    if (body === null) {
      const message = `the request body is larger than ${config.limits.maxBodyBytes.toLocaleString('en-US')} bytes (MAX_BODY_BYTES)`;
      return sendJson(res, 413, { errors: [{ message, extensions: { code: GatewayErrorCode.PAYLOAD_TOO_LARGE } }] });
    }
    return handleGraphql(apollo, req, res, body, async () => ({
      requestId,
      principal,
      logger: log.child({ principal: principal.name }),
      store,
      sources,
      inventory,
      sync,
      loaders: createLoaders({ sources, store, cache: graphCache }),
      liveIotReads: 0,
    }));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, options.loopbackOnly ? '127.0.0.1' : config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const metricsListener =
    config.metricsPort === undefined ? undefined : await startMetricsListener(metrics.registry, { port: config.metricsPort, host: options.loopbackOnly ? '127.0.0.1' : (config.host ?? '127.0.0.1') });

  const firstRefresh = inventory.schedule(config.refreshIntervalMs);
  sync.schedule(config.sync.intervalMs);
  if (options.waitForFirstRefresh ?? true) await firstRefresh;

  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    store,
    sources,
    inventory,
    sync,
    logger,
    emulators,
    demoApiKey: auth.demoApiKey,
    metricsUrl: metricsListener?.url,
    close: () =>
      (closing ??= (async () => {
        // Stop taking new requests, let the ones in flight finish (up to 10 s), then release everything.
        const drained = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const deadline = setTimeout(() => server.closeAllConnections(), 10_000);
        await drained;
        clearTimeout(deadline);
        await metricsListener?.close();
        await sync.stop();
        await inventory.stop();
        await apollo.stop();
        await sources.close();
        await auth.close();
        store.close();
        await emulators?.close();
      })()),
  };
}
