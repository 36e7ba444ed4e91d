import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../../shared/json.ts';
import { fromChat } from './answer.ts';

/** The answer with its random ids checked and replaced by their prefix, and completed_at checked. */
function settled(answer: JsonObject): JsonObject {
  assert.match(String(answer.id), /^resp_[0-9a-f]{48}$/);
  const output = (answer.output as JsonObject[]).map((item) => {
    assert.match(String(item.id), /^(msg|rs|fc|ctc)_[0-9a-f]{48}$/);
    return { ...item, id: String(item.id).split('_')[0] };
  });
  if (answer.status === 'completed') {
    assert.equal(typeof answer.completed_at, 'number');
    assert.ok(Math.abs((answer.completed_at as number) - Date.now() / 1000) < 5);
  } else assert.equal(answer.completed_at, null);
  return { ...answer, id: 'resp', output, completed_at: 'checked' };
}

const chat = (message: JsonObject, finishReason: string, usage?: JsonObject): JsonObject => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'upstream-model-2025',
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason }],
  ...(usage ? { usage } : {}),
});

/** What every answer to `{ model: 'my-model', input }` shares. */
const defaults = {
  object: 'response',
  created_at: 1_700_000_000,
  background: false,
  completed_at: 'checked',
  error: null,
  instructions: null,
  max_output_tokens: null,
  model: 'my-model',
  parallel_tool_calls: true,
  previous_response_id: null,
  reasoning: { effort: null, summary: null },
  store: true,
  temperature: 1,
  text: { format: { type: 'text' } },
  tool_choice: 'auto',
  tools: [],
  top_logprobs: 0,
  top_p: 1,
  truncation: 'disabled',
  metadata: {},
  access_programs: null,
};

describe('chat completion → response', () => {
  it('answers text with one message item, usage in the Responses shape', () => {
    const answer = fromChat(
      chat({ content: 'Hello there.' }, 'stop', {
        prompt_tokens: 12,
        completion_tokens: 4,
        total_tokens: 16,
        prompt_tokens_details: { cached_tokens: 8 },
      }),
      { model: 'my-model', input: 'Hi' },
    );
    assert.deepEqual(settled(answer), {
      ...defaults,
      id: 'resp',
      status: 'completed',
      incomplete_details: null,
      output: [
        {
          id: 'msg',
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Hello there.' }],
        },
      ],
      output_text: 'Hello there.',
      usage: {
        input_tokens: 12,
        input_tokens_details: { cached_tokens: 8 },
        output_tokens: 4,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 16,
      },
    });
  });

  it('answers reasoning, text and tool calls as items in that order, echoing the request', () => {
    const tools = [{ type: 'function', name: 'weather', parameters: { type: 'object' }, strict: true }];
    const format = { type: 'json_schema', name: 'a', schema: { type: 'object' }, strict: true };
    const request = {
      model: 'my-model',
      instructions: 'Be brief.',
      input: 'Weather?',
      tools,
      tool_choice: 'required',
      text: { format, verbosity: 'low' },
      reasoning: { effort: 'low', summary: 'auto' },
      temperature: 0.5,
      top_p: 0.8,
      max_output_tokens: 500,
      parallel_tool_calls: false,
      previous_response_id: 'resp_prev',
      store: false,
      metadata: { ticket: '7' },
      user: 'u-1',
    };
    const answer = fromChat(
      chat(
        {
          content: 'Let me check.',
          reasoning_content: 'The user wants weather.',
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { type: 'function', function: { name: 'weather', arguments: { city: 'Rome' } } },
          ],
        },
        'tool_calls',
        {
          prompt_tokens: 30,
          completion_tokens: 20,
          total_tokens: 50,
          completion_tokens_details: { reasoning_tokens: 9 },
        },
      ),
      request,
    );
    const settledAnswer = settled(answer);
    const output = settledAnswer.output as JsonObject[];
    assert.match(String(output[3]?.call_id), /^call_[0-9a-f]{48}$/);
    assert.deepEqual(
      {
        ...settledAnswer,
        output: output.map((item, i) => (i === 3 ? { ...item, call_id: 'generated' } : item)),
      },
      {
        ...defaults,
        id: 'resp',
        status: 'completed',
        incomplete_details: null,
        instructions: 'Be brief.',
        max_output_tokens: 500,
        parallel_tool_calls: false,
        previous_response_id: 'resp_prev',
        reasoning: { effort: 'low', summary: null },
        store: false,
        temperature: 0.5,
        text: { format, verbosity: 'low' },
        tool_choice: 'required',
        tools,
        top_p: 0.8,
        metadata: { ticket: '7' },
        user: 'u-1',
        output: [
          {
            id: 'rs',
            type: 'reasoning',
            summary: [{ type: 'summary_text', text: 'The user wants weather.' }],
          },
          {
            id: 'msg',
            type: 'message',
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Let me check.' }],
          },
          {
            id: 'fc',
            type: 'function_call',
            status: 'completed',
            arguments: '{"city":"Paris"}',
            call_id: 'call_a',
            name: 'weather',
          },
          {
            id: 'fc',
            type: 'function_call',
            status: 'completed',
            arguments: '{"city":"Rome"}',
            call_id: 'generated',
            name: 'weather',
          },
        ],
        output_text: 'Let me check.',
        usage: {
          input_tokens: 30,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: 20,
          output_tokens_details: { reasoning_tokens: 9 },
          total_tokens: 50,
        },
      },
    );
  });

  it('answers a cut-off text as incomplete, for max_output_tokens', () => {
    const answer = fromChat(chat({ content: 'Once upon a' }, 'length'), {
      model: 'my-model',
      input: 'Story',
    });
    assert.deepEqual(settled(answer), {
      ...defaults,
      id: 'resp',
      status: 'incomplete',
      completed_at: 'checked',
      incomplete_details: { reason: 'max_output_tokens' },
      output: [
        {
          id: 'msg',
          type: 'message',
          status: 'incomplete',
          role: 'assistant',
          content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Once upon a' }],
        },
      ],
      output_text: 'Once upon a',
    });
  });

  it('answers a filtered answer as incomplete for content_filter, and a refusal as a refusal part', () => {
    const filtered = fromChat(chat({ content: null }, 'content_filter'), { model: 'my-model', input: 'x' });
    assert.equal(filtered.status, 'incomplete');
    assert.deepEqual(filtered.incomplete_details, { reason: 'content_filter' });
    assert.deepEqual(filtered.output, []);
    assert.equal(filtered.output_text, '');

    const refused = settled(
      fromChat(chat({ content: null, refusal: 'No.' }, 'stop'), { model: 'my-model', input: 'x' }),
    );
    assert.deepEqual(refused.output, [
      {
        id: 'msg',
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'refusal', refusal: 'No.' }],
      },
    ]);
  });

  it('survives an odd completion: no choices, no message, text parts, a tool call without a function', () => {
    const empty = fromChat({ object: 'chat.completion' }, { model: 'my-model', input: 'x' });
    assert.equal(empty.status, 'completed');
    assert.deepEqual(empty.output, []);
    assert.equal('usage' in empty, false);
    assert.equal(typeof empty.created_at, 'number');

    const odd = fromChat(
      {
        choices: [
          'junk',
          {
            index: 0,
            message: {
              content: [
                { type: 'text', text: 'a' },
                { type: 'text', text: 'b' },
              ],
              tool_calls: [{}, 5],
            },
          },
        ],
      },
      { model: 'my-model', input: 'x' },
    );
    assert.equal(odd.output_text, 'ab');
    const call = (odd.output as JsonObject[])[1];
    assert.equal(call?.type, 'function_call');
    assert.equal(call?.name, '');
    assert.equal(call?.arguments, '');
  });

  it('answers namespaced calls with their namespace, and custom tool calls with their input', () => {
    const tools = [
      { type: 'function', name: 'exec_command' },
      { type: 'custom', name: 'apply_patch' },
      {
        type: 'namespace',
        name: 'multi_agent_v1',
        description: 'Sub-agents.',
        tools: [
          { type: 'function', name: 'spawn_agent' },
          { type: 'custom', name: 'script' },
        ],
      },
      { type: 'web_search' },
    ];
    const fn = (id: string, name: string, args: string) => ({
      id,
      type: 'function',
      function: { name, arguments: args },
    });
    const answer = fromChat(
      chat(
        {
          content: null,
          tool_calls: [
            fn('c1', 'exec_command', '{"cmd":"ls"}'),
            fn('c2', 'multi_agent_v1__spawn_agent', '{"task":"t"}'),
            fn('c3', 'apply_patch', JSON.stringify({ input: '*** Begin Patch\n*** End Patch' })),
            fn('c4', 'multi_agent_v1__script', '{"input":"ls -l"}'),
            // A model that did not wrap the input: its arguments are the input.
            fn('c5', 'apply_patch', 'raw patch text'),
            fn('c6', 'apply_patch', '{"patch":"x"}'),
            fn('c7', 'not_offered', '{}'),
          ],
        },
        'tool_calls',
      ),
      { model: 'my-model', input: 'x', tools },
    );
    const ctc = (callId: string, name: string, input: string, namespace?: string) => ({
      id: 'ctc',
      type: 'custom_tool_call',
      status: 'completed',
      call_id: callId,
      name,
      input,
      ...(namespace ? { namespace } : {}),
    });
    const fc = (callId: string, name: string, args: string, namespace?: string) => ({
      id: 'fc',
      type: 'function_call',
      status: 'completed',
      arguments: args,
      call_id: callId,
      name,
      ...(namespace ? { namespace } : {}),
    });
    const settledAnswer = settled(answer);
    assert.deepEqual(settledAnswer.output, [
      fc('c1', 'exec_command', '{"cmd":"ls"}'),
      fc('c2', 'spawn_agent', '{"task":"t"}', 'multi_agent_v1'),
      ctc('c3', 'apply_patch', '*** Begin Patch\n*** End Patch'),
      ctc('c4', 'script', 'ls -l', 'multi_agent_v1'),
      ctc('c5', 'apply_patch', 'raw patch text'),
      ctc('c6', 'apply_patch', '{"patch":"x"}'),
      fc('c7', 'not_offered', '{}'),
    ]);
    // The request's tools are echoed as the client sent them, hosted ones too.
    assert.deepEqual(settledAnswer.tools, tools);
    assert.equal(settledAnswer.status, 'completed');
  });
});
