/** Starts the real Tollgate server on a free 127.0.0.1 port for end-to-end tests. */
import { after, before } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import pino from 'pino';
import type { KeyGate } from '../../src/accounts/key-gate.ts';
import type { Alerts } from '../../src/alerts/alerts.ts';
import { keyGateFor } from '../../src/cli/key-gate-for.ts';
import { metricsFor } from '../../src/cli/metrics-for.ts';
import { runtimeModelsFor } from '../../src/cli/runtime-models-for.ts';
import type { Deployment, GatewayConfig } from '../../src/config/types.ts';
import { loadPrices } from '../../src/gateway/cost.ts';
import { createGateway } from '../../src/gateway/gateway.ts';
import { ModelRegistry } from '../../src/gateway/model-registry.ts';
import { keepResponses } from '../../src/gateway/responses/keeper.ts';
import { MemoryResponses } from '../../src/gateway/responses/store.ts';
import { routerStateFor } from '../../src/gateway/router-state-for.ts';
import { buildApp } from '../../src/server/app.ts';
import type { StoreClient } from '../../src/store/store-client.ts';
import type { Telemetry } from '../../src/telemetry/telemetry.ts';
import { type MockUpstream, startMockUpstream } from './mock-upstream.ts';

export interface RunningGateway {
  url: string;
  /** An official OpenAI SDK client pointed at the gateway; no SDK-side retries, so tests see our answers. */
  client: (apiKey?: string) => OpenAI;
  /** An official Anthropic SDK client pointed at the gateway (as ANTHROPIC_BASE_URL would), no retries. */
  anthropic: (apiKey?: string) => Anthropic;
  /** Virtual keys and spend, when started with `accounts`. */
  keys?: KeyGate;
  /** Client connections the gateway holds open now. */
  connections(): Promise<number>;
  close(): Promise<void>;
}

export function deployment(
  fields: Partial<Deployment> & Pick<Deployment, 'modelName' | 'model'>,
): Deployment {
  return {
    id: fields.id ?? `${fields.modelName}-id`,
    provider: 'openai',
    litellmModel: `openai/${fields.model}`,
    params: {},
    modelInfo: {},
    ...fields,
  };
}

export function testConfig(overrides: Partial<GatewayConfig>): GatewayConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    numWorkers: 1,
    connections: { max: 10_000, perClient: 10_000 },
    deployments: [],
    aliases: {},
    dropParams: false,
    requestTimeoutMs: 10_000,
    numRetries: 0,
    fallbacks: { general: {}, contextWindow: {}, contentPolicy: {}, default: [] },
    cooldowns: { allowedFails: 3, cooldownMs: 5000, disabled: false },
    routingStrategy: 'simple-shuffle',
    bodyLimitBytes: 1024 * 1024,
    clientTimeoutMs: 60_000,
    logLevel: 'warn',
    hideInputs: false,
    hideOutputs: false,
    source: {},
    ...overrides,
  };
}

export async function startGateway(
  config: GatewayConfig,
  telemetry?: Telemetry,
  store?: StoreClient,
  alerts?: Alerts,
  /** Virtual keys: an SQLite file (`:memory:` by default) or PostgreSQL's URL; none when unset. */
  accounts?: { sqlitePath?: string; databaseUrl?: string },
): Promise<RunningGateway> {
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  await loadPrices(config.deployments);
  const registry = new ModelRegistry(config.deployments, config.aliases);
  const gateway = createGateway(config, registry, logger, await routerStateFor(config, logger));
  if (telemetry) gateway.onFinish((record) => telemetry.record(record));
  const responses = new MemoryResponses();
  gateway.onFinish(keepResponses(responses, () => {}));
  const keys = accounts
    ? await keyGateFor(
        { ...config, databaseUrl: accounts.databaseUrl ?? config.databaseUrl },
        registry,
        accounts.sqlitePath ?? ':memory:',
        (message, err) => logger.warn({ err }, message),
      )
    : undefined;
  if (keys) gateway.onFinish((record) => keys.finish(record));
  const models = keys
    ? await runtimeModelsFor(keys.accounts, registry, (message, err) => logger.warn({ err }, message), 100)
    : undefined;
  const metrics = metricsFor(config, keys);
  gateway.onFinish((record) => metrics.finish(record));
  const app = buildApp({
    config,
    logger,
    version: 'test',
    gateway,
    registry,
    store,
    alerts,
    responses,
    keys,
    models,
    metrics,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    keys,
    client: (apiKey = 'sk-test-unused') =>
      new OpenAI({ apiKey, baseURL: `${url}/v1`, maxRetries: 0, timeout: 15_000 }),
    anthropic: (apiKey = 'sk-test-unused') =>
      new Anthropic({ apiKey, baseURL: url, maxRetries: 0, timeout: 15_000 }),
    connections: () =>
      new Promise((resolve, reject) =>
        app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))),
      ),
    close: () => app.close(),
  };
}

export interface Harness {
  upstream: MockUpstream;
  gateway: RunningGateway;
}

/** Registers hooks that start a mock upstream and a gateway configured against it, and stop both. */
export function gatewayWithUpstream(configure: (upstreamUrl: string) => Partial<GatewayConfig>): Harness {
  const harness = {} as Harness;
  before(async () => {
    harness.upstream = await startMockUpstream();
    harness.gateway = await startGateway(testConfig(configure(harness.upstream.url)));
  });
  after(async () => {
    await harness.gateway.close();
    await harness.upstream.close();
  });
  return harness;
}
