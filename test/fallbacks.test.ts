/**
 * Fallbacks as LiteLLM's Router does them, through the official openai SDK: a failing group's requests
 * go to its fallback groups, a prompt too long to `context_window_fallbacks`, refused content to
 * `content_policy_fallbacks`; the client sees one clean answer, the headers and the stored span say
 * a fallback answered, and lists that point at each other never loop.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Fallbacks } from '../src/config/types.ts';
import { deployment, testConfig } from './helpers/gateway-server.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

const upstreamError = (status: number, code: string, message: string) => ({
  status,
  body: { error: { message, type: 'invalid_request_error', param: null, code } },
});

describe('fallbacks', () => {
  let primary: MockUpstream;
  let backup: MockUpstream;
  let s: StoreGateway;
  const fallbacks: Fallbacks = {
    general: { primary: ['backup'], loop_a: ['loop_b'], loop_b: ['loop_a'] },
    contextWindow: { primary: ['bigger'] },
    contentPolicy: { primary: ['lenient'] },
    default: [],
  };

  before(async () => {
    primary = await startMockUpstream();
    backup = await startMockUpstream();
    const on = (modelName: string, upstream: MockUpstream) =>
      deployment({ modelName, model: `${modelName}-model`, apiBase: upstream.url, apiKey: 'sk-test-x' });
    s = await startStoreGateway(
      testConfig({
        fallbacks,
        deployments: [
          on('primary', primary),
          on('backup', backup),
          on('bigger', backup),
          on('lenient', backup),
          on('loop_a', primary),
          on('loop_b', primary),
        ],
      }),
    );
  });
  after(async () => {
    await s.close();
    await primary.close();
    await backup.close();
  });

  it('answers from the fallback group when the requested one fails, and says so', async () => {
    primary.queue({ status: 503, body: { error: { message: 'overloaded', type: 'server_error' } } });
    const { data, response } = await s.gateway
      .client()
      .chat.completions.create({
        model: 'primary',
        messages: [{ role: 'user', content: 'fallback-general' }],
      })
      .withResponse();
    assert.ok(data.choices[0]?.message.content);
    assert.equal(response.headers.get('x-tollgate-attempted-fallbacks'), '1');
    assert.equal(response.headers.get('x-tollgate-attempted-retries'), '0');
    assert.equal(response.headers.get('x-tollgate-model-group'), 'primary');
    const [span] = await s.waitForHits(`SELECT * FROM "default" WHERE input_value LIKE '%fallback-general%'`);
    assert.equal(span?.tollgate_fallback, 'true');
    assert.equal(span?.tollgate_fallback_model_group, 'backup');
    assert.equal(span?.tollgate_attempts, '2');
    assert.equal(span?.llm_model_name, 'backup-model');
  });

  it('sends a prompt too long for the model to context_window_fallbacks', async () => {
    primary.queue(
      upstreamError(400, 'context_length_exceeded', "This model's maximum context length is 8192 tokens."),
    );
    const { response } = await s.gateway
      .client()
      .chat.completions.create({ model: 'primary', messages: [{ role: 'user', content: 'long' }] })
      .withResponse();
    assert.equal(response.headers.get('x-tollgate-attempted-fallbacks'), '1');
    assert.equal(backup.received.at(-1)?.body.model, 'bigger-model');
  });

  it('sends refused content to content_policy_fallbacks', async () => {
    primary.queue(
      upstreamError(400, 'content_policy_violation', 'Your request was rejected by the content policy.'),
    );
    await s.gateway
      .client()
      .chat.completions.create({ model: 'primary', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(backup.received.at(-1)?.body.model, 'lenient-model');
  });

  it("never falls back on the client's own mistake", async () => {
    primary.queue(upstreamError(400, 'invalid_value', 'temperature must be at most 2'));
    const before = backup.received.length;
    await assert.rejects(
      s.gateway
        .client()
        .chat.completions.create({ model: 'primary', messages: [{ role: 'user', content: 'x' }] }),
      (err: { status?: number }) => err.status === 400,
    );
    assert.equal(backup.received.length, before);
  });

  it('stops when fallback lists point at each other: each group is tried once', async () => {
    const failing = { status: 500, body: { error: { message: 'down', type: 'server_error' } } };
    primary.queue(failing, failing, failing);
    const before = primary.received.length;
    await assert.rejects(
      s.gateway
        .client()
        .chat.completions.create({ model: 'loop_a', messages: [{ role: 'user', content: 'x' }] }),
      (err: { status?: number }) => err.status === 500,
    );
    assert.equal(primary.received.length - before, 2, 'loop_a once, loop_b once');
  });
});
