import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type OpenAI from 'openai';
import { type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { mockDeployment } from './helpers/mock-deployment.ts';

describe('the built-in demo model and mock_response', () => {
  let gateway: RunningGateway;
  before(async () => {
    gateway = await startGateway(testConfig({ deployments: [mockDeployment('demo')] }));
  });
  after(() => gateway.close());

  it('answers with plausible text and usage numbers, after a little latency', async () => {
    const started = Date.now();
    const answer = await gateway.client().chat.completions.create({
      model: 'demo',
      messages: [{ role: 'user', content: 'Explain distributed tracing in one sentence.' }],
    });
    assert.ok(Date.now() - started >= 50, 'some latency, like a real model');
    assert.match(answer.id, /^chatcmpl-/);
    assert.match(answer.choices[0]?.message.content ?? '', /tracing/i);
    assert.equal(answer.choices[0]?.finish_reason, 'stop');
    const usage = answer.usage;
    assert.ok(usage && usage.prompt_tokens > 0 && usage.completion_tokens > 0);
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
  });

  it('streams the same answer in many chunks, with usage when asked', async () => {
    const messages = [{ role: 'user' as const, content: 'hello there' }];
    const plain = await gateway.client().chat.completions.create({ model: 'demo', messages });
    const stream = await gateway.client().chat.completions.create({
      model: 'demo',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    assert.equal(text, plain.choices[0]?.message.content);
    assert.ok(chunks > 5);
    assert.deepEqual(usage?.completion_tokens, plain.usage?.completion_tokens);
  });

  it('serves embeddings with the requested dimensions, the same vector for the same text', async () => {
    const a = await gateway
      .client()
      .embeddings.create({ model: 'demo', input: ['same', 'same', 'other'], dimensions: 64 });
    assert.equal(a.data[0]?.embedding.length, 64);
    assert.deepEqual(a.data[0]?.embedding, a.data[1]?.embedding);
    assert.notDeepEqual(a.data[0]?.embedding, a.data[2]?.embedding);
  });

  it('answers mock_response like LiteLLM: the text, usage 10/20/30, streamed too', async () => {
    const body = { model: 'demo', messages: [{ role: 'user', content: 'x' }], mock_response: 'It works!' };
    const answer = await gateway
      .client()
      .chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming);
    assert.equal(answer.choices[0]?.message.content, 'It works!');
    assert.deepEqual(
      { p: answer.usage?.prompt_tokens, c: answer.usage?.completion_tokens, t: answer.usage?.total_tokens },
      { p: 10, c: 20, t: 30 },
    );
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, model: 'not-configured', stream: true }),
    });
    const text = await res.text();
    assert.match(text, /"finish_reason":"stop"/);
    assert.ok(text.trimEnd().endsWith('data: [DONE]'));
  });
});
