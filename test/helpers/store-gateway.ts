/**
 * A gateway with the embedded trace store, as `tollgate` runs it by default: its own spans go to the
 * store in-process, and the store's OTLP and search API is served on the gateway's port.
 */

import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import { AlertDb } from '../../src/alerts/alert-db.ts';
import { Alerts } from '../../src/alerts/alerts.ts';
import type { GatewayConfig } from '../../src/config/types.ts';
import { StoreClient, type StoreClientOptions } from '../../src/store/store-client.ts';
import type { ExportTarget } from '../../src/telemetry/export-targets.ts';
import { createTelemetry } from '../../src/telemetry/telemetry.ts';
import { type RunningGateway, startGateway, testConfig } from './gateway-server.ts';
import { mockDeployment } from './mock-deployment.ts';
import { type MockUpstream, startMockUpstream } from './mock-upstream.ts';

export type Hit = Record<string, unknown>;

export interface StoreGateway {
  gateway: RunningGateway;
  store: StoreClient;
  /** The alert engine, not started: tests drive its schedule with `tick()`. */
  alerts: Alerts;
  /** POSTs a `_search` and returns status and parsed body. */
  search(sql: string, options?: SearchOptions): Promise<{ status: number; body: SearchBody }>;
  /** Polls `_search` until it returns at least `count` hits. */
  waitForHits(sql: string, count?: number, options?: SearchOptions): Promise<Hit[]>;
  close(): Promise<void>;
}

export interface SearchOptions {
  org?: string;
  headers?: Record<string, string>;
  query?: Record<string, unknown>;
}

export interface SearchBody {
  hits: Hit[];
  total: number;
  from: number;
  size: number;
  took: number;
  is_partial: boolean;
  function_error?: string[];
  trace_id?: string;
  histogram_interval?: number;
  code?: number;
  message?: string;
  error_detail?: string;
}

/** `targets`: OTLP backends the gateway exports its spans to as well, as OPENOBSERVE_URL would add one. */
export async function startStoreGateway(
  config: GatewayConfig,
  store: Partial<StoreClientOptions> = {},
  targets: ExportTarget[] = [],
): Promise<StoreGateway> {
  const client = await StoreClient.start({
    path: ':memory:',
    maxAgeMs: 0,
    maxBytes: 0,
    queryTimeLimitMs: 5000,
    maxBodyBytes: 64 * 1024 * 1024,
    ...store,
  });
  const telemetry = createTelemetry({
    targets,
    store: { store: client, stream: 'default' },
    serviceName: 'tollgate',
    version: 'test',
    hideInputs: false,
    hideOutputs: false,
    maxValueLength: 32 * 1024,
  });
  let url = '';
  const alerts = new Alerts({
    db: new AlertDb(':memory:'),
    store: client,
    baseUrl: () => url,
    retryDelaysMs: [50, 100],
    webhookAllowedHosts: config.webhookAllowedHosts,
  });
  const gateway = await startGateway(config, telemetry, client, alerts);
  url = gateway.url;
  const search: StoreGateway['search'] = async (sql, options = {}) => {
    const response = await fetch(`${gateway.url}/api/${options.org ?? 'default'}/_search?type=traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      // OpenObserve requires the time range; tests search all of time unless they say otherwise.
      body: JSON.stringify({ query: { sql, start_time: 0, end_time: 2 ** 60, ...options.query } }),
    });
    // Refusals OpenObserve words in plain text (a body it cannot read, auth) come back as `message`.
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) as SearchBody };
    } catch {
      return { status: response.status, body: { message: text } as SearchBody };
    }
  };
  return {
    gateway,
    store: client,
    alerts,
    search,
    async waitForHits(sql, count = 1, options) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const { status, body } = await search(sql, options);
        if (status === 200 && body.hits.length >= count) return body.hits;
        if (Date.now() > deadline)
          throw new Error(
            `expected ${count} hit(s) for ${sql}; got ${status} ${JSON.stringify(body).slice(0, 500)}`,
          );
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await gateway.close();
      alerts.db.close();
      await telemetry?.shutdown();
      await client.close();
    },
  };
}

export interface StoreHarness {
  upstream: MockUpstream;
  s: StoreGateway;
}

/**
 * Registers hooks that start a mock upstream and a gateway with its store configured against it, and
 * stop both (as gatewayWithUpstream does for a gateway without the store).
 */
export function storeGatewayWithUpstream(
  configure: (upstreamUrl: string) => Partial<GatewayConfig>,
): StoreHarness {
  const harness = {} as StoreHarness;
  before(async () => {
    harness.upstream = await startMockUpstream();
    harness.s = await startStoreGateway(testConfig(configure(harness.upstream.url)));
  });
  after(async () => {
    await harness.s.close();
    await harness.upstream.close();
  });
  return harness;
}

/**
 * A store gateway with a `demo` mock model whose store already holds one traced chat completion:
 * something for alert rules to evaluate. `config` is merged into the test config.
 */
export async function startStoreGatewayWithChat(config: Partial<GatewayConfig> = {}): Promise<StoreGateway> {
  const s = await startStoreGateway(testConfig({ deployments: [mockDeployment('demo')], ...config }));
  await s.gateway
    .client()
    .chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'hi' }] });
  await s.waitForHits(`SELECT * FROM "default" WHERE operation_name = 'ChatCompletion'`);
  return s;
}

/** A server that accepts connections and never answers: an open port that stays silent. */
export async function startSilentServer(): Promise<{ server: Server; port: number }> {
  const server = createServer(() => {}).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}
