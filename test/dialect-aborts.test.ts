/**
 * A client that leaves a translated Responses or Messages stream half-way: the upstream call is
 * aborted, the span says the client left (not an error of the model), and a Responses turn cut off is
 * not kept for `previous_response_id`.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { deployment } from './helpers/gateway-server.ts';
import { storeGatewayWithUpstream } from './helpers/store-gateway.ts';

/** Sends a streamed request and hangs up after the first bytes; resolves with the status and what came. */
function leaveAfterFirstChunk(url: string, body: object): Promise<{ status: number; text: string }> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
    });
    req.on('response', (res) => {
      res.once('data', (chunk: Buffer) => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, text: chunk.toString() });
      });
      res.on('error', () => {});
    });
    req.on('error', () => {});
    req.on('timeout', () => reject(new Error('no answer')));
    req.end(text);
  });
}

describe('clients leaving a translated dialect stream', { timeout: 30_000 }, () => {
  const h = storeGatewayWithUpstream((url) => ({
    // A chat-only server (no Responses API of its own): both dialects are translated.
    deployments: [
      deployment({
        modelName: 'slow',
        provider: 'hosted_vllm',
        model: 'gpt-test',
        litellmModel: 'hosted_vllm/gpt-test',
        apiBase: url,
      }),
    ],
  }));
  const slowly = { chunks: Array.from({ length: 50 }, (_, i) => `word${i} `), chunkDelayMs: 40 };

  for (const [path, body] of [
    [
      '/v1/messages',
      {
        model: 'slow',
        max_tokens: 100,
        stream: true,
        messages: [{ role: 'user', content: 'leave-messages' }],
      },
    ],
    ['/v1/responses', { model: 'slow', stream: true, input: 'leave-responses' }],
  ] as const) {
    it(`${path}: aborts the upstream call and traces the request as the client's ending`, async () => {
      h.upstream.queue(slowly);
      const aborted = h.upstream.nextAbort();
      const first = await leaveAfterFirstChunk(`${h.s.gateway.url}${path}`, body);
      assert.equal(first.status, 200);
      assert.match(first.text, /^event: (message_start|response\.created)\n/);
      await aborted;
      const tag = path === '/v1/messages' ? 'leave-messages' : 'leave-responses';
      const [span] = await h.s.waitForHits(
        `SELECT * FROM "default" WHERE input_value LIKE '%${tag}%' AND tollgate_end_reason = 'client_closed'`,
      );
      assert.equal(span?.span_status, 'UNSET');
      assert.equal(span?.operation_name, path === '/v1/messages' ? 'Messages' : 'Response');
    });
  }

  it('keeps no Responses turn the client left, so it cannot be continued', async () => {
    h.upstream.queue(slowly);
    const aborted = h.upstream.nextAbort();
    const { text } = await leaveAfterFirstChunk(`${h.s.gateway.url}/v1/responses`, {
      model: 'slow',
      stream: true,
      input: 'leave-and-continue',
    });
    await aborted;
    const id = /"id":"(resp_[^"]+)"/.exec(text)?.[1];
    assert.ok(id, 'the first event names the response');
    // The gateway's finish (and its keeper) runs once the stream's end is recorded.
    await h.s.waitForHits(`SELECT * FROM "default" WHERE input_value LIKE '%leave-and-continue%'`);
    const res = await fetch(`${h.s.gateway.url}/v1/responses/${id}`);
    assert.equal(res.status, 404);
  });
});
