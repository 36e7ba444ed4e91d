import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../../shared/json.ts';
import {
  brief,
  call,
  chunk,
  lastResponse,
  message,
  REQUEST,
  run,
  textPart,
  USAGE,
  usageChunk,
} from './stream-check.test.ts';

const REQUEST_WITH_TOOLS = {
  ...REQUEST,
  tools: [
    {
      type: 'custom',
      name: 'apply_patch',
      format: { type: 'grammar', syntax: 'lark', definition: 'start: "x"' },
    },
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
  ],
};

const fc = (id: string, status: string, callId: string, name: string, args: string, namespace?: string) => ({
  id,
  type: 'function_call',
  status,
  arguments: args,
  call_id: callId,
  name,
  ...(namespace ? { namespace } : {}),
});
const ctc = (
  id: string,
  status: string,
  callId: string,
  name: string,
  input: string,
  namespace?: string,
) => ({
  id,
  type: 'custom_tool_call',
  status,
  call_id: callId,
  name,
  input,
  ...(namespace ? { namespace } : {}),
});

describe('chat chunks → responses stream: namespaced and custom tool calls', () => {
  it('streams a namespaced function call with its namespace, and custom calls with their input once whole', () => {
    const { data } = run(
      [
        chunk({ role: 'assistant', content: 'On it.' }),
        call(0, {
          id: 'call_a',
          type: 'function',
          function: { name: 'multi_agent_v1__spawn_agent', arguments: '' },
        }),
        call(0, { function: { arguments: '{"task":"t"}' } }),
        call(1, {
          id: 'call_b',
          type: 'function',
          function: { name: 'apply_patch', arguments: '{"input":"*** Begin' },
        }),
        call(1, { function: { arguments: ' Patch\\n"}' } }),
        call(2, {
          id: 'call_c',
          type: 'function',
          function: { name: 'multi_agent_v1__script', arguments: '{"input":' },
        }),
        call(2, { function: { arguments: '"ls"}' } }),
        chunk({}, 'tool_calls'),
        usageChunk(USAGE),
      ],
      REQUEST_WITH_TOOLS,
    );
    const m = { item_id: 'msg0', output_index: 0, content_index: 0 };
    assert.deepEqual(brief(data).slice(2), [
      { type: 'response.output_item.added', output_index: 0, item: message('msg0', 'in_progress') },
      { type: 'response.content_part.added', ...m, part: textPart('') },
      { type: 'response.output_text.delta', ...m, delta: 'On it.', logprobs: [] },
      { type: 'response.output_text.done', ...m, text: 'On it.', logprobs: [] },
      { type: 'response.content_part.done', ...m, part: textPart('On it.') },
      { type: 'response.output_item.done', output_index: 0, item: message('msg0', 'completed', 'On it.') },
      {
        type: 'response.output_item.added',
        output_index: 1,
        item: fc('fc1', 'in_progress', 'call_a', 'spawn_agent', '', 'multi_agent_v1'),
      },
      {
        type: 'response.function_call_arguments.delta',
        item_id: 'fc1',
        output_index: 1,
        delta: '{"task":"t"}',
      },
      {
        type: 'response.function_call_arguments.done',
        item_id: 'fc1',
        output_index: 1,
        arguments: '{"task":"t"}',
        name: 'spawn_agent',
      },
      {
        type: 'response.output_item.done',
        output_index: 1,
        item: fc('fc1', 'completed', 'call_a', 'spawn_agent', '{"task":"t"}', 'multi_agent_v1'),
      },
      {
        type: 'response.output_item.added',
        output_index: 2,
        item: ctc('ctc2', 'in_progress', 'call_b', 'apply_patch', ''),
      },
      {
        type: 'response.custom_tool_call_input.delta',
        item_id: 'ctc2',
        output_index: 2,
        delta: '*** Begin Patch\n',
      },
      {
        type: 'response.custom_tool_call_input.done',
        item_id: 'ctc2',
        output_index: 2,
        input: '*** Begin Patch\n',
      },
      {
        type: 'response.output_item.done',
        output_index: 2,
        item: ctc('ctc2', 'completed', 'call_b', 'apply_patch', '*** Begin Patch\n'),
      },
      {
        type: 'response.output_item.added',
        output_index: 3,
        item: ctc('ctc3', 'in_progress', 'call_c', 'script', '', 'multi_agent_v1'),
      },
      { type: 'response.custom_tool_call_input.delta', item_id: 'ctc3', output_index: 3, delta: 'ls' },
      { type: 'response.custom_tool_call_input.done', item_id: 'ctc3', output_index: 3, input: 'ls' },
      {
        type: 'response.output_item.done',
        output_index: 3,
        item: ctc('ctc3', 'completed', 'call_c', 'script', 'ls', 'multi_agent_v1'),
      },
      { type: 'response.completed', response: { status: 'completed', items: 4 } },
    ]);
    for (const item of lastResponse(data).output as JsonObject[])
      assert.match(
        String(item.id),
        item.type === 'custom_tool_call' ? /^ctc_[0-9a-f]{48}$/ : /^(fc|msg)_[0-9a-f]{48}$/,
      );
  });

  it('waits for a late name to know a custom call, and gives a cut-off one its raw arguments', () => {
    const { data } = run(
      [
        call(0, { id: 'call_x', type: 'function', function: { arguments: '{"inp' } }),
        call(0, { function: { name: 'apply_patch', arguments: 'ut":"ab' } }),
        chunk({}, 'length'),
      ],
      REQUEST_WITH_TOOLS,
    );
    const raw = '{"input":"ab';
    assert.deepEqual(brief(data).slice(2), [
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: ctc('ctc0', 'in_progress', 'call_x', 'apply_patch', ''),
      },
      { type: 'response.custom_tool_call_input.delta', item_id: 'ctc0', output_index: 0, delta: raw },
      { type: 'response.custom_tool_call_input.done', item_id: 'ctc0', output_index: 0, input: raw },
      {
        type: 'response.output_item.done',
        output_index: 0,
        item: ctc('ctc0', 'incomplete', 'call_x', 'apply_patch', raw),
      },
      { type: 'response.incomplete', response: { status: 'incomplete', items: 1 } },
    ]);
  });

  it('keeps the first name once a call is announced: its kind and id cannot change', () => {
    const { data } = run(
      [
        call(0, { id: 'call_y', type: 'function', function: { name: 'apply_patch', arguments: '' } }),
        call(0, { function: { name: 'multi_agent_v1__spawn_agent', arguments: '{"input":"p"}' } }),
        chunk({}, 'tool_calls'),
      ],
      REQUEST_WITH_TOOLS,
    );
    const announced = (data[2] as JsonObject).item as JsonObject;
    assert.match(String(announced.id), /^ctc_/);
    assert.deepEqual(lastResponse(data).output, [
      { ...ctc('', 'completed', 'call_y', 'apply_patch', 'p'), id: announced.id },
    ]);
  });
});
