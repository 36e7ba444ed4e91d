/**
 * Hostile span senders and a full disk, over HTTP (issue 14, items 1 and 11). Gzipped OTLP with
 * megabyte attribute keys is stored without them and answered with a partial-success warning; `_search`
 * and the trace list keep answering 200 with the legitimate spans. An answer with 10,000 choices makes
 * a span with 50 recorded messages and a count of the rest. When the store's disk is full, ingest
 * answers 503 with a clear message and the log says so once; once there is room, ingest works again
 * and the log says that once too. A sender cannot make the store keep streams without end: spans for a
 * stream past the limit are refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { createGateway } from '../src/gateway/gateway.ts';
import { ModelRegistry } from '../src/gateway/model-registry.ts';
import { routerStateFor } from '../src/gateway/router-state-for.ts';
import { buildApp } from '../src/server/app.ts';
import { StoreClient } from '../src/store/store-client.ts';
import { MAX_MESSAGES } from '../src/telemetry/message-attributes.ts';
import { deployment, testConfig } from './helpers/gateway-server.ts';
import { mockDeployment } from './helpers/mock-deployment.ts';
import { type StoreGateway, startStoreGateway, storeGatewayWithUpstream } from './helpers/store-gateway.ts';

const MB = 1024 * 1024;
const hexId = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');

function otlp(spans: Array<{ name: string; attributes: Record<string, string> }>): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'app' } }] },
        scopeSpans: [
          {
            spans: spans.map((s) => ({
              traceId: hexId(16),
              spanId: hexId(8),
              name: s.name,
              kind: 2,
              startTimeUnixNano: `${now}`,
              endTimeUnixNano: `${now + 1_000_000n}`,
              attributes: Object.entries(s.attributes).map(([key, v]) => ({
                key,
                value: { stringValue: v },
              })),
            })),
          },
        ],
      },
    ],
  });
}

const post = (url: string, body: string, stream?: string, org = 'default') =>
  fetch(`${url}/api/${org}/v1/traces`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      ...(stream === undefined ? {} : { 'stream-name': stream }),
    },
    body: gzipSync(body),
  });

describe('trace store: megabyte attribute keys over OTLP/HTTP', () => {
  const h = storeGatewayWithUpstream((upstream) => ({
    deployments: [deployment({ modelName: 'many', model: 'm', apiBase: upstream })],
  }));

  it('stores the spans without the keys, warns the sender, and search keeps answering', async () => {
    const url = h.s.gateway.url;
    const legit = Array.from({ length: 20 }, (_, i) => ({ name: 'legit', attributes: { 'app.i': `${i}` } }));
    assert.equal((await post(url, otlp(legit))).status, 200);
    for (let round = 0; round < 4; round++) {
      const attributes = Object.fromEntries(
        ['a', 'b', 'c'].map((c) => [`${c}${round}`.repeat(MB / 2), 'x'] as const),
      );
      const response = await post(url, otlp([{ name: 'attack', attributes }]));
      assert.equal(response.status, 200);
      const body = (await response.json()) as {
        partialSuccess?: { rejectedSpans: number; errorMessage: string };
      };
      assert.equal(body.partialSuccess?.rejectedSpans, 0);
      assert.match(body.partialSuccess?.errorMessage ?? '', /3 attribute\(s\) dropped: key longer than 256/);
    }
    const hits = await h.s.waitForHits(`SELECT * FROM "default" WHERE operation_name = 'legit'`, 20);
    assert.equal(hits.length, 20);
    const latest = await fetch(
      `${url}/api/default/default/traces/latest?start_time=1&end_time=${Date.now() * 1000 + 60e6}&size=100`,
    );
    assert.equal(latest.status, 200);
    assert.equal(((await latest.json()) as { hits: unknown[] }).hits.length >= 24, true);
  });

  it('records at most 50 of an answer with 10,000 choices, with a count of the rest', async () => {
    const choices = Array.from({ length: 10_000 }, (_, index) => ({
      index,
      message: { role: 'assistant', content: `choice ${index}` },
      finish_reason: 'stop',
    }));
    h.upstream.queue({
      body: { id: 'x', object: 'chat.completion', created: 1, model: 'm', choices, usage: undefined },
    });
    const answer = await h.s.gateway.client().chat.completions.create({
      model: 'many',
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(answer.choices.length, 10_000);
    const [span] = await h.s.waitForHits(
      `SELECT * FROM "default" WHERE tollgate_output_messages_omitted IS NOT NULL`,
    );
    assert.equal(span?.tollgate_output_messages_omitted, String(10_000 - MAX_MESSAGES));
    const recorded = Object.keys(span ?? {}).filter((k) =>
      /^llm_output_messages_\d+_message_content$/.test(k),
    );
    assert.equal(recorded.length, MAX_MESSAGES);
  });
});

describe('trace store: a sender naming new streams without end', () => {
  let s: StoreGateway;
  before(async () => {
    s = await startStoreGateway(testConfig({ deployments: [mockDeployment('demo')] }), { maxStreams: 3 });
  });
  after(() => s.close());

  it('refuses spans for a stream past the limit, in any organisation; the gateway still traces', async () => {
    const span = otlp([{ name: 'legit', attributes: { 'app.i': '1' } }]);
    for (const stream of ['one', 'two', 'three'])
      assert.equal((await post(s.gateway.url, span, stream)).status, 200);
    for (const [stream, org] of [
      ['four', 'default'],
      ['one', 'other'],
    ]) {
      const refused = await post(s.gateway.url, span, stream, org);
      assert.equal(refused.status, 400);
      assert.match(((await refused.json()) as { message: string }).message, /at most 3 streams/);
    }
    assert.equal((await post(s.gateway.url, span, 'one')).status, 200);
    // The gateway's own spans get their stream all the same: senders cannot leave it untraced.
    await s.gateway
      .client()
      .chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'hi' }] });
    await s.waitForHits(`SELECT * FROM "default" WHERE operation_name = 'ChatCompletion'`);
    const streams = (await (await fetch(`${s.gateway.url}/api/default/streams?type=traces`)).json()) as {
      list: Array<{ name: string }>;
    };
    assert.deepEqual(streams.list.map((l) => l.name).sort(), ['default', 'one', 'three', 'two']);
  });
});

describe('trace store: a full disk', () => {
  const lines: string[] = [];
  let dir = '';
  let url = '';
  let store: StoreClient;
  let close: () => Promise<void>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-full-'));
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    // 96 pages of 8 KB: the "disk" fills after a few hundred spans; retention keeps 256 KB.
    store = await StoreClient.start({
      log: (message) => logger.warn(message),
      path: join(dir, 'traces.db'),
      maxAgeMs: 0,
      maxBytes: 256 * 1024,
      queryTimeLimitMs: 5000,
      maxBodyBytes: 16 * MB,
      maxPageCount: 96,
      retentionIntervalMs: 3_600_000,
    });
    const config = testConfig({ deployments: [] });
    const registry = new ModelRegistry(config.deployments, config.aliases);
    const gateway = createGateway(config, registry, logger, await routerStateFor(config, logger));
    const app = buildApp({ config, logger, version: 'test', gateway, registry, store });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    close = async () => {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    };
  });
  after(() => close());

  const logged = (text: string) => lines.filter((line) => line.includes(text)).length;
  const batch = (n: number) =>
    otlp(Array.from({ length: n }, (_, i) => ({ name: 'fill', attributes: { text: `${i}`.repeat(300) } })));

  it('answers 503 with a clear message, logs it once, and stores again once there is room', async () => {
    let full: Response | undefined;
    for (let i = 0; i < 200 && !full; i++) {
      const response = await post(url, batch(50));
      if (response.status === 503) full = response;
      else assert.equal(response.status, 200);
    }
    assert.ok(full, 'the store never filled up');
    assert.equal(full.headers.get('retry-after'), '10');
    const body = (await full.json()) as { code: number; message: string };
    assert.equal(body.code, 503);
    assert.match(body.message, /disk is full/);
    for (let i = 0; i < 5; i++) assert.equal((await post(url, batch(400))).status, 503);
    assert.equal(logged('the disk is full'), 1);
    assert.equal(logged('no transaction is active'), 0);
    // Retention (which runs on its own every minute) frees room; ingest then stores again.
    assert.ok((await store.call('retain', {})) > 0);
    assert.equal((await post(url, batch(5))).status, 200);
    assert.equal((await post(url, batch(5))).status, 200);
    assert.equal(logged('the disk has room again'), 1);
    assert.equal(logged('the disk is full'), 1);
  });
});
