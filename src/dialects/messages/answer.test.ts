import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../../shared/json.ts';
import { fromChat } from './answer.ts';

const request = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [] };

function completion(message: JsonObject, finish: string | null, usage?: JsonObject): JsonObject {
  const chat: JsonObject = {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-2024-08-06',
    choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }],
  };
  if (usage) chat.usage = usage;
  return chat;
}

/** The answer with its random id checked and set aside. */
function answer(chat: JsonObject, req: JsonObject = request): JsonObject {
  const { id, ...rest } = fromChat(chat, req);
  assert.match(String(id), /^msg_[A-Za-z0-9]{24}$/);
  return rest;
}

const emptyUsage = {
  input_tokens: 0,
  output_tokens: 0,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  output_tokens_details: null,
  server_tool_use: null,
  cache_creation: null,
  inference_geo: null,
  service_tier: null,
  speed: null,
};

describe('messages dialect: answer translation', () => {
  it('gives thinking, text and tool calls as blocks, with the usage split as Anthropic counts it', () => {
    const chat = completion(
      {
        content: 'Checking both.',
        reasoning_content: 'User wants two things.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
          { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '' } },
        ],
      },
      'tool_calls',
      {
        prompt_tokens: 2009,
        completion_tokens: 58,
        total_tokens: 2067,
        prompt_tokens_details: { cached_tokens: 1800 },
        completion_tokens_details: { reasoning_tokens: 12 },
        cache_creation_input_tokens: 188,
        cache_read_input_tokens: 1800,
      },
    );
    assert.deepEqual(answer(chat), {
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'thinking', thinking: 'User wants two things.', signature: '' },
        { type: 'text', text: 'Checking both.', citations: null },
        {
          type: 'tool_use',
          id: 'call_1',
          name: 'get_weather',
          input: { city: 'Rome' },
          caller: { type: 'direct' },
        },
        { type: 'tool_use', id: 'call_2', name: 'get_time', input: {}, caller: { type: 'direct' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      stop_details: null,
      container: null,
      diagnostics: null,
      usage: {
        ...emptyUsage,
        input_tokens: 21,
        output_tokens: 58,
        cache_creation_input_tokens: 188,
        cache_read_input_tokens: 1800,
        output_tokens_details: { thinking_tokens: 12 },
      },
    });
  });

  it('answers a plain text completion, with zero usage when the upstream gave none', () => {
    assert.deepEqual(answer(completion({ content: 'Hello.' }, 'stop')), {
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: 'Hello.', citations: null }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      stop_details: null,
      container: null,
      diagnostics: null,
      usage: emptyUsage,
    });
  });

  it('maps each finish reason to its stop reason', () => {
    const stop = (finish: string | null, message: JsonObject = { content: 'x' }) =>
      answer(completion(message, finish)).stop_reason;
    assert.equal(stop('stop'), 'end_turn');
    assert.equal(stop('length'), 'max_tokens');
    assert.equal(stop('content_filter'), 'refusal');
    assert.equal(stop(null), 'end_turn');
    assert.equal(stop('something_new'), 'end_turn');
    const call = { tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] };
    assert.equal(stop('tool_calls', call), 'tool_use');
    // Servers that end a tool-calling turn with `stop`: Anthropic clients run tools on tool_use only.
    assert.equal(stop('stop', call), 'tool_use');
    assert.equal(stop('length', call), 'max_tokens');
    // tool_calls without a call: nothing to run.
    assert.equal(stop('tool_calls'), 'end_turn');
  });

  it('survives odd answers: broken arguments, missing ids and names, content parts, no choices', () => {
    const odd = answer(
      completion(
        {
          content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }, 'junk'],
          tool_calls: [
            { type: 'function', function: { name: 'f', arguments: '{"a": ' } },
            { id: '', function: { arguments: '[1,2]' } },
            'junk',
          ],
        },
        'tool_calls',
      ),
    );
    const content = odd.content as JsonObject[];
    assert.deepEqual(content[0], { type: 'text', text: 'ab', citations: null });
    assert.equal(content.length, 3);
    assert.match(String(content[1]?.id), /^toolu_[A-Za-z0-9]{24}$/);
    assert.deepEqual(
      { ...content[1], id: '' },
      {
        type: 'tool_use',
        id: '',
        name: 'f',
        input: {},
        caller: { type: 'direct' },
      },
    );
    assert.deepEqual(
      { ...content[2], id: '' },
      {
        type: 'tool_use',
        id: '',
        name: '',
        input: {},
        caller: { type: 'direct' },
      },
    );
    const empty = answer({ choices: 'none', model: 'upstream-model' }, {});
    assert.deepEqual(empty.content, []);
    assert.equal(empty.model, 'upstream-model');
    assert.equal(empty.stop_reason, 'end_turn');
  });

  it('answers a refusal as text that stops with refusal', () => {
    const refused = answer(completion({ content: null, refusal: "I can't help with that." }, 'stop'));
    assert.deepEqual(refused.content, [{ type: 'text', text: "I can't help with that.", citations: null }]);
    assert.equal(refused.stop_reason, 'refusal');
  });
});
