/**
 * Abuse: secrets must not leak into logs or traces. Requests carry the master key and provider-looking
 * keys in headers and bodies (`api_key` too), upstreams fail with 401 and echo the provider key in
 * their error body; with the log at debug, no log line and no stored span contains any of them.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { loadPrices } from '../src/gateway/cost.ts';
import { createGateway } from '../src/gateway/gateway.ts';
import { ModelRegistry } from '../src/gateway/model-registry.ts';
import { routerStateFor } from '../src/gateway/router-state-for.ts';
import { buildApp } from '../src/server/app.ts';
import { StoreClient } from '../src/store/store-client.ts';
import { createTelemetry, type Telemetry } from '../src/telemetry/telemetry.ts';
import { deployment, testConfig } from './helpers/gateway-server.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';

const MASTER = 'sk-test-master-5ecret-0001';
const PROVIDER = 'sk-test-provider-5ecret-0002';
const IN_BODY = 'sk-test-body-5ecret-0003';
const IN_HEADER = 'sk-test-header-5ecret-0004';
const SECRETS = [MASTER, PROVIDER, IN_BODY, IN_HEADER];
/** A secret also leaks when cut or encoded: look for a long enough middle part. */
const FRAGMENTS = SECRETS.map((s) => s.slice(8, 22));

describe('abuse: secrets in logs and spans', () => {
  const lines: string[] = [];
  let upstream: MockUpstream;
  let store: StoreClient;
  let telemetry: Telemetry | undefined;
  let url = '';
  let close: () => Promise<void>;

  before(async () => {
    upstream = await startMockUpstream();
    store = await StoreClient.start({
      path: ':memory:',
      maxAgeMs: 0,
      maxBytes: 0,
      queryTimeLimitMs: 5000,
      maxBodyBytes: 1 << 24,
    });
    telemetry = createTelemetry({
      targets: [],
      store: { store, stream: 'default' },
      serviceName: 'tollgate',
      version: 'test',
      hideInputs: false,
      hideOutputs: false,
      maxValueLength: 32 * 1024,
    });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ level: 'trace' }, sink);
    const config = testConfig({
      masterKey: MASTER,
      logLevel: 'debug',
      deployments: [
        deployment({ modelName: 'gpt-test', model: 'm', apiBase: upstream.url, apiKey: PROVIDER }),
        deployment({ modelName: 'down', model: 'm', apiBase: 'http://127.0.0.1:9/v1', apiKey: PROVIDER }),
      ],
    });
    await loadPrices(config.deployments);
    const registry = new ModelRegistry(config.deployments, config.aliases);
    const gateway = createGateway(config, registry, logger, await routerStateFor(config, logger));
    gateway.onFinish((record) => telemetry?.record(record));
    const app = buildApp({ config, logger, version: 'test', gateway, registry, store });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    close = async () => {
      await app.close();
      await telemetry?.shutdown();
      await store.close();
      await upstream.close();
    };
  });
  after(() => close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${MASTER}`,
        'content-type': 'application/json',
        'x-api-key': MASTER,
        'api-key': IN_HEADER,
        'openai-api-key': IN_HEADER,
        'x-goog-api-key': IN_HEADER,
        'x-user-id': 'user-1',
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('keeps every key out of the log and the stored spans, upstream failures included', async () => {
    const chat = (model: string, extra: Record<string, unknown> = {}) => ({
      model,
      messages: [{ role: 'user', content: 'hello' }],
      api_key: IN_BODY,
      metadata: { session_id: 's-1' },
      ...extra,
    });
    const echo = {
      error: {
        message: `Incorrect API key provided: ${PROVIDER}.`,
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      },
    };
    const answers: string[] = [];
    const record = async (response: Response) => answers.push(`${response.status} ${await response.text()}`);
    await record(await post('/v1/chat/completions', chat('gpt-test')));
    upstream.queue({ status: 401, body: echo });
    await record(await post('/v1/chat/completions', chat('gpt-test')));
    upstream.queue({ status: 401, body: echo });
    await record(await post('/v1/chat/completions', chat('gpt-test', { stream: true })));
    upstream.queue({ status: 500, body: `upstream broke; key was ${PROVIDER}` });
    await record(await post('/v1/completions', { model: 'gpt-test', prompt: 'x', api_key: IN_BODY }));
    upstream.queue({ status: 403, body: echo });
    await record(await post('/v1/embeddings', { model: 'gpt-test', input: 'x', api_key: IN_BODY }));
    await record(await post('/v1/chat/completions', chat('down')));
    await record(await post('/v1/chat/completions', chat('no-such-model')));
    await record(await post('/v1/chat/completions', { ...chat('gpt-test'), temperature: 'hot' }));
    await record(await post('/v1/chat/completions', `{"api_key": "${IN_BODY}", "model": `));
    await record(
      await post('/v1/chat/completions', chat('gpt-test'), {
        authorization: `Bearer ${MASTER}x`,
        'x-api-key': '',
      }),
    );
    await record(
      await post(
        '/api/default/_search',
        { query: { sql: `SELECT '${MASTER}' FROM nowhere`, start_time: 0, end_time: 2 ** 60 } },
        { authorization: `Bearer ${IN_HEADER}` },
      ),
    );

    // Every request is traced before its span is stored; wait for the ones that reached routing.
    const search = async (sql: string) => {
      const response = await fetch(`${url}/api/default/_search`, {
        method: 'POST',
        headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: { sql, start_time: 0, end_time: 2 ** 60, size: 1000 } }),
      });
      return (await response.json()) as { hits: Array<Record<string, unknown>> };
    };
    const deadline = Date.now() + 10_000;
    let rows: Array<Record<string, unknown>> = [];
    while (Date.now() < deadline) {
      rows = (await search('SELECT * FROM "default"')).hits ?? [];
      if (
        rows.filter((r) => r.operation_name === 'ChatCompletion' || String(r.operation_name).length > 0)
          .length >= 10
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(rows.length >= 8, `spans stored: ${rows.length}`);
    assert.ok(lines.length > 10, 'the debug log was captured');
    const leaks = (where: string, texts: string[]) =>
      texts.flatMap((text) =>
        FRAGMENTS.filter((f) => text.includes(f)).map((f) => `${where}: …${f}… in ${text.slice(0, 400)}`),
      );
    const found = [
      ...leaks('log', lines),
      ...rows.flatMap((row) =>
        leaks(
          `span ${String(row.operation_name)}`,
          Object.entries(row).map(([k, v]) => `${k}=${String(v)}`),
        ),
      ),
      ...leaks('answer', answers),
    ];
    assert.deepEqual(found, []);
  });
});
