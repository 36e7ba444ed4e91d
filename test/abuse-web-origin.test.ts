/**
 * Abuse: web pages using the gateway through the user's browser. Without a master key, a page of
 * another site sends what a browser sends without a preflight (text/plain or form bodies, an Origin of
 * its own) or reaches the gateway by DNS rebinding (Host: its own name); each is refused before it
 * reaches an upstream, the store or the alert rules. Configured hosts and origins are let in, with CORS
 * answers a browser accepts; the OpenAI SDK, OTLP exporters and the UI's same-origin calls still work.
 * With a master key, the Host check is off and bodies stay lenient, and CORS answers only configured
 * origins' preflights.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { GatewayConfig } from '../src/config/types.ts';
import { deployment, testConfig } from './helpers/gateway-server.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => Record<string, unknown>;
}

/** One request with exactly these headers (fetch would not let a test set Host or Origin). */
function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: hostname, port, method, path, headers: { connection: 'close', ...headers }, timeout: 10_000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text) as Record<string, unknown>,
          }),
        );
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.end(body);
  });
}

const CHAT = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
const JSON_TYPE = { 'content-type': 'application/json' };
const EVIL = 'https://evil.example';
const DESTINATION = JSON.stringify({ name: 'evil-hook', url: 'https://hooks.example.com/x' });

function withUpstream(extra: Partial<GatewayConfig>): {
  s: StoreGateway;
  upstream: MockUpstream;
  port: string;
} {
  const harness = {} as { s: StoreGateway; upstream: MockUpstream; port: string };
  before(async () => {
    harness.upstream = await startMockUpstream();
    harness.s = await startStoreGateway(
      testConfig({
        deployments: [
          deployment({
            modelName: 'gpt-4o-mini',
            model: 'gpt-4o-mini',
            apiBase: harness.upstream.url,
            apiKey: 'sk-up',
          }),
        ],
        ...extra,
      }),
    );
    harness.port = new URL(harness.s.gateway.url).port;
  });
  after(async () => {
    await harness.s.close();
    await harness.upstream.close();
  });
  return harness;
}

describe('without a master key, a page of another site cannot use the gateway', () => {
  const h = withUpstream({});
  const url = () => h.s.gateway.url;

  it('refuses a cross-origin text/plain chat completion before it reaches the upstream', async () => {
    const before = h.upstream.counts.received;
    const res = await send(
      url(),
      'POST',
      '/v1/chat/completions',
      { origin: EVIL, 'content-type': 'text/plain' },
      CHAT,
    );
    assert.equal(res.status, 403);
    const error = res.json().error as { message: string; code: string };
    assert.equal(error.code, 'origin_not_allowed');
    assert.match(error.message, /cors_allow_origins/);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    assert.equal(h.upstream.counts.received, before, 'the upstream was not called');
  });

  it('refuses cross-origin webhooks, alert rules and spans (OpenObserve errors), and stores none', async () => {
    const hook = await send(
      url(),
      'POST',
      '/api/default/alerts/destinations',
      { origin: EVIL, 'content-type': 'text/plain' },
      DESTINATION,
    );
    assert.equal(hook.status, 403);
    assert.equal(hook.json().code, 403, 'OpenObserve dialect on the alert routes');
    const rule = await send(
      url(),
      'POST',
      '/api/v2/default/alerts',
      { origin: EVIL, ...JSON_TYPE },
      '{"name":"x"}',
    );
    assert.equal(rule.status, 403);
    const spans = await send(
      url(),
      'POST',
      '/api/default/v1/traces',
      { origin: EVIL, 'content-type': 'text/plain' },
      '{"resourceSpans":[]}',
    );
    assert.equal(spans.status, 403);
    const listed = await send(url(), 'GET', '/api/default/alerts/destinations');
    assert.deepEqual(listed.json().list, []);
  });

  it('refuses a cross-origin preflight without CORS headers', async () => {
    const res = await send(url(), 'OPTIONS', '/v1/chat/completions', {
      origin: EVIL,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });
    assert.equal(res.status, 403);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });

  it('refuses bodies that are not JSON, even without an Origin (415)', async () => {
    const before = h.upstream.counts.received;
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await send(url(), 'POST', '/v1/chat/completions', { 'content-type': type }, CHAT);
      assert.equal(res.status, 415, type);
      assert.match((res.json().error as { message: string }).message, /application\/json/);
    }
    const none = await send(
      url(),
      'POST',
      '/v1/chat/completions',
      { 'content-length': String(CHAT.length) },
      CHAT,
    );
    assert.equal(none.status, 415, 'no Content-Type');
    assert.match((none.json().error as { message: string }).message, /no Content-Type/);
    const search = await send(
      url(),
      'POST',
      '/api/default/_search',
      { 'content-type': 'text/plain' },
      '{"query":{"sql":"SELECT 1"}}',
    );
    assert.equal(search.status, 415);
    assert.equal(search.json().code, 415, 'OpenObserve dialect on the store routes');
    const hook = await send(url(), 'POST', '/api/default/alerts/destinations', {}, DESTINATION);
    assert.equal(hook.status, 415);
    assert.deepEqual((await send(url(), 'GET', '/api/default/alerts/destinations')).json().list, []);
    assert.equal(h.upstream.counts.received, before, 'the upstream was not called');
  });

  it('refuses a Host that is not a local name (DNS rebinding), on the LLM and store routes', async () => {
    const models = await send(url(), 'GET', '/v1/models', { host: `evil.example:${h.port}` });
    assert.equal(models.status, 403);
    assert.equal((models.json().error as { code: string }).code, 'host_not_allowed');
    assert.match((models.json().error as { message: string }).message, /allowed_hosts/);
    const latest = await send(url(), 'GET', '/api/default/default/traces/latest', {
      host: `evil.example:${h.port}`,
    });
    assert.equal(latest.status, 403);
    assert.equal(latest.json().code, 403);
    // Same-origin for the rebound page: its Origin is its own name.
    const chat = await send(
      url(),
      'POST',
      '/v1/chat/completions',
      { host: `evil.example:${h.port}`, origin: `http://evil.example:${h.port}`, ...JSON_TYPE },
      CHAT,
    );
    assert.equal(chat.status, 403);
  });

  it('answers localhost names and IP addresses', async () => {
    for (const host of [
      `localhost:${h.port}`,
      `127.0.0.1:${h.port}`,
      `[::1]:${h.port}`,
      `app.localhost:${h.port}`,
      `10.1.2.3:${h.port}`,
      'localhost',
    ]) {
      const res = await send(url(), 'GET', '/v1/models', { host });
      assert.equal(res.status, 200, host);
    }
  });

  it("lets the UI's same-origin calls through", async () => {
    const origin = `http://localhost:${h.port}`;
    const res = await send(
      url(),
      'POST',
      '/api/default/alerts/destinations',
      { host: `localhost:${h.port}`, origin, ...JSON_TYPE },
      JSON.stringify({ name: 'team-chat', url: 'https://hooks.example.com/T0' }),
    );
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['access-control-allow-origin'], undefined, 'same origin needs no CORS');
    await send(url(), 'DELETE', '/api/default/alerts/destinations/team-chat', {
      host: `localhost:${h.port}`,
      origin,
    });
  });

  it('still serves the OpenAI SDK and an OTLP protobuf exporter', async () => {
    const answer = await h.s.gateway.client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.match(answer.choices[0]?.message.content ?? '', /mock upstream/);
    const provider = new TracerProvider({
      spanProcessors: [
        new BatchSpanProcessor({ exporter: new ProtoExporter({ url: `${url()}/v1/traces` }) }),
      ],
    });
    provider.getTracer('test').startSpan('web-origin exported', { kind: SpanKind.SERVER }).end();
    await provider.forceFlush();
    await provider.shutdown();
    await h.s.waitForHits(`SELECT * FROM "default" WHERE operation_name = 'web-origin exported'`);
  });
});

describe('without a master key, configured hosts and origins are let in', () => {
  const APP = 'https://app.example.com';
  const h = withUpstream({ allowedHosts: ['tollgate.internal', '*.corp.example'], corsAllowOrigins: [APP] });
  const url = () => h.s.gateway.url;

  it('answers configured host names and their subdomains only', async () => {
    for (const host of ['tollgate.internal', `tollgate.internal:${h.port}`, 'a.corp.example']) {
      assert.equal((await send(url(), 'GET', '/v1/models', { host })).status, 200, host);
    }
    for (const host of ['other.internal', 'corp.example.evil', 'evil.example']) {
      assert.equal((await send(url(), 'GET', '/v1/models', { host })).status, 403, host);
    }
  });

  it('answers a configured origin’s preflight and requests with CORS headers, streams included', async () => {
    const preflight = await send(url(), 'OPTIONS', '/v1/chat/completions', {
      origin: APP,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type, x-stainless-os',
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], APP);
    assert.equal(
      preflight.headers['access-control-allow-headers'],
      'authorization, content-type, x-stainless-os',
    );
    assert.match(String(preflight.headers['access-control-allow-methods']), /POST/);
    assert.match(String(preflight.headers.vary), /Origin/);

    const chat = await send(url(), 'POST', '/v1/chat/completions', { origin: APP, ...JSON_TYPE }, CHAT);
    assert.equal(chat.status, 200, chat.text);
    assert.equal(chat.headers['access-control-allow-origin'], APP);
    assert.equal(chat.headers['access-control-expose-headers'], '*');
    assert.match(String(chat.headers.vary), /Origin/);

    const stream = await send(
      url(),
      'POST',
      '/v1/chat/completions',
      { origin: APP, ...JSON_TYPE },
      JSON.stringify({ ...JSON.parse(CHAT), stream: true }),
    );
    assert.equal(stream.status, 200);
    assert.match(String(stream.headers['content-type']), /event-stream/);
    assert.equal(stream.headers['access-control-allow-origin'], APP);

    const error = await send(url(), 'POST', '/v1/chat/completions', { origin: APP, ...JSON_TYPE }, '{}');
    assert.equal(error.status, 400);
    assert.equal(error.headers['access-control-allow-origin'], APP, 'errors are readable too');
  });

  it('still refuses other origins', async () => {
    const res = await send(
      url(),
      'POST',
      '/v1/chat/completions',
      { origin: 'https://app.example.com.evil.example', ...JSON_TYPE },
      CHAT,
    );
    assert.equal(res.status, 403);
  });
});

describe('with a master key', () => {
  const KEY = 'sk-test-master';
  const APP = 'http://localhost:5173';
  const auth = { authorization: `Bearer ${KEY}` };
  const h = withUpstream({ masterKey: KEY, corsAllowOrigins: [APP] });
  const url = () => h.s.gateway.url;

  it('answers any Host name and keeps lenient bodies for key holders', async () => {
    const models = await send(url(), 'GET', '/v1/models', { host: 'gateway.example', ...auth });
    assert.equal(models.status, 200);
    const chat = await send(
      url(),
      'POST',
      '/v1/chat/completions',
      { 'content-type': 'text/plain', ...auth },
      CHAT,
    );
    assert.equal(chat.status, 200, chat.text);
  });

  it('refuses preflights of other origins and answers the configured one', async () => {
    const preflight = {
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization',
    };
    const other = await send(url(), 'OPTIONS', '/v1/chat/completions', { origin: EVIL, ...preflight });
    assert.equal(other.status, 403);
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    const mine = await send(url(), 'OPTIONS', '/api/default/_search', { origin: APP, ...preflight });
    assert.equal(mine.status, 204);
    assert.equal(mine.headers['access-control-allow-origin'], APP);
    assert.equal(mine.headers['access-control-allow-headers'], 'authorization');
    const hook = await send(
      url(),
      'POST',
      '/api/default/alerts/destinations',
      { origin: APP, ...JSON_TYPE, ...auth },
      DESTINATION,
    );
    assert.equal(hook.status, 200, hook.text);
    assert.equal(hook.headers['access-control-allow-origin'], APP);
  });

  it('gives a page of another origin no CORS headers and no way past the key', async () => {
    const res = await send(
      url(),
      'POST',
      '/v1/chat/completions',
      { origin: EVIL, 'content-type': 'text/plain' },
      CHAT,
    );
    assert.equal(res.status, 401);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });
});
