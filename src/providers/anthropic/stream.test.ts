import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureText } from '../../../test/fixtures/anthropic/fixtures.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';
import { parseSse } from '../http/sse-parser.ts';
import { chunkEvents, wantsUsage } from '../openai-compatible/chat-stream.ts';
import { emptySummary } from '../spec.ts';
import { anthropicStreamTranslator } from './stream.ts';

interface Chunk {
  id: string;
  model: string;
  choices: Array<{ delta: JsonObject; finish_reason: string | null }>;
  usage?: JsonObject;
}

/** The chunks a client gets, as the translated base passes them on (the usage chunk only when asked). */
function clientChunks(body: JsonObject): (chunks: JsonObject[]) => JsonObject[] {
  const summary = emptySummary();
  return (chunks) => chunkEvents(chunks, summary, wantsUsage(body)).map((e) => e.data as JsonObject);
}

/** Feeds a transcript through the real SSE parser in small reads, as a network would deliver it. */
async function translate(sse: string, body: JsonObject = {}): Promise<Chunk[]> {
  const translator = anthropicStreamTranslator();
  const client = clientChunks(body);
  async function* reads() {
    yield* sse.match(/[\s\S]{1,37}/g) ?? [];
  }
  const out: JsonObject[] = [];
  for await (const batch of parseSse(reads()))
    for (const event of batch) out.push(...client(translator.event(event)));
  out.push(...client(translator.end()));
  return out as unknown as Chunk[];
}

const deltas = (chunks: Chunk[]) => chunks.flatMap((c) => c.choices.map((choice) => choice.delta));

describe('anthropic stream translation', () => {
  it('streams text as OpenAI chunks: role first, content deltas, then the finish reason', async () => {
    const chunks = await translate(fixtureText('stream-text.sse'));
    assert.deepEqual(deltas(chunks), [
      { role: 'assistant', content: '' },
      { content: 'Hello' },
      { content: ' from' },
      { content: ' Claude.' },
      {},
    ]);
    assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop');
    assert.ok(chunks.every((c) => c.model === 'claude-sonnet-4-5-20250929' && c.id === chunks[0]?.id));
    assert.equal(
      chunks.some((c) => c.usage),
      false,
    );
  });

  it('ends with a usage chunk, input and cache counters from the start and output from the end', async () => {
    const chunks = await translate(fixtureText('stream-text.sse'), {
      stream_options: { include_usage: true },
    });
    const last = chunks.at(-1);
    assert.deepEqual(last?.choices, []);
    assert.deepEqual(last?.usage, {
      prompt_tokens: 1038,
      completion_tokens: 9,
      total_tokens: 1047,
      prompt_tokens_details: { cached_tokens: 1024 },
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 1024,
    });
  });

  it('streams tool calls with their own index from 0 and the arguments in pieces', async () => {
    const chunks = await translate(fixtureText('stream-tool-use.sse'));
    const calls = deltas(chunks).flatMap((d) => (d.tool_calls as JsonObject[] | undefined) ?? []);
    assert.deepEqual(calls[0], {
      index: 0,
      id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    const args = (index: number) =>
      calls
        .filter((c) => c.index === index)
        .map((c) => (c.function as JsonObject).arguments)
        .join('');
    assert.deepEqual(JSON.parse(args(0)), { city: 'Paris' });
    assert.deepEqual(JSON.parse(args(1)), { zone: 'Europe/Paris' });
    assert.equal(calls.find((c) => c.index === 1)?.id, 'toolu_01U2y2gK45rBnl3uOUsO8Vq7');
    assert.equal(
      deltas(chunks).find((d) => typeof d.content === 'string' && d.content !== '')?.content,
      'Checking the weather.',
    );
    assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'tool_calls');
  });

  it('streams thinking as reasoning_content', async () => {
    const translator = anthropicStreamTranslator();
    const [chunk] = translator.event({
      raw: '',
      data: '{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Hmm."}}',
    }) as unknown as Chunk[];
    assert.deepEqual(chunk?.choices[0]?.delta, { reasoning_content: 'Hmm.' });
  });

  it('throws the error event as a non-retryable GatewayError with the upstream message', async () => {
    await assert.rejects(translate(fixtureText('stream-error.sse')), (err) => {
      assert.ok(err instanceof GatewayError);
      assert.equal(err.status, 529);
      assert.equal(err.type, 'overloaded_error');
      assert.equal(err.message, 'Overloaded');
      assert.equal(err.retryable, false);
      return true;
    });
  });

  it('throws when the stream ends before the answer is complete', async () => {
    const cut = fixtureText('stream-text.sse').split('event: message_delta')[0] ?? '';
    await assert.rejects(translate(cut, { stream_options: { include_usage: true } }), {
      name: 'GatewayError',
      status: 502,
      code: 'upstream_stream_error',
    });
  });
});
