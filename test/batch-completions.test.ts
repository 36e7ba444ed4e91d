/**
 * LiteLLM's batch completions: a chat `model` of comma-separated groups asks each the same thing, and
 * the answer is a list of their answers in that order — a failed one as its error object — each model's
 * request routed (and retried, traced) as a request of its own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deployment, gatewayWithUpstream } from './helpers/gateway-server.ts';

describe('batch completions (comma-separated model)', () => {
  const h = gatewayWithUpstream((url) => ({
    deployments: [
      deployment({ modelName: 'one', model: 'one-model', apiBase: url }),
      deployment({ modelName: 'two', model: 'two-model', apiBase: url }),
    ],
  }));
  const post = (body: object) =>
    fetch(`${h.gateway.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], ...body }),
    });

  it('answers a list, one chat completion per model, each model called once', async () => {
    const before = h.upstream.received.length;
    const res = await post({ model: 'one, two' });
    assert.equal(res.status, 200);
    const answers = (await res.json()) as Array<{ object: string; choices: unknown[] }>;
    assert.equal(answers.length, 2);
    for (const a of answers) assert.equal(a.object, 'chat.completion');
    const models = h.upstream.received.slice(before).map((r) => r.body.model);
    assert.deepEqual(models.sort(), ['one-model', 'two-model']);
  });

  it("gives a failed model's place its error object, in order", async () => {
    const res = await post({ model: 'nope,one' });
    assert.equal(res.status, 200);
    const [missing, one] = (await res.json()) as Array<Record<string, unknown>>;
    assert.match(JSON.stringify(missing), /model_not_found/);
    assert.equal(one?.object, 'chat.completion');
  });

  it('refuses to stream a batch', async () => {
    const res = await post({ model: 'one,two', stream: true });
    assert.equal(res.status, 400);
  });
});
