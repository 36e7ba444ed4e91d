/**
 * The conversation's attributes are capped: an answer with 10,000 choices or a request with thousands
 * of messages, tools or tool calls records the first ones and how many were left out.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  inputMessageAttributes,
  MAX_MESSAGES,
  MAX_TOOL_CALLS,
  outputMessageAttributes,
} from './message-attributes.ts';

const call = (j: number) => ({ id: `c${j}`, type: 'function', function: { name: `f${j}`, arguments: '{}' } });

describe('message attributes', () => {
  it('records the first 50 choices of 10,000 and counts the rest', () => {
    const choices = Array.from({ length: 10_000 }, (_, i) => ({
      message: { role: 'assistant', content: `${i}` },
    }));
    const a = outputMessageAttributes(choices, 1000);
    assert.equal(Object.keys(a).length, 2 * MAX_MESSAGES + 1);
    assert.equal(a['llm.output_messages.49.message.content'], '49');
    assert.equal(a['llm.output_messages.50.message.content'], undefined);
    assert.equal(a['tollgate.output_messages.omitted'], 10_000 - MAX_MESSAGES);
  });

  it('caps input messages, tools and tool calls, counting each', () => {
    const messages = Array.from({ length: 300 }, () => ({
      role: 'assistant',
      content: 'x',
      tool_calls: Array.from({ length: 30 }, (_, j) => call(j)),
    }));
    const tools = Array.from({ length: 80 }, (_, i) => ({ type: 'function', function: { name: `t${i}` } }));
    const a = inputMessageAttributes({ messages, tools }, 1000);
    assert.equal(a['tollgate.input_messages.omitted'], 300 - MAX_MESSAGES);
    assert.equal(a['tollgate.input_messages.tool_calls_omitted'], MAX_MESSAGES * (30 - MAX_TOOL_CALLS));
    assert.equal(a['tollgate.tools.omitted'], 80 - MAX_MESSAGES);
    const keys = Object.keys(a);
    assert.ok(
      keys.length <= MAX_MESSAGES * (2 + 2 * MAX_TOOL_CALLS) + MAX_MESSAGES + 3,
      `${keys.length} attributes`,
    );
  });

  it('adds no count when nothing is left out', () => {
    const a = outputMessageAttributes([{ message: { role: 'assistant', content: 'hi' } }], 1000);
    assert.deepEqual(Object.keys(a), [
      'llm.output_messages.0.message.role',
      'llm.output_messages.0.message.content',
    ]);
  });
});
