import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureJson } from '../../../test/fixtures/anthropic/fixtures.ts';
import type { JsonObject } from '../../shared/json.ts';
import { chatAnswer } from './response.ts';

type Choice = { message: JsonObject; finish_reason: string | null };
const firstChoice = (json: JsonObject) => (json.choices as Choice[])[0] as Choice;

describe('anthropic response translation', () => {
  it('turns a text answer with cache usage into a chat.completion', () => {
    const answer = chatAnswer(fixtureJson('text-cache.anthropic-response.json'));
    const choice = firstChoice(answer.json);
    assert.match(answer.json.id as string, /^chatcmpl-/);
    assert.equal(answer.json.object, 'chat.completion');
    assert.equal(answer.json.model, 'claude-sonnet-4-5-20250929');
    assert.deepEqual(choice.message, {
      role: 'assistant',
      content:
        'Tollgate records the model, tokens, cost, latency, retries and errors of every request as a trace.',
    });
    assert.equal(choice.finish_reason, 'stop');
    // 21 fresh + 1800 read from the cache + 188 written to it.
    assert.deepEqual(answer.json.usage, {
      prompt_tokens: 2009,
      completion_tokens: 24,
      total_tokens: 2033,
      prompt_tokens_details: { cached_tokens: 1800 },
      cache_creation_input_tokens: 188,
      cache_read_input_tokens: 1800,
    });
    assert.deepEqual(answer.usage, {
      promptTokens: 2009,
      completionTokens: 24,
      totalTokens: 2033,
      cachedTokens: 1800,
      cacheWriteTokens: 188,
    });
    assert.equal(answer.finishReason, 'stop');
    assert.equal(answer.responseModel, 'claude-sonnet-4-5-20250929');
  });

  it('turns tool_use blocks into tool_calls with JSON-string arguments', () => {
    const answer = chatAnswer(fixtureJson('tool-use.anthropic-response.json'));
    const choice = firstChoice(answer.json);
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.content, "I'll check Rome for you.");
    assert.deepEqual(choice.message.tool_calls, [
      {
        id: 'toolu_01C29s12sy12ns139057ns1',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
      },
    ]);
  });

  it('gives null content when there is no text, and thinking as reasoning_content', () => {
    const answer = chatAnswer({
      model: 'claude-opus-4-1',
      content: [
        { type: 'thinking', thinking: 'The user wants nothing.', signature: 'sig' },
        { type: 'tool_use', id: 'toolu_1', name: 'noop', input: {} },
      ],
      stop_reason: 'tool_use',
      usage: { input_tokens: 3, output_tokens: 4 },
    });
    const { message } = firstChoice(answer.json);
    assert.equal(message.content, null);
    assert.equal(message.reasoning_content, 'The user wants nothing.');
    assert.deepEqual(answer.json.usage, { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
  });

  for (const [stop, finish] of [
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
  ])
    it(`maps stop_reason ${stop} to finish_reason ${finish}`, () => {
      const answer = chatAnswer({ model: 'm', content: [{ type: 'text', text: 'x' }], stop_reason: stop });
      assert.equal(firstChoice(answer.json).finish_reason, finish);
    });
});
