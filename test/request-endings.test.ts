/**
 * Every ending recorded truthfully, as the embedded store shows it: a stream its client abandons keeps
 * the text and tokens relayed until then, says the client ended it, lasts until the hang-up, and its
 * attempt span ends when the upstream call was aborted; the same for a plain call abandoned before its
 * answer; the demo model's attempts last as long as they took; and a Retry-After that would cross the
 * request's deadline ends the retries at once with the upstream's own status.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { APIError } from 'openai';
import { deployment } from './helpers/gateway-server.ts';
import { mockDeployment } from './helpers/mock-deployment.ts';
import { type Hit, storeGatewayWithUpstream } from './helpers/store-gateway.ts';

/** Microseconds, as the store keeps durations, between two epoch-millisecond readings. */
const micros = (ms: number) => ms * 1000;

describe('request endings', () => {
  const h = storeGatewayWithUpstream((url) => ({
    requestTimeoutMs: 3_000,
    numRetries: 3,
    deployments: [
      deployment({ modelName: 'gpt-test', model: 'm', apiBase: url, apiKey: 'sk-test-x' }),
      mockDeployment('demo'),
    ],
  }));

  /** The request span and its attempt spans of the request whose prompt was `marker`. */
  async function spansOf(marker: string, attempts = 1): Promise<{ request: Hit; attempts: Hit[] }> {
    const [request] = await h.s.waitForHits(
      `SELECT * FROM "default" WHERE operation_name = 'ChatCompletion' AND input_value LIKE '%${marker}%'`,
    );
    assert.ok(request);
    const children = await h.s.waitForHits(
      `SELECT * FROM "default" WHERE trace_id = '${request.trace_id}' AND reference_parent_span_id = '${request.span_id}' ORDER BY start_time`,
      attempts,
    );
    return { request, attempts: children };
  }

  it('keeps the text and tokens of a stream its client abandons, to the hang-up', async () => {
    const words = Array.from({ length: 40 }, (_, i) => `word${i} `);
    h.upstream.queue({ chunks: words, chunkDelayMs: 50 });
    const stream = await h.s.gateway.client().chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'abandoned-stream' }],
      stream: true,
    });
    const started = Date.now();
    let text = '';
    let pieces = 0;
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content;
      if (!content) continue;
      text += content;
      if (++pieces === 5) break; // the SDK aborts the request: the client hangs up here
    }
    const hungUpAt = Date.now();
    assert.equal(text, words.slice(0, 5).join(''));
    // Well before the 2 s the whole stream would take.
    assert.ok(hungUpAt - started < 1_500);

    const { request, attempts } = await spansOf('abandoned-stream');
    assert.match(String(request.output_value), new RegExp(text.trim()));
    // What the gateway relayed until the hang-up: what the client read, and at most what was already on
    // its way to it (a chunk written before the hang-up that the client never read).
    const relayed = String(request.llm_output_messages_0_message_content);
    assert.ok(relayed.startsWith(text), relayed);
    assert.ok(relayed.length < words.slice(0, 10).join('').length, relayed);
    assert.ok(Number(request.llm_token_count_completion) > 0, 'completion tokens counted locally');
    assert.ok(Number(request.llm_token_count_prompt) > 0);
    assert.equal(request.tollgate_usage_estimated, 'true', 'the upstream never reported usage');
    assert.equal(request.tollgate_end_reason, 'client_closed');
    assert.equal(request.http_response_status_code, '499');
    assert.notEqual(request.span_status, 'ERROR', 'a client leaving is not a failure');
    // The span lasts until the hang-up, not the 2 s the upstream would have taken.
    assert.ok(Number(request.duration) < micros(hungUpAt - started + 1_000), `duration ${request.duration}`);
    const [attempt] = attempts;
    assert.equal(attempt?.tollgate_attempt_aborted, 'true');
    assert.ok(Number(attempt?.duration) > micros(5 * 50 - 60), 'the attempt lasts while chunks came');
    assert.ok(Number(attempt?.end_time) <= Number(request.end_time) + 50_000_000, 'ended at the abort');
    assert.equal(h.upstream.received.at(-1)?.aborted, true, 'the upstream call was aborted');
  });

  it('records a plain call its client abandons before the answer', async () => {
    h.upstream.queue({ delayMs: 2_000 });
    const controller = new AbortController();
    const started = Date.now();
    const call = h.s.gateway
      .client()
      .chat.completions.create(
        { model: 'gpt-test', messages: [{ role: 'user', content: 'abandoned-plain' }] },
        { signal: controller.signal },
      );
    await sleep(300);
    controller.abort();
    await assert.rejects(call);
    const hungUpAt = Date.now();

    const { request, attempts } = await spansOf('abandoned-plain');
    assert.equal(request.tollgate_end_reason, 'client_closed');
    assert.equal(request.http_response_status_code, '499');
    assert.ok(Number(request.duration) < micros(hungUpAt - started + 500), `duration ${request.duration}`);
    assert.ok(Number(request.duration) >= micros(250));
    const [attempt] = attempts;
    assert.equal(attempt?.tollgate_attempt_aborted, 'true');
    assert.ok(Number(attempt?.duration) >= micros(250), 'the attempt lasted until it was aborted');
    assert.ok(Number(attempt?.duration) < micros(1_500));
  });

  it('gives the demo model attempts that last as long as they took', async () => {
    const client = h.s.gateway.client();
    await client.chat.completions.create({
      model: 'demo',
      messages: [{ role: 'user', content: 'demo-plain' }],
    });
    const stream = await client.chat.completions.create({
      model: 'demo',
      messages: [{ role: 'user', content: 'demo-stream' }],
      stream: true,
    });
    for await (const _ of stream);
    for (const marker of ['demo-plain', 'demo-stream']) {
      const { request, attempts } = await spansOf(marker);
      // The demo waits 120 ms for its first token.
      assert.ok(Number(attempts[0]?.duration) >= micros(100), `${marker}: ${attempts[0]?.duration}`);
      assert.ok(Number(attempts[0]?.duration) <= Number(request.duration));
      assert.equal(request.tollgate_end_reason, undefined, 'completed: no end reason');
      assert.equal(request.span_status, 'OK');
    }
  });

  it('fails at once with the upstream status when Retry-After would cross the deadline', async () => {
    // The request may take 3 s in all; the upstream asks for 5 s before the next try.
    h.upstream.queue({
      status: 429,
      body: { error: { message: 'slow down' } },
      headers: { 'retry-after': '5' },
    });
    const before = h.upstream.counts.received;
    const started = Date.now();
    const failed = await h.s.gateway
      .client()
      .chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'deadline' }] })
      .catch((err: unknown) => err);
    const took = Date.now() - started;
    assert.ok(failed instanceof APIError);
    assert.equal(failed.status, 429);
    assert.match(failed.message, /slow down/);
    assert.ok(took < 1_000, `took ${took} ms`);
    assert.equal(h.upstream.counts.received - before, 1, 'no second call');
  });

  it('still waits a Retry-After that fits within the deadline', async () => {
    h.upstream.queue({
      status: 429,
      body: { error: { message: 'slow down' } },
      headers: { 'retry-after': '1' },
    });
    const started = Date.now();
    const answer = await h.s.gateway
      .client()
      .chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'fits' }] });
    assert.ok(answer.choices[0]?.message.content);
    assert.ok(Date.now() - started >= 900);
  });
});
