import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../../shared/json.ts';
import {
  brief,
  call,
  chunk,
  lastResponse,
  message,
  run,
  textPart,
  USAGE,
  usageChunk,
} from './stream-check.test.ts';

describe('chat chunks → responses stream', () => {
  it('streams text: created, in progress, one message item, completed with usage', () => {
    const { data } = run([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hel' }),
      chunk({ content: 'lo' }),
      chunk({}, 'stop'),
      usageChunk(USAGE),
    ]);
    const m = { item_id: 'msg0', output_index: 0 };
    assert.deepEqual(brief(data), [
      { type: 'response.created', response: { status: 'in_progress', items: 0 } },
      { type: 'response.in_progress', response: { status: 'in_progress', items: 0 } },
      { type: 'response.output_item.added', output_index: 0, item: message('msg0', 'in_progress') },
      { type: 'response.content_part.added', ...m, content_index: 0, part: textPart('') },
      { type: 'response.output_text.delta', ...m, content_index: 0, delta: 'Hel', logprobs: [] },
      { type: 'response.output_text.delta', ...m, content_index: 0, delta: 'lo', logprobs: [] },
      { type: 'response.output_text.done', ...m, content_index: 0, text: 'Hello', logprobs: [] },
      { type: 'response.content_part.done', ...m, content_index: 0, part: textPart('Hello') },
      { type: 'response.output_item.done', output_index: 0, item: message('msg0', 'completed', 'Hello') },
      { type: 'response.completed', response: { status: 'completed', items: 1 } },
    ]);
    const response = data.at(-1)?.response as JsonObject;
    assert.equal(response.output_text, 'Hello');
    assert.equal(response.model, 'my-model');
    assert.equal(typeof response.completed_at, 'number');
    assert.deepEqual(response.usage, {
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 5,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 15,
    });
    const created = data[0]?.response as JsonObject;
    assert.equal(created.id, response.id);
    assert.match(String(created.id), /^resp_[0-9a-f]{48}$/);
    assert.equal(created.created_at, response.created_at);
    assert.deepEqual(created.output, []);
    assert.equal('usage' in created, false);
  });

  it('streams reasoning as a summary before the message', () => {
    const { data } = run([
      chunk({ role: 'assistant', reasoning_content: 'Think' }),
      chunk({ reasoning_content: 'ing.' }),
      chunk({ content: 'Done.' }),
      chunk({}, 'stop'),
    ]);
    const r = { item_id: 'rs0', output_index: 0, summary_index: 0 };
    const m = { item_id: 'msg1', output_index: 1, content_index: 0 };
    assert.deepEqual(brief(data).slice(2), [
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: { id: 'rs0', type: 'reasoning', summary: [] },
      },
      { type: 'response.reasoning_summary_part.added', ...r, part: { type: 'summary_text', text: '' } },
      { type: 'response.reasoning_summary_text.delta', ...r, delta: 'Think' },
      { type: 'response.reasoning_summary_text.delta', ...r, delta: 'ing.' },
      { type: 'response.reasoning_summary_text.done', ...r, text: 'Thinking.' },
      {
        type: 'response.reasoning_summary_part.done',
        ...r,
        part: { type: 'summary_text', text: 'Thinking.' },
      },
      {
        type: 'response.output_item.done',
        output_index: 0,
        item: { id: 'rs0', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Thinking.' }] },
      },
      { type: 'response.output_item.added', output_index: 1, item: message('msg1', 'in_progress') },
      { type: 'response.content_part.added', ...m, part: textPart('') },
      { type: 'response.output_text.delta', ...m, delta: 'Done.', logprobs: [] },
      { type: 'response.output_text.done', ...m, text: 'Done.', logprobs: [] },
      { type: 'response.content_part.done', ...m, part: textPart('Done.') },
      { type: 'response.output_item.done', output_index: 1, item: message('msg1', 'completed', 'Done.') },
      { type: 'response.completed', response: { status: 'completed', items: 2 } },
    ]);
  });

  it('streams two tool calls one after the other, each closed before the next opens', () => {
    const { data } = run([
      chunk({ role: 'assistant', content: null }),
      call(0, { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '' } }),
      call(0, { function: { arguments: '{"city":' } }),
      call(0, { function: { arguments: '"Paris"}' } }),
      call(1, { id: 'call_b', type: 'function', function: { name: 'clock', arguments: '{}' } }),
      chunk({}, 'tool_calls'),
      usageChunk(USAGE),
    ]);
    const fc = (id: string, status: string, callId: string, name: string, args: string) => ({
      id,
      type: 'function_call',
      status,
      arguments: args,
      call_id: callId,
      name,
    });
    assert.deepEqual(brief(data).slice(2), [
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: fc('fc0', 'in_progress', 'call_a', 'weather', ''),
      },
      { type: 'response.function_call_arguments.delta', item_id: 'fc0', output_index: 0, delta: '{"city":' },
      { type: 'response.function_call_arguments.delta', item_id: 'fc0', output_index: 0, delta: '"Paris"}' },
      {
        type: 'response.function_call_arguments.done',
        item_id: 'fc0',
        output_index: 0,
        arguments: '{"city":"Paris"}',
        name: 'weather',
      },
      {
        type: 'response.output_item.done',
        output_index: 0,
        item: fc('fc0', 'completed', 'call_a', 'weather', '{"city":"Paris"}'),
      },
      {
        type: 'response.output_item.added',
        output_index: 1,
        item: fc('fc1', 'in_progress', 'call_b', 'clock', ''),
      },
      { type: 'response.function_call_arguments.delta', item_id: 'fc1', output_index: 1, delta: '{}' },
      {
        type: 'response.function_call_arguments.done',
        item_id: 'fc1',
        output_index: 1,
        arguments: '{}',
        name: 'clock',
      },
      {
        type: 'response.output_item.done',
        output_index: 1,
        item: fc('fc1', 'completed', 'call_b', 'clock', '{}'),
      },
      { type: 'response.completed', response: { status: 'completed', items: 2 } },
    ]);
  });

  it('keeps a clean sequence when tool call deltas interleave (0, 1, 0)', () => {
    const { data } = run([
      call(0, { id: 'call_a', function: { name: 'weather', arguments: '{"city":' } }),
      call(1, { id: 'call_b', function: { name: 'clock', arguments: '{"tz":"UTC"}' } }),
      call(0, { function: { arguments: '"Paris"}' } }),
      chunk({}, 'tool_calls'),
    ]);
    const types = brief(data).map(
      (d) => `${d.type}${d.output_index === undefined ? '' : ` ${d.output_index}`}`,
    );
    assert.deepEqual(types, [
      'response.created',
      'response.in_progress',
      'response.output_item.added 0',
      'response.function_call_arguments.delta 0',
      'response.function_call_arguments.delta 0',
      'response.function_call_arguments.done 0',
      'response.output_item.done 0',
      'response.output_item.added 1',
      'response.function_call_arguments.delta 1',
      'response.function_call_arguments.done 1',
      'response.output_item.done 1',
      'response.completed',
    ]);
    const output = lastResponse(data).output as JsonObject[];
    assert.deepEqual(
      output.map((item) => [item.call_id, item.name, item.arguments]),
      [
        ['call_a', 'weather', '{"city":"Paris"}'],
        ['call_b', 'clock', '{"tz":"UTC"}'],
      ],
    );
  });

  it('waits for the arguments when an upstream sends every call header first', () => {
    const { data } = run([
      call(0, { id: 'call_a', function: { name: 'a', arguments: '' } }),
      call(1, { id: 'call_b', function: { name: 'b', arguments: '' } }),
      call(0, { function: { arguments: '{"x":1}' } }),
      call(1, { function: { arguments: '{"y":2}' } }),
    ]);
    const output = lastResponse(data).output as JsonObject[];
    assert.deepEqual(
      output.map((item) => [item.call_id, item.name, item.arguments, item.status]),
      [
        ['call_a', 'a', '{"x":1}', 'completed'],
        ['call_b', 'b', '{"y":2}', 'completed'],
      ],
    );
  });

  it('waits for a late name, generates a missing call id, and takes text after the calls as a new item', () => {
    const { data } = run([
      call(0, { function: { arguments: '{"q":' } }),
      call(0, { function: { name: 'search', arguments: '"x"}' } }),
      call(0, { id: 'call_too_late' }),
      chunk({ content: 'Searching.' }),
      chunk({}, 'tool_calls'),
    ]);
    const added = data
      .filter((d) => d.type === 'response.output_item.added')
      .map((d) => d.item as JsonObject);
    assert.equal(added[0]?.name, 'search');
    assert.match(String(added[0]?.call_id), /^call_[0-9a-f]{48}$/);
    const output = lastResponse(data).output as JsonObject[];
    assert.deepEqual(
      output.map((item) => item.type),
      ['function_call', 'message'],
    );
    assert.equal(output[0]?.call_id, added[0]?.call_id, 'the announced call id stays');
    assert.equal(output[0]?.arguments, '{"q":"x"}');
  });
  it('streams a refusal as a second content part of the message', () => {
    const { data } = run([
      chunk({ content: 'Well,' }),
      chunk({ refusal: 'I cannot' }),
      chunk({ refusal: ' help.' }, 'stop'),
    ]);
    const m = { item_id: 'msg0', output_index: 0 };
    assert.deepEqual(brief(data).slice(3, -2), [
      { type: 'response.content_part.added', ...m, content_index: 0, part: textPart('') },
      { type: 'response.output_text.delta', ...m, content_index: 0, delta: 'Well,', logprobs: [] },
      { type: 'response.content_part.added', ...m, content_index: 1, part: { type: 'refusal', refusal: '' } },
      { type: 'response.refusal.delta', ...m, content_index: 1, delta: 'I cannot' },
      { type: 'response.refusal.delta', ...m, content_index: 1, delta: ' help.' },
      { type: 'response.output_text.done', ...m, content_index: 0, text: 'Well,', logprobs: [] },
      { type: 'response.content_part.done', ...m, content_index: 0, part: textPart('Well,') },
      { type: 'response.refusal.done', ...m, content_index: 1, refusal: 'I cannot help.' },
      {
        type: 'response.content_part.done',
        ...m,
        content_index: 1,
        part: { type: 'refusal', refusal: 'I cannot help.' },
      },
    ]);
    assert.deepEqual((lastResponse(data).output as JsonObject[])[0]?.content, [
      textPart('Well,'),
      { type: 'refusal', refusal: 'I cannot help.' },
    ]);
  });
});
