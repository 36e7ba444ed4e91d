import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deployment, gatewayWithUpstream } from './helpers/gateway-server.ts';

describe('token usage for streams the client did not ask usage for', () => {
  const h = gatewayWithUpstream((url) => ({
    deployments: [deployment({ modelName: 'gpt-test', model: 'm', apiBase: url })],
  }));

  async function rawStream(body: object): Promise<string> {
    const res = await fetch(`${h.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-test',
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
        ...body,
      }),
    });
    assert.equal(res.status, 200);
    return res.text();
  }

  it('asks the upstream for usage, and the client sees the stream exactly as without it', async () => {
    const text = await rawStream({});
    assert.deepEqual(h.upstream.received.at(-1)?.body.stream_options, { include_usage: true });
    assert.doesNotMatch(text, /usage/, 'no usage chunk and no "usage":null reach the client');
    assert.match(text, /"finish_reason":"stop"/);
    assert.ok(text.trimEnd().endsWith('data: [DONE]'));
  });

  it('leaves the usage chunk in when the client asked for it', async () => {
    const text = await rawStream({ stream_options: { include_usage: true } });
    assert.match(text, /"usage":\{"prompt_tokens":12/);
    assert.match(text, /"usage":null/);
  });

  it('remembers an upstream that refuses stream_options and calls it without', async () => {
    h.upstream.defaultScript = { rejectStreamOptions: true };
    try {
      const before = h.upstream.received.length;
      const first = await rawStream({});
      assert.match(first, /Hello/);
      assert.equal(h.upstream.received.length - before, 2, 'refused once, then called without');
      const second = await rawStream({});
      assert.match(second, /Hello/);
      assert.equal(h.upstream.received.length - before, 3, 'the refusal is remembered');
      assert.equal(h.upstream.received.at(-1)?.body.stream_options, undefined);
    } finally {
      h.upstream.defaultScript = {};
    }
  });
});
