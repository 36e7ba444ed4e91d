/**
 * Usage reported by an upstream is not trusted: negative, infinite or absurd counts must neither fail a
 * request that succeeded (the price table throws on them) nor reach the client's cost header, the span's
 * counters or the deployment's tpm accounting. Such a report counts as no report.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deployment } from './helpers/gateway-server.ts';
import { storeGatewayWithUpstream } from './helpers/store-gateway.ts';

const answer = (usage: Record<string, number>) => ({
  id: 'chatcmpl-usage',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'fine' }, finish_reason: 'stop' }],
  usage,
});

describe('untrusted usage', () => {
  // A priced model: the price table is what threw on negative counts.
  const h = storeGatewayWithUpstream((url) => ({
    deployments: [
      deployment({
        modelName: 'priced',
        model: 'gpt-4o-mini',
        apiBase: url,
        apiKey: 'sk-test-x',
      }),
    ],
  }));

  for (const [label, usage] of [
    ['negative', { prompt_tokens: -5, completion_tokens: 3, total_tokens: -2 }],
    ['huge', { prompt_tokens: 1e308, completion_tokens: 1e308, total_tokens: 1e308 }],
  ] as const) {
    it(`answers 200 and records no ${label} counts or cost`, async () => {
      h.upstream.queue({ status: 200, body: answer(usage) });
      const marker = `usage-${label}`;
      const response = await fetch(`${h.s.gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'priced', messages: [{ role: 'user', content: marker }] }),
      });
      assert.equal(response.status, 200);
      const cost = response.headers.get('x-tollgate-response-cost');
      assert.ok(cost === null || (Number.isFinite(Number(cost)) && Number(cost) >= 0), `cost ${cost}`);
      const [span] = await h.s.waitForHits(
        `SELECT * FROM "default" WHERE operation_name = 'ChatCompletion' AND input_value LIKE '%${marker}%'`,
      );
      for (const column of ['llm_token_count_total', 'llm_token_count_prompt', 'llm_cost_total']) {
        const value = span?.[column];
        assert.ok(
          value === undefined || value === null || (typeof value === 'number' && value >= 0 && value < 1e12),
          `${column}: ${value}`,
        );
      }
    });
  }

  it('still prices believable usage', async () => {
    h.upstream.queue({
      status: 200,
      body: answer({ prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 }),
    });
    const response = await fetch(`${h.s.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'priced', messages: [{ role: 'user', content: 'usage-fine' }] }),
    });
    assert.equal(response.status, 200);
    assert.ok(Number(response.headers.get('x-tollgate-response-cost')) > 0);
  });
});
