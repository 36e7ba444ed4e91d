import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import { observeChunk } from '../../providers/openai-compatible/chat-stream.ts';
import { emptySummary, type StreamEvent } from '../../providers/spec.ts';
import type { JsonObject } from '../../shared/json.ts';
import { fromChat } from './answer.ts';
import { streamFromChat } from './stream.ts';

const request = { model: 'claude-haiku-4-5', max_tokens: 100, stream: true, messages: [] };

const chunk = (delta: JsonObject, finish: string | null = null): JsonObject => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const call = (index: number, fields: { id?: string; name?: string; args?: string }): JsonObject => {
  const fn: JsonObject = {};
  if (fields.name !== undefined) fn.name = fields.name;
  if (fields.args !== undefined) fn.arguments = fields.args;
  const out: JsonObject = { index, function: fn };
  if (fields.id !== undefined) Object.assign(out, { id: fields.id, type: 'function' });
  return out;
};
const usageOnly = (usage: JsonObject): JsonObject => ({ ...chunk({}), choices: [], usage });
const USAGE = { prompt_tokens: 30, completion_tokens: 12, total_tokens: 42 };

/** Runs chunks through a stream as the gateway does: each folded into the summary, then `end`. */
function run(chunks: JsonObject[]) {
  const stream = streamFromChat(request);
  const summary = emptySummary();
  const events: StreamEvent[] = [];
  for (const c of chunks) {
    observeChunk(c, summary);
    events.push(...stream.chunk(c));
  }
  events.push(...stream.end(summary));
  for (const e of events) assert.equal((e.data as JsonObject).type, e.event, 'the name is the data type');
  return { events: events.map((e) => e.data as JsonObject), answer: stream.answer() };
}

const start = (index: number, content_block: JsonObject) => ({
  type: 'content_block_start',
  index,
  content_block,
});
const delta = (index: number, d: JsonObject) => ({ type: 'content_block_delta', index, delta: d });
const text = (index: number, t: string) => delta(index, { type: 'text_delta', text: t });
const json = (index: number, partial_json: string) =>
  delta(index, { type: 'input_json_delta', partial_json });
const stop = (index: number) => ({ type: 'content_block_stop', index });
const textStart = (index: number) => start(index, { type: 'text', text: '', citations: null });
const toolStart = (index: number, id: string, name: string) =>
  start(index, { type: 'tool_use', id, name, input: {}, caller: { type: 'direct' } });

function messageDelta(stop_reason: string, usage: JsonObject = {}) {
  return {
    type: 'message_delta',
    delta: { stop_reason, stop_sequence: null, stop_details: null, container: null },
    usage: {
      input_tokens: 0,
      output_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens_details: null,
      server_tool_use: null,
      ...usage,
    },
  };
}

/** message_start and ping, checked; the rest of the events returned. */
function afterStart(events: JsonObject[]): JsonObject[] {
  const [first, ping, ...rest] = events;
  const message = first?.message as JsonObject;
  assert.match(String(message.id), /^msg_/);
  assert.deepEqual(first, {
    type: 'message_start',
    message: {
      id: message.id,
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      stop_details: null,
      container: null,
      diagnostics: null,
      usage: {
        ...messageDelta('x').usage,
        cache_creation: null,
        inference_geo: null,
        service_tier: null,
        speed: null,
      },
    },
  });
  assert.deepEqual(ping, { type: 'ping' });
  return rest;
}

describe('messages dialect: stream translation', () => {
  it('streams text in one block, then the stop reason and the usage of the usage-only chunk', () => {
    const { events, answer } = run([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hel' }),
      chunk({ content: 'lo.' }),
      chunk({}, 'stop'),
      usageOnly({ ...USAGE, prompt_tokens_details: { cached_tokens: 10 } }),
    ]);
    assert.deepEqual(afterStart(events), [
      textStart(0),
      text(0, 'Hel'),
      text(0, 'lo.'),
      stop(0),
      messageDelta('end_turn', { input_tokens: 20, output_tokens: 12, cache_read_input_tokens: 10 }),
      { type: 'message_stop' },
    ]);
    assert.deepEqual(answer.content, [{ type: 'text', text: 'Hello.', citations: null }]);
    assert.equal(answer.stop_reason, 'end_turn');
  });

  it('closes the thinking block before the text block opens', () => {
    const { events } = run([
      chunk({ role: 'assistant', reasoning_content: 'Think' }),
      chunk({ reasoning_content: 'ing.' }),
      chunk({ content: 'Answer.' }),
      chunk({}, 'length'),
      usageOnly({ ...USAGE, completion_tokens_details: { reasoning_tokens: 5 } }),
    ]);
    assert.deepEqual(afterStart(events), [
      start(0, { type: 'thinking', thinking: '', signature: '' }),
      delta(0, { type: 'thinking_delta', thinking: 'Think' }),
      delta(0, { type: 'thinking_delta', thinking: 'ing.' }),
      stop(0),
      textStart(1),
      text(1, 'Answer.'),
      stop(1),
      messageDelta('max_tokens', {
        input_tokens: 30,
        output_tokens: 12,
        output_tokens_details: { thinking_tokens: 5 },
      }),
      { type: 'message_stop' },
    ]);
  });

  it('streams two interleaved tool calls one block at a time, the second once the first is whole', () => {
    const chunks = [
      chunk({ role: 'assistant', content: 'Checking.' }),
      chunk({ tool_calls: [call(0, { id: 'call_a', name: 'weather', args: '' })] }),
      chunk({ tool_calls: [call(1, { id: 'call_b', name: 'time', args: '' })] }),
      chunk({ tool_calls: [call(0, { args: '{"city":' })] }),
      chunk({ tool_calls: [call(1, { args: '{"zone":"CET"}' })] }),
      chunk({ tool_calls: [call(0, { args: '"Rome"}' })] }),
      chunk({}, 'tool_calls'),
      usageOnly(USAGE),
    ];
    const { events, answer } = run(chunks);
    assert.deepEqual(afterStart(events), [
      textStart(0),
      text(0, 'Checking.'),
      stop(0),
      toolStart(1, 'call_a', 'weather'),
      json(1, '{"city":'),
      json(1, '"Rome"}'),
      stop(1),
      toolStart(2, 'call_b', 'time'),
      json(2, '{"zone":"CET"}'),
      stop(2),
      messageDelta('tool_use', { input_tokens: 30, output_tokens: 12 }),
      { type: 'message_stop' },
    ]);
    // What the stream assembled is what the whole answer would have been.
    const whole = fromChat(
      {
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: 'Checking.',
              tool_calls: [
                {
                  id: 'call_a',
                  type: 'function',
                  function: { name: 'weather', arguments: '{"city":"Rome"}' },
                },
                { id: 'call_b', type: 'function', function: { name: 'time', arguments: '{"zone":"CET"}' } },
              ],
            },
            finish_reason: 'tool_calls',
          },
        ],
        usage: USAGE,
      },
      request,
    );
    assert.deepEqual({ ...answer, id: '' }, { ...whole, id: '' });
  });

  it('streams sequential tool calls live, each closed when the next one starts', () => {
    const { events } = run([
      chunk({ tool_calls: [call(0, { id: 'call_a', name: 'a', args: '{"x":1}' })] }),
      chunk({ tool_calls: [call(1, { id: 'call_b', name: 'b', args: '{"y":' })] }),
      chunk({ tool_calls: [call(1, { args: '2}' })] }),
      chunk({}, 'tool_calls'),
    ]);
    assert.deepEqual(afterStart(events), [
      toolStart(0, 'call_a', 'a'),
      json(0, '{"x":1}'),
      stop(0),
      toolStart(1, 'call_b', 'b'),
      json(1, '{"y":'),
      json(1, '2}'),
      stop(1),
      messageDelta('tool_use'),
      { type: 'message_stop' },
    ]);
  });

  it('opens a tool call once its name comes, with the arguments that came before it', () => {
    const { events, answer } = run([
      chunk({ tool_calls: [call(0, { id: 'call_1', args: '{"q"' })] }),
      chunk({ tool_calls: [call(0, { name: 'search' })] }),
      chunk({ tool_calls: [call(0, { args: ':"x"}' })] }),
      chunk({}, 'stop'),
    ]);
    assert.deepEqual(afterStart(events), [
      toolStart(0, 'call_1', 'search'),
      json(0, '{"q"'),
      json(0, ':"x"}'),
      stop(0),
      messageDelta('tool_use'),
      { type: 'message_stop' },
    ]);
    assert.deepEqual((answer.content as JsonObject[])[0]?.input, { q: 'x' });
  });

  it('copes with odd streams: text after a call, no index, no id, no name, no choices, no end chunk', () => {
    const { events, answer } = run([
      { id: 'x', choices: 'none' },
      chunk({ tool_calls: [{ id: 'call_1', function: { name: 'f', arguments: '{}' } }, 'junk'] }),
      chunk({ content: '\n\n' }),
      chunk({ tool_calls: [{ function: { name: 'g', arguments: '{"late"' } }] }),
      chunk({ tool_calls: [{ function: { arguments: ':true}' } }] }),
      chunk({ tool_calls: [call(7, { args: '{"anonymous":1}' })] }),
      chunk({ tool_calls: [{ index: 1e9, function: { name: 'h' } }] }),
    ]);
    const rest = afterStart(events);
    const ids = rest.flatMap((e) => {
      const block = e.content_block as JsonObject | undefined;
      return block?.type === 'tool_use' ? [block.id] : [];
    });
    assert.equal(ids[0], 'call_1');
    for (const id of ids.slice(1)) assert.match(String(id), /^toolu_[A-Za-z0-9]{24}$/);
    const withoutIds = rest.map((e) =>
      e.type === 'content_block_start' && (e.content_block as JsonObject).type === 'tool_use'
        ? { ...e, content_block: { ...(e.content_block as JsonObject), id: '' } }
        : e,
    );
    assert.deepEqual(withoutIds, [
      toolStart(0, '', 'f'),
      json(0, '{}'),
      stop(0),
      textStart(1),
      text(1, '\n\n'),
      stop(1),
      toolStart(2, '', 'g'),
      json(2, '{"late"'),
      json(2, ':true}'),
      stop(2),
      toolStart(3, '', 'h'),
      stop(3),
      // The call whose name never came goes out last, nameless, rather than lost.
      toolStart(4, '', ''),
      json(4, '{"anonymous":1}'),
      stop(4),
      messageDelta('tool_use'),
      { type: 'message_stop' },
    ]);
    assert.equal((answer.content as JsonObject[]).length, 5);
  });

  it('sends nothing more for a call whose block closed, and answers what was sent', () => {
    const { events, answer } = run([
      chunk({ tool_calls: [call(0, { id: 'call_1', name: 'f', args: '{"a":1}' })] }),
      chunk({ content: 'Done.' }),
      chunk({ tool_calls: [call(0, { args: ',"b":2}' })] }),
      chunk({}, 'tool_calls'),
    ]);
    assert.deepEqual(afterStart(events), [
      toolStart(0, 'call_1', 'f'),
      json(0, '{"a":1}'),
      stop(0),
      textStart(1),
      text(1, 'Done.'),
      stop(1),
      messageDelta('tool_use'),
      { type: 'message_stop' },
    ]);
    assert.deepEqual((answer.content as JsonObject[])[0]?.input, { a: 1 });
  });

  it('takes the usage from the chunks when the summary has none, and ends once', () => {
    const stream = streamFromChat(request);
    stream.chunk(chunk({ content: 'Hi' }, 'stop'));
    stream.chunk(
      usageOnly({ ...USAGE, cache_creation_input_tokens: 4, prompt_tokens_details: { cached_tokens: 6 } }),
    );
    const end = stream.end(emptySummary()).map((e) => e.data);
    assert.deepEqual(end.slice(1), [
      messageDelta('end_turn', {
        input_tokens: 20,
        output_tokens: 12,
        cache_creation_input_tokens: 4,
        cache_read_input_tokens: 6,
      }),
      { type: 'message_stop' },
    ]);
    assert.deepEqual(stream.end(emptySummary()), []);
    assert.deepEqual(stream.chunk(chunk({ content: 'late' })), []);
  });

  it('starts and ends a stream that had no chunks', () => {
    const stream = streamFromChat(request);
    const events = stream.end(emptySummary()).map((e) => e.data as JsonObject);
    assert.deepEqual(afterStart(events), [messageDelta('end_turn'), { type: 'message_stop' }]);
    assert.deepEqual(stream.answer().content, []);
  });

  it('fails with an error event after what was sent, closing nothing', () => {
    const stream = streamFromChat(request);
    stream.chunk(chunk({ content: 'Once upon' }));
    const error = new GatewayError('Upstream went away', { status: 502, type: 'api_error' });
    assert.deepEqual(stream.fail(error, emptySummary()), [
      {
        event: 'error',
        data: { type: 'error', error: { type: 'api_error', message: 'Upstream went away' } },
      },
    ]);
    const answer = stream.answer();
    assert.deepEqual(answer.content, [{ type: 'text', text: 'Once upon', citations: null }]);
    assert.equal(answer.stop_reason, null);
  });

  it('reports a refusal streamed in `refusal` as text stopping with refusal', () => {
    const { events } = run([chunk({ refusal: 'No.' }), chunk({}, 'stop')]);
    assert.deepEqual(afterStart(events), [
      textStart(0),
      text(0, 'No.'),
      stop(0),
      messageDelta('refusal'),
      { type: 'message_stop' },
    ]);
  });
});
