/**
 * Upstreams that break off: a JSON answer cut half-way, a stream cut right after its headers, and an
 * upstream that hangs while the client goes away. The client gets a clean OpenAI-shaped error (for a
 * stream, its last event), nothing is left as an unhandled rejection, and no upstream socket is left
 * open beyond the keep-alive ones.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { deployment, type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';

const unhandled: unknown[] = [];
const onUnhandled = (err: unknown) => unhandled.push(err);

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/** A raw request on its own connection, so the test sees exactly what the gateway wrote. */
function post(url: string, body: object, signal?: AbortSignal): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/chat/completions`, {
      method: 'POST',
      agent: false,
      signal,
      headers: { 'content-type': 'application/json' },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type']),
          body: text,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** OpenAI's error shape: `{ error: { message, type, param, code } }`. */
function assertOpenAiError(value: unknown, type: string, code: string) {
  const error = (value as { error?: Record<string, unknown> }).error;
  assert.ok(error, `an error object: ${JSON.stringify(value)}`);
  assert.equal(typeof error.message, 'string');
  assert.ok(String(error.message).length > 10);
  assert.equal(error.type, type);
  assert.equal(error.code, code);
  assert.ok('param' in error);
}

describe('upstreams that break off', { timeout: 20_000 }, () => {
  let upstream: MockUpstream;
  let gateway: RunningGateway;
  const ask = { model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] };

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    upstream = await startMockUpstream();
    gateway = await startGateway(
      testConfig({
        deployments: [
          deployment({ modelName: 'gpt-test', model: 'm', apiBase: upstream.url, timeoutMs: 5_000 }),
          deployment({ modelName: 'gpt-retry', model: 'm', apiBase: upstream.url, maxRetries: 1 }),
        ],
      }),
    );
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
    process.off('unhandledRejection', onUnhandled);
  });
  beforeEach(() => {
    unhandled.length = 0;
  });
  afterEach(async () => {
    // Give the sockets a moment to close, then: nothing unhandled, nothing open towards the upstream
    // but idle keep-alive connections (one per request that completed normally at most).
    await sleep(100);
    assert.deepEqual(unhandled, []);
    assert.equal(upstream.counts.open, 0, 'no upstream request left open');
  });

  it('answers a JSON body cut half-way with a 502 in OpenAI error shape', async () => {
    upstream.queue({ cutBody: true });
    const answer = await post(gateway.url, ask);
    assert.equal(answer.status, 502, answer.body);
    assert.match(answer.contentType, /^application\/json/);
    const parsed = JSON.parse(answer.body);
    assertOpenAiError(parsed, 'api_connection_error', 'upstream_unreachable');
    assert.match(parsed.error.message, /broke off in the middle of its answer/);
    assert.equal(await upstream.openSockets(), 0, 'the cut connection is gone');
  });

  it('retries a JSON body cut half-way, as nothing reached the client yet', async () => {
    upstream.queue({ cutBody: true });
    const received = upstream.counts.received;
    const answer = await post(gateway.url, { ...ask, model: 'gpt-retry' });
    assert.equal(answer.status, 200, answer.body);
    assert.match(JSON.parse(answer.body).choices[0].message.content, /mock upstream/);
    assert.equal(upstream.counts.received - received, 2);
  });

  it('ends a stream cut right after its headers with an error event', async () => {
    upstream.queue({ dieAfterChunks: 0 });
    const answer = await post(gateway.url, { ...ask, stream: true });
    assert.equal(answer.status, 200);
    assert.match(answer.contentType, /^text\/event-stream/);
    const events = answer.body
      .split('\n\n')
      .filter((e) => e.startsWith('data: '))
      .map((e) => e.slice(6));
    assert.equal(events.length, 1, answer.body);
    assertOpenAiError(JSON.parse(events[0] ?? ''), 'api_connection_error', 'upstream_stream_error');
    assert.equal(await upstream.openSockets(), 0, 'the cut connection is gone');
  });

  for (const stream of [false, true]) {
    it(`lets go of a hung upstream when the ${stream ? 'streaming' : 'waiting'} client goes away`, async () => {
      upstream.queue({ hang: true });
      const aborted = upstream.nextAbort();
      const before = await gateway.connections();
      const controller = new AbortController();
      const answer = post(gateway.url, { ...ask, stream }, controller.signal);
      while (upstream.counts.open === 0) await sleep(10);
      controller.abort();
      await assert.rejects(answer, { name: 'AbortError' });
      assert.equal((await aborted).aborted, true, 'the upstream request was aborted');
      await sleep(50);
      assert.equal(await upstream.openSockets(), 0, 'no upstream socket left');
      assert.ok((await gateway.connections()) <= before);
    });
  }

  it('still answers afterwards', async () => {
    const answer = await post(gateway.url, ask);
    assert.equal(answer.status, 200);
  });
});
