/** Builds the Fastify app: body parsing, auth, routes and the one error handler, wired to a gateway. */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { KeyGate } from '../accounts/key-gate.ts';
import type { RuntimeModels } from '../accounts/runtime-models.ts';
import type { Alerts } from '../alerts/alerts.ts';
import type { Deployment, GatewayConfig } from '../config/types.ts';
import type { Gateway } from '../gateway/gateway.ts';
import type { ModelRegistry } from '../gateway/model-registry.ts';
import { withEarlierTurns } from '../gateway/responses/expand.ts';
import type { ResponseStore } from '../gateway/responses/store.ts';
import type { ExportState } from '../shared/export-state.ts';
import type { RemoteOpenObserve } from '../store/remote-openobserve.ts';
import type { StoreClient } from '../store/store-client.ts';
import { admitWith } from './admit.ts';
import { createAuthHook, PUBLIC_ROUTES } from './auth.ts';
import { limitConnections } from './connection-limits.ts';
import { installErrorHandlers } from './error-handler.ts';
import { installJsonBody } from './json-body.ts';
import { registerManagementRoutes } from './management/register.ts';
import { decoratePrincipal, principalOf } from './principal.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerLlmRoutes, UPLOAD_ROUTES } from './routes/llm.ts';
import { LOGIN_ROUTES, registerLoginRoute } from './routes/login.ts';
import { METRICS_ROUTES, type MetricsSource, registerMetricsRoute } from './routes/metrics.ts';
import { registerModelRoutes } from './routes/models.ts';
import { registerResponseRoutes } from './routes/responses.ts';
import { ROUTES_LIST_ROUTES, registerRoutesList } from './routes/routes-list.ts';
import { registerUiRoutes, UI_ROUTES } from './routes/ui.ts';
import { ALERT_ROUTES, registerAlertRoutes } from './store/alert-routes.ts';
import { REMOTE_ROUTES, registerRemoteRoutes } from './store/remote-routes.ts';
import { isLoopback } from './store/store-auth.ts';
import { INGEST_ROUTES, registerStoreRoutes, STORE_ROUTES } from './store/store-routes.ts';
import { createWebGuard } from './web-guard.ts';

export interface AppOptions {
  config: GatewayConfig;
  logger: FastifyBaseLogger;
  version: string;
  /** The gateway the LLM routes hand requests to (its subscribers trace them), and its model groups. */
  gateway: Gateway;
  registry: ModelRegistry;
  /** The embedded trace store, whose OTLP and search API the app serves. */
  store?: StoreClient;
  /**
   * Without a store: the OpenObserve spans are exported to, whose search API the store's search routes
   * forward to (with its credentials added here), so the UI reads it instead.
   */
  remote?: RemoteOpenObserve;
  /** Alert rules over the store (or the remote), with their HTTP API. */
  alerts?: Alerts;
  /**
   * The Responses API answers the gateway keeps (`previous_response_id`, `GET /v1/responses/{id}`);
   * the gateway's finish subscriber (responses/keeper.ts) fills it. Without one, those calls find nothing.
   */
  responses?: ResponseStore;
  /** Whether span exports work, for /health/readiness (telemetry's, when it exports anywhere). */
  exportState?: () => ExportState;
  /** Virtual keys, spend and the management API (accounts/); without, only the master key works. */
  keys?: KeyGate;
  /** Models added at run time, stored beside the accounts (`/model/new`). */
  models?: RuntimeModels<Deployment>;
  /** Prometheus metrics for `GET /metrics` (metrics/); the route is absent without. */
  metrics?: MetricsSource;
}

export function buildApp(options: AppOptions): FastifyInstance {
  const { config, logger, version, gateway, registry, store, alerts, responses } = options;
  const remote = store ? undefined : options.remote;
  const searchRoutes = store ? STORE_ROUTES : remote ? REMOTE_ROUTES : new Set<string>();
  const app = Fastify({
    loggerInstance: logger,
    // Per-request log lines cost real time on the hot path; they are for debugging only.
    logController: new LogController({
      disableRequestLogging: logger.level !== 'debug' && logger.level !== 'trace',
    }),
    bodyLimit: config.bodyLimitBytes,
    // A client that trickles its request in (or sends nothing) is cut off instead of holding a
    // connection forever. Node checks connections every connectionsCheckingInterval (30 s by default,
    // which would stretch a 60 s timeout to 90), so a few checks per timeout.
    requestTimeout: config.clientTimeoutMs,
    http: {
      headersTimeout: config.clientTimeoutMs,
      connectionsCheckingInterval: Math.min(5_000, Math.max(100, config.clientTimeoutMs / 4)),
    },
    // Longer than typical load balancer idle timeouts, so they close first and no request races a close.
    keepAliveTimeout: 65_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
  });
  limitConnections(app.server, config.connections, logger);
  decoratePrincipal(app);
  registerRoutesList(app);
  app.addHook('onClose', () => gateway.close());
  app.addHook('onClose', async () => responses?.close());
  installJsonBody(app);
  installErrorHandlers(app, config.bodyLimitBytes);
  // The store's routes check keys their own way (Basic auth too), so the gateway's check skips them.
  const publicRoutes = new Set([
    ...PUBLIC_ROUTES,
    ...ROUTES_LIST_ROUTES,
    ...UI_ROUTES,
    ...LOGIN_ROUTES,
    ...searchRoutes,
    ...(alerts ? ALERT_ROUTES : []),
    ...(options.metrics && !config.metricsRequireAuth ? METRICS_ROUTES : []),
  ]);
  // Before the key check: a CORS preflight carries no key, and a refused page learns nothing more.
  app.addHook(
    'onRequest',
    createWebGuard({
      masterKey: config.masterKey,
      listenHost: config.host,
      allowedHosts: config.allowedHosts,
      allowedOrigins: config.corsAllowOrigins,
      storeRoutes: new Set([...searchRoutes, ...(alerts ? ALERT_ROUTES : [])]),
      otlpRoutes: new Set(store ? INGEST_ROUTES : []),
      uploadRoutes: UPLOAD_ROUTES,
    }),
  );
  const keys = options.keys;
  app.addHook(
    'onRequest',
    createAuthHook({
      masterKey: config.masterKey,
      publicRoutes,
      lookup: keys ? (token) => keys.accounts.principal(token) : undefined,
    }),
  );
  if (options.models) app.addHook('onClose', async () => options.models?.close());
  if (keys)
    app.addHook('onClose', async () => {
      await keys.spend.flush();
      await keys.closeLimits();
      await keys.accounts.close();
    });
  if (store) {
    registerStoreRoutes(app, {
      store,
      masterKey: config.masterKey,
      loopback: isLoopback(config.host),
      bodyLimitBytes: config.bodyLimitBytes,
    });
  } else if (remote) {
    registerRemoteRoutes(app, {
      remote,
      masterKey: config.masterKey,
      loopback: isLoopback(config.host),
      bodyLimitBytes: config.bodyLimitBytes,
    });
  }
  registerHealthRoutes(app, registry, {
    version,
    exportState: options.exportState,
    pingDb: keys ? () => keys.accounts.db.query('SELECT 1') : undefined,
  });
  registerModelRoutes(app, registry, (request, model) => {
    const principal = principalOf(request);
    return principal === undefined || keys === undefined || keys.mayUse(principal, model);
  });
  registerLlmRoutes(
    app,
    gateway,
    config.clientTimeoutMs,
    async (endpoint, body) =>
      endpoint === 'responses' && responses !== undefined ? withEarlierTurns(body, responses) : { body },
    keys ? admitWith(keys) : undefined,
  );
  if (keys)
    registerManagementRoutes(
      app,
      {
        accounts: keys.accounts,
        spend: keys.spend,
        registry,
        models: options.models,
        adminId: 'default_user_id',
      },
      config.masterKey,
    );
  if (responses !== undefined) registerResponseRoutes(app, gateway, responses);
  if (options.metrics) registerMetricsRoute(app, options.metrics);
  registerUiRoutes(app, store !== undefined || remote !== undefined);
  registerLoginRoute(app, config);
  if (alerts)
    registerAlertRoutes(app, alerts, { masterKey: config.masterKey, loopback: isLoopback(config.host) });
  return app;
}
