import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureJson, fixtureText } from '../../../test/fixtures/anthropic/fixtures.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { parseSse } from '../../providers/http/sse-parser.ts';
import { emptySummary, type StreamEvent, type StreamSummary } from '../../providers/spec.ts';
import { nativeFacts, nativeStream } from './native.ts';

/** A recorded transcript as the relay hands it over: each event parsed once, its raw bytes kept. */
async function events(name: string): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  async function* reads() {
    yield fixtureText(name);
  }
  for await (const batch of parseSse(reads()))
    for (const m of batch) out.push({ event: m.event, data: JSON.parse(m.data), raw: m.raw });
  return out;
}

async function observe(name: string, upTo?: number): Promise<StreamSummary> {
  const reader = nativeStream();
  const summary = emptySummary();
  for (const event of (await events(name)).slice(0, upTo)) reader.observe(event, summary);
  return summary;
}

describe('messages dialect: native reading', () => {
  it('reads text, tool calls, usage and the stop reason of a recorded stream', async () => {
    const { responseId, ...summary } = await observe('stream-tool-use.sse');
    // The id of the chat chunks the events are read as (the spend log's request_id).
    assert.match(String(responseId), /^chatcmpl-/);
    assert.deepEqual(summary, {
      text: 'Checking the weather.',
      textLength: 21,
      responseModel: 'claude-sonnet-4-5-20250929',
      toolCalls: [
        { id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', arguments: '{"city": "Paris"}' },
        { id: 'toolu_01U2y2gK45rBnl3uOUsO8Vq7', name: 'get_time', arguments: '{"zone": "Europe/Paris"}' },
      ],
      finishReason: 'tool_calls',
      // Input from message_start (with its cache counters, read and written), output from message_delta.
      usage: {
        promptTokens: 472,
        completionTokens: 89,
        totalTokens: 561,
        cachedTokens: 0,
        cacheWriteTokens: 0,
      },
    });
  });

  it('counts the input of a stream the client left before its end', async () => {
    const summary = await observe('stream-text.sse', 3);
    assert.equal(summary.finishReason, undefined);
    assert.deepEqual(summary.usage, {
      promptTokens: 1038,
      completionTokens: 1,
      totalTokens: 1039,
      cachedTokens: 1024,
      cacheWriteTokens: 0,
    });
  });

  it("does not throw on the upstream's error event, and keeps what came before it", async () => {
    const summary = await observe('stream-error.sse');
    assert.equal(summary.text, 'Once upon');
    assert.equal(summary.finishReason, undefined);
  });

  it('ignores events that are not objects', () => {
    const reader = nativeStream();
    const summary = emptySummary();
    reader.observe({ data: '[DONE]' }, summary);
    reader.observe(
      { event: 'content_block_delta', data: { type: 'content_block_delta', delta: 5 } },
      summary,
    );
    assert.deepEqual(summary, emptySummary());
  });

  it("fails a stream with Anthropic's error event", () => {
    const error = new GatewayError('The upstream stopped sending', { status: 504, type: 'timeout_error' });
    assert.deepEqual(nativeStream().fail(error), [
      {
        event: 'error',
        data: { type: 'error', error: { type: 'timeout_error', message: 'The upstream stopped sending' } },
      },
    ]);
  });

  it('reads a whole answer: usage with its cache counters, finish reason, model, the chat message', () => {
    const facts = nativeFacts(fixtureJson('tool-use.anthropic-response.json'));
    assert.deepEqual(facts, {
      usage: {
        promptTokens: 512,
        completionTokens: 58,
        totalTokens: 570,
        cachedTokens: 0,
        cacheWriteTokens: 0,
      },
      finishReason: 'tool_calls',
      responseModel: 'claude-sonnet-4-5-20250929',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: "I'll check Rome for you.",
            tool_calls: [
              {
                id: 'toolu_01C29s12sy12ns139057ns1',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
              },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
    });
  });

  it('leaves out what an odd answer does not say', () => {
    const facts = nativeFacts({ content: 'not a list' });
    assert.equal(facts.usage, undefined);
    assert.equal(facts.finishReason, undefined);
    assert.equal(facts.responseModel, undefined);
    assert.deepEqual(facts.choices, [
      { index: 0, message: { role: 'assistant', content: null }, finish_reason: null },
    ]);
  });
});
