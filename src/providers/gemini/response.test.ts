/** Recorded Gemini answers (test/fixtures/gemini) as the chat.completion an OpenAI client reads. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureJson } from '../../../test/fixtures/gemini/fixtures.ts';
import { chatAnswer } from './response.ts';

const body = { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] };
type Choice = { index: number; message: Record<string, unknown>; finish_reason: string | null };
const choicesOf = (json: Record<string, unknown>) => json.choices as Choice[];

describe('gemini response translation', () => {
  it('gives a text answer with usage, cached and reasoning tokens', () => {
    const answer = chatAnswer(fixtureJson('text.response.json'), body);
    assert.equal(answer.json.object, 'chat.completion');
    assert.match(String(answer.json.id), /^chatcmpl-/);
    assert.equal(answer.json.model, 'gemini-2.5-flash');
    assert.deepEqual(choicesOf(answer.json), [
      { index: 0, message: { role: 'assistant', content: 'Titan.' }, finish_reason: 'stop' },
    ]);
    assert.deepEqual(answer.json.usage, {
      prompt_tokens: 2113,
      completion_tokens: 83,
      total_tokens: 2196,
      prompt_tokens_details: { cached_tokens: 2048 },
      completion_tokens_details: { reasoning_tokens: 80 },
    });
    assert.deepEqual(answer.usage, {
      promptTokens: 2113,
      completionTokens: 83,
      totalTokens: 2196,
      cachedTokens: 2048,
      reasoningTokens: 80,
    });
    assert.equal(answer.finishReason, 'stop');
    assert.equal(answer.responseModel, 'gemini-2.5-flash');
  });

  it('gives function calls as tool_calls with ids, finishing with tool_calls', () => {
    const answer = chatAnswer(fixtureJson('tool-call.response.json'), body);
    const [choice] = choicesOf(answer.json);
    assert.equal(choice?.finish_reason, 'tool_calls');
    assert.equal(choice?.message.content, null);
    const calls = choice?.message.tool_calls as Array<{ id: string; type: string; function: unknown }>;
    assert.deepEqual(
      calls.map((c) => [c.type, c.function]),
      [
        ['function', { name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' }],
        ['function', { name: 'get_weather', arguments: '{"city":"Lyon","unit":"c"}' }],
      ],
    );
    for (const call of calls) assert.match(call.id, /^call_[0-9a-f]{24}$/);
    assert.notEqual(calls[0]?.id, calls[1]?.id);
  });

  it('gives one choice per candidate (n), each with its own finish reason', () => {
    const answer = chatAnswer(fixtureJson('image.response.json'), body);
    assert.deepEqual(
      choicesOf(answer.json).map((c) => [c.index, c.message.content, c.finish_reason]),
      [
        [0, '{"colour": "red"}', 'stop'],
        [1, '{"colour": "crimson"}', 'length'],
      ],
    );
  });

  it('refuses a blocked prompt as a content policy violation', () => {
    assert.throws(() => chatAnswer(fixtureJson('blocked-safety.response.json'), body), {
      status: 400,
      code: 'content_policy_violation',
      message: /blockReason SAFETY/,
    });
  });

  it('gives thought summaries as reasoning_content, and filtered answers as content_filter', () => {
    const answer = chatAnswer(
      {
        candidates: [
          {
            content: { role: 'model', parts: [{ text: 'Pondering…', thought: true }, { text: 'Partial' }] },
            finishReason: 'RECITATION',
          },
        ],
      },
      body,
    );
    assert.deepEqual(choicesOf(answer.json)[0], {
      index: 0,
      message: { role: 'assistant', content: 'Partial', reasoning_content: 'Pondering…' },
      finish_reason: 'content_filter',
    });
    assert.equal(answer.json.model, 'gemini-2.5-flash', 'the requested model when Gemini names none');
    assert.equal(answer.json.usage, undefined);
  });
});
