import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import OpenAI from 'openai';
import { deployment, gatewayWithUpstream } from './helpers/gateway-server.ts';

describe('streaming faults', () => {
  const h = gatewayWithUpstream((url) => ({
    deployments: [deployment({ modelName: 'gpt-test', model: 'm', apiBase: url, timeoutMs: 2_000 })],
  }));

  const request = {
    model: 'gpt-test',
    messages: [{ role: 'user' as const, content: 'x' }],
    stream: true as const,
  };

  it('relays chunks as they arrive instead of buffering the answer', async () => {
    h.upstream.queue({ chunks: ['a', 'b', 'c', 'd'], chunkDelayMs: 150 });
    const started = Date.now();
    const stream = await h.gateway.client().chat.completions.create(request);
    const arrivals: number[] = [];
    for await (const chunk of stream)
      if (chunk.choices[0]?.delta.content) arrivals.push(Date.now() - started);
    assert.equal(arrivals.length, 4);
    assert.ok((arrivals[0] ?? 0) < 400, `first content after ${arrivals[0]} ms`);
    assert.ok((arrivals[3] ?? 0) - (arrivals[0] ?? 0) >= 300, 'later chunks arrive later');
  });

  it('aborts the upstream request when the client disconnects mid-stream', async () => {
    h.upstream.queue({ chunks: Array.from({ length: 50 }, (_, i) => `${i} `), chunkDelayMs: 50 });
    const controller = new AbortController();
    const aborted = h.upstream.nextAbort();
    const stream = await h.gateway.client().chat.completions.create(request, { signal: controller.signal });
    let seen = 0;
    try {
      for await (const _ of stream) if (++seen === 3) controller.abort();
    } catch {
      // The SDK may end the iteration quietly or throw an abort error; either is the client leaving.
    }
    assert.equal(seen, 3);
    const entry = await aborted;
    assert.equal(entry.aborted, true);
  });

  it('aborts the upstream request when a non-streaming client gives up', async () => {
    h.upstream.queue({ delayMs: 1_500 });
    const aborted = h.upstream.nextAbort();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(
      h.gateway
        .client()
        .chat.completions.create({ ...request, stream: false }, { signal: controller.signal }),
    );
    assert.equal((await aborted).aborted, true);
  });

  it('ends the stream with an error event when the upstream dies mid-stream', async () => {
    h.upstream.queue({ dieAfterChunks: 2, chunkDelayMs: 30 });
    const stream = await h.gateway.client().chat.completions.create(request);
    const contents: string[] = [];
    await assert.rejects(
      async () => {
        for await (const chunk of stream) contents.push(chunk.choices[0]?.delta.content ?? '');
      },
      (err: unknown) => {
        assert.ok(err instanceof OpenAI.APIError);
        assert.match(err.message, /in the middle of the stream/);
        return true;
      },
    );
    assert.ok(contents.length >= 1, 'chunks before the failure were delivered');
  });

  it('ends the stream with an error event when the upstream stalls mid-stream', async () => {
    h.upstream.queue({ chunks: ['a', 'b'], chunkDelayMs: 3_000 });
    const stream = await h.gateway.client().chat.completions.create(request);
    await assert.rejects(async () => {
      for await (const _ of stream) {
      }
    }, /stopped sending/);
  });

  it('answers a stream request that fails before the first byte with a plain error status', async () => {
    h.upstream.queue({ status: 500, body: { error: { message: 'boom' } } });
    await assert.rejects(h.gateway.client().chat.completions.create(request), {
      status: 500,
      message: '500 boom',
    });
  });
});
