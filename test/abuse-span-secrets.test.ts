/**
 * Keys never recorded (issue 14, point 10): a key a client puts in `metadata` (or any field named like a
 * credential) is masked in the span's input, invocation parameters and metadata, and a provider key of
 * any common shape echoed in an upstream error reaches neither the client nor the span.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deployment } from './helpers/gateway-server.ts';
import { storeGatewayWithUpstream } from './helpers/store-gateway.ts';

const CLIENT_SECRET = 'client-secret-value-0001';
const GROQ_KEY = `gsk_${'T'.repeat(40)}0042`;

describe('secrets in spans', () => {
  const h = storeGatewayWithUpstream((url) => ({
    deployments: [deployment({ modelName: 'gpt-test', model: 'm', apiBase: url, apiKey: GROQ_KEY })],
  }));

  it('masks credential fields of the body wherever they are', async () => {
    await h.s.gateway.client().chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'metadata-secret' }],
      metadata: { api_key: CLIENT_SECRET, session_id: 'abc' },
      // @ts-expect-error LiteLLM-style extra field
      extra_headers: { authorization: `Bearer ${CLIENT_SECRET}` },
    });
    const [span] = await h.s.waitForHits(
      `SELECT * FROM "default" WHERE operation_name = 'ChatCompletion' AND input_value LIKE '%metadata-secret%'`,
    );
    const all = JSON.stringify(span);
    assert.doesNotMatch(all, new RegExp(CLIENT_SECRET));
    assert.match(String(span?.input_value), /\[redacted\]/);
    assert.equal(span?.session_id, 'abc');
  });

  it('masks a Groq-style key an upstream echoes in its error', async () => {
    h.upstream.queue({
      status: 401,
      body: { error: { message: `Invalid API Key: ${GROQ_KEY}`, type: 'invalid_request_error' } },
    });
    const err = await h.s.gateway
      .client()
      .chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'echoed-key' }] })
      .catch((e: unknown) => e as Error);
    assert.ok(err instanceof Error);
    assert.doesNotMatch(err.message, new RegExp(GROQ_KEY));
    const [span] = await h.s.waitForHits(
      `SELECT * FROM "default" WHERE operation_name = 'ChatCompletion' AND input_value LIKE '%echoed-key%'`,
    );
    assert.doesNotMatch(JSON.stringify(span), new RegExp(GROQ_KEY));
  });
});
