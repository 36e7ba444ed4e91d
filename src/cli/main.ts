/** The `tollgate` command: flags → config → server, plus the one-shot modes (--help, --health, …). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import pino from 'pino';
import { AlertDb } from '../alerts/alert-db.ts';
import { Alerts } from '../alerts/alerts.ts';
import { ConfigError } from '../config/config-error.ts';
import { loadConfig } from '../config/load.ts';
import { DEFAULT_TRACE_STORE, resolveTraceStore, type TraceStoreSettings } from '../config/trace-store.ts';
import { redactLogLine } from '../errors/redact.ts';
import { loadPrices } from '../gateway/cost.ts';
import { createGateway } from '../gateway/gateway.ts';
import { checkHealth } from '../gateway/health.ts';
import { ModelRegistry } from '../gateway/model-registry.ts';
import { keepResponses } from '../gateway/responses/keeper.ts';
import { responseStoreFor } from '../gateway/responses/store-for.ts';
import { routerStateFor } from '../gateway/router-state-for.ts';
import { buildApp } from '../server/app.ts';
import { openObserveEnv } from '../shared/openobserve-env.ts';
import { RemoteOpenObserve } from '../store/remote-openobserve.ts';
import { StoreClient } from '../store/store-client.ts';
import { exportTargets, isSelf } from '../telemetry/export-targets.ts';
import { createTelemetry } from '../telemetry/telemetry.ts';
import { type CliArgs, parseArgs } from './args.ts';
import { banner, baseUrl } from './banner.ts';
import { shareCompileCache } from './compile-cache.ts';
import { helpText } from './help.ts';
import { importLitellmDb } from './import-litellm-db.ts';
import { accountsPath, keyGateFor } from './key-gate-for.ts';
import { metricsFor } from './metrics-for.ts';
import { runtimeModelsFor } from './runtime-models-for.ts';
import { installShutdown } from './shutdown.ts';
import { tracesBanner } from './traces-banner.ts';
import { UsageError } from './usage-error.ts';
import { isRestart, isWorker, runPrimary, watchPrimary, workerIndex } from './workers.ts';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

async function main(argv: string[]): Promise<number> {
  shareCompileCache();
  watchPrimary();
  const args = parseArgs(argv);
  if (args.help) return print(helpText());
  if (args.version) return print(`tollgate ${VERSION}`);
  const { config, warnings } = await loadConfig(args, process.env, process.cwd());
  // Workers load the same config; the primary has said everything worth saying about it.
  if (!isWorker()) for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  if (args.validateConfig)
    return validated(config.deployments.length, new Set(config.deployments.map((d) => d.modelName)).size);
  if (args.health) return health(args, config.deployments);
  const logger = pino({
    level: config.logLevel,
    base: { service: 'tollgate' },
    // Every line, whoever wrote it (Fastify's request lines carry the URL as sent: `?api_key=…`), is
    // masked on its way out, so no logging call site has to remember to.
    hooks: { streamWrite: redactLogLine },
  });
  const targets = exportTargets(process.env).filter((t) => {
    if (!isSelf(t, config.host, config.port)) return true;
    if (!isWorker())
      process.stderr.write(`note: ${t.label} is this gateway: its spans go straight to its trace store\n`);
    return false;
  });
  const storeSettings = resolveTraceStore(args.traceStore, process.env, process.cwd(), targets.length > 0);
  // Into the accounts database a start with these same flags, env and config would open.
  if (args.importLitellmDb !== undefined)
    return importLitellmDb(args.importLitellmDb, config.databaseUrl, accountsPath(storeSettings?.path));
  if (config.numWorkers > 1 && !isWorker()) return primary(config.numWorkers, storeSettings);
  const store = storeSettings
    ? await StoreClient.start({
        ...storeSettings,
        queryTimeLimitMs: 10_000,
        maxBodyBytes: Math.max(64 * 1024 * 1024, 4 * config.bodyLimitBytes),
        log: (message) => logger.warn(message),
      })
    : undefined;
  const streamName = process.env.OPENOBSERVE_TRACES_STREAM_NAME?.trim() || 'default';
  const telemetry = createTelemetry({
    targets,
    store: store ? { store, stream: streamName } : undefined,
    serviceName: process.env.OTEL_SERVICE_NAME?.trim() || 'tollgate',
    version: VERSION,
    hideInputs: config.hideInputs,
    hideOutputs: config.hideOutputs,
    maxValueLength: 32 * 1024,
    log: logger,
  });
  await loadPrices(config.deployments);
  const remote = store ? undefined : remoteOpenObserve(targets.some((t) => t.kind === 'openobserve'));
  const traceSource = store ?? remote;
  let listening = '';
  const alerts =
    traceSource !== undefined
      ? new Alerts({
          // Without a store of its own, alerts.db sits where the store's file would be.
          db: new AlertDb(
            storeSettings?.path ?? resolve(process.cwd(), DEFAULT_TRACE_STORE),
            config.masterKey,
          ),
          store: traceSource,
          baseUrl: () => listening,
          webhookAllowedHosts: config.webhookAllowedHosts,
          log: (message) => logger.warn(message),
        })
      : undefined;
  const registry = new ModelRegistry(config.deployments, config.aliases);
  const gateway = createGateway(config, registry, logger, await routerStateFor(config, logger));
  if (telemetry) gateway.onFinish((record) => telemetry.record(record));
  const responses = await responseStoreFor(config.redis, storeSettings?.path, (err) =>
    logger.warn({ err }, 'could not keep or read a Responses API answer'),
  );
  const keys = await keyGateFor(config, registry, accountsPath(storeSettings?.path), (message, err) =>
    logger.warn({ err }, message),
  );
  const models = await runtimeModelsFor(keys.accounts, registry, (message, err) =>
    logger.warn({ err }, message),
  );
  gateway.onFinish((record) => keys.finish(record));
  const metrics = metricsFor(config, keys);
  gateway.onFinish((record) => metrics.finish(record));
  gateway.onFinish(
    keepResponses(responses, (err) => logger.warn({ err }, 'could not keep a Responses API answer')),
  );
  const app = buildApp({
    config,
    logger,
    version: VERSION,
    gateway,
    registry,
    store,
    remote,
    alerts,
    responses,
    keys,
    models,
    metrics,
    exportState: telemetry && targets.length > 0 ? () => telemetry.exportState() : undefined,
  });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  listening = baseUrl(config.host, port);
  // One alert schedule and one banner for the whole gateway, however many workers serve it.
  if (workerIndex() === 0) alerts?.start();
  if (workerIndex() === 0 && !isRestart()) {
    const labels = targets.map((t) => t.label);
    const traces = tracesBanner(
      config,
      baseUrl(config.host, port),
      labels,
      storeSettings,
      process.cwd(),
      remote?.url,
    );
    process.stdout.write(`${banner(config, VERSION, port)}\n${traces}\n\n`);
  }
  installShutdown(app, gateway, logger, telemetry, store);
  return -1;
}

/**
 * The OpenObserve spans are exported to, for the UI and alerts to read when the gateway keeps no store:
 * the same variables as the exporter (URL, org, stream, token, timeout).
 */
function remoteOpenObserve(exported: boolean): RemoteOpenObserve | undefined {
  if (!exported) return undefined;
  const settings = openObserveEnv(process.env);
  return new RemoteOpenObserve({
    url: settings.url,
    org: settings.org,
    stream: settings.streamName,
    authToken: settings.authToken,
    timeoutMs: settings.timeoutSeconds * 1000,
  });
}

/** The --num_workers primary: readies the store file once (its migrations), then forks the workers. */
async function primary(n: number, store: TraceStoreSettings | undefined): Promise<number> {
  if (store?.path === ':memory:')
    process.stderr.write(
      "warning: with --num_workers, an in-memory trace store is kept per worker; use a file (the default) to keep every worker's traces in one place\n",
    );
  else if (store)
    await (await StoreClient.start({ ...store, queryTimeLimitMs: 10_000, maxBodyBytes: 0 })).close();
  return runPrimary(n);
}

function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}

function validated(deployments: number, groups: number): number {
  return print(`Config is valid: ${deployments} deployment(s) in ${groups} model group(s).`);
}

async function health(_args: CliArgs, deployments: Parameters<typeof checkHealth>[0]): Promise<number> {
  const report = await checkHealth(deployments);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return report.unhealthy_count === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`tollgate: ${err.message}\n`);
      process.exitCode = 2;
    } else if (err instanceof ConfigError) {
      process.stderr.write(`tollgate: ${err.message}\n`);
      process.exitCode = 1;
    } else {
      const code = (err as { code?: string }).code;
      if (code === 'EADDRINUSE') {
        process.stderr.write('tollgate: the port is already in use; pick another with --port or PORT.\n');
      } else {
        process.stderr.write(
          `tollgate: failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
        );
      }
      process.exitCode = 1;
    }
  },
);
