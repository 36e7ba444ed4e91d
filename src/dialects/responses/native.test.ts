import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import { parseSse } from '../../providers/http/sse-parser.ts';
import { emptySummary, type StreamEvent } from '../../providers/spec.ts';
import type { JsonObject } from '../../shared/json.ts';
import { nativeFacts, nativeStream } from './native.ts';

const MESSAGE = {
  id: 'msg_68af1',
  type: 'message',
  status: 'completed',
  content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Let me look that up.' }],
  role: 'assistant',
};
const CALL = {
  id: 'fc_68af2',
  type: 'function_call',
  status: 'completed',
  arguments: '{"location":"Paris, France"}',
  call_id: 'call_Xk2',
  name: 'get_weather',
};
const REASONING = {
  id: 'rs_68af0',
  type: 'reasoning',
  summary: [
    { type: 'summary_text', text: 'The user asks for weather.' },
    { type: 'summary_text', text: 'Call the tool.' },
  ],
};
const RESPONSE = {
  id: 'resp_68af',
  object: 'response',
  created_at: 1756300000,
  status: 'completed',
  error: null,
  incomplete_details: null,
  instructions: null,
  max_output_tokens: null,
  model: 'gpt-5-2025-08-07',
  output: [REASONING, MESSAGE, CALL],
  parallel_tool_calls: true,
  previous_response_id: null,
  reasoning: { effort: 'low', summary: 'auto' },
  store: true,
  temperature: 1,
  text: { format: { type: 'text' }, verbosity: 'medium' },
  tool_choice: 'auto',
  tools: [],
  top_p: 1,
  truncation: 'disabled',
  usage: {
    input_tokens: 120,
    input_tokens_details: { cached_tokens: 64 },
    output_tokens: 48,
    output_tokens_details: { reasoning_tokens: 16 },
    total_tokens: 168,
  },
  user: null,
  metadata: {},
};
const inProgress = { ...RESPONSE, status: 'in_progress', output: [], usage: null };

/** A recorded OpenAI Responses stream: reasoning summary, text, one function call, the completion. */
const EVENTS: JsonObject[] = [
  { type: 'response.created', response: inProgress },
  { type: 'response.in_progress', response: inProgress },
  { type: 'response.output_item.added', output_index: 0, item: { ...REASONING, summary: [] } },
  {
    type: 'response.reasoning_summary_part.added',
    item_id: 'rs_68af0',
    output_index: 0,
    summary_index: 0,
    part: { type: 'summary_text', text: '' },
  },
  {
    type: 'response.reasoning_summary_text.delta',
    item_id: 'rs_68af0',
    output_index: 0,
    summary_index: 0,
    delta: 'The user asks for weather.',
    obfuscation: 'a1',
  },
  {
    type: 'response.reasoning_summary_part.added',
    item_id: 'rs_68af0',
    output_index: 0,
    summary_index: 1,
    part: { type: 'summary_text', text: '' },
  },
  {
    type: 'response.reasoning_summary_text.delta',
    item_id: 'rs_68af0',
    output_index: 0,
    summary_index: 1,
    delta: 'Call the tool.',
  },
  { type: 'response.output_item.done', output_index: 0, item: REASONING },
  {
    type: 'response.output_item.added',
    output_index: 1,
    item: { ...MESSAGE, status: 'in_progress', content: [] },
  },
  {
    type: 'response.content_part.added',
    item_id: 'msg_68af1',
    output_index: 1,
    content_index: 0,
    part: { type: 'output_text', annotations: [], logprobs: [], text: '' },
  },
  ...['Let me', ' look', ' that up.'].map((delta) => ({
    type: 'response.output_text.delta',
    item_id: 'msg_68af1',
    output_index: 1,
    content_index: 0,
    delta,
    logprobs: [],
    obfuscation: 'xyz',
  })),
  {
    type: 'response.output_text.done',
    item_id: 'msg_68af1',
    output_index: 1,
    content_index: 0,
    text: 'Let me look that up.',
    logprobs: [],
  },
  { type: 'response.output_item.done', output_index: 1, item: MESSAGE },
  {
    type: 'response.output_item.added',
    output_index: 2,
    item: { ...CALL, status: 'in_progress', arguments: '' },
  },
  ...['{"location":', '"Paris,', ' France"}'].map((delta) => ({
    type: 'response.function_call_arguments.delta',
    item_id: 'fc_68af2',
    output_index: 2,
    delta,
  })),
  {
    type: 'response.function_call_arguments.done',
    item_id: 'fc_68af2',
    output_index: 2,
    arguments: '{"location":"Paris, France"}',
  },
  { type: 'response.output_item.done', output_index: 2, item: CALL },
  { type: 'response.completed', response: RESPONSE },
].map((event, i) => ({ ...event, sequence_number: i }));

/** The recorded events as the wire carries them, read back by the gateway's SSE parser. */
async function wireEvents(events: JsonObject[]): Promise<StreamEvent[]> {
  const sse = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
  async function* reads() {
    yield* sse.match(/[\s\S]{1,53}/g) ?? [];
  }
  const out: StreamEvent[] = [];
  for await (const batch of parseSse(reads()))
    for (const m of batch) out.push({ event: m.event, data: JSON.parse(m.data) as JsonObject, raw: m.raw });
  return out;
}

describe('native Responses answers, read for the trace', () => {
  it('reads usage, finish reason, model and the answer as one chat message', () => {
    assert.deepEqual(nativeFacts(RESPONSE), {
      usage: {
        promptTokens: 120,
        completionTokens: 48,
        totalTokens: 168,
        cachedTokens: 64,
        reasoningTokens: 16,
      },
      finishReason: 'tool_calls',
      responseModel: 'gpt-5-2025-08-07',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Let me look that up.',
            tool_calls: [
              {
                id: 'call_Xk2',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"location":"Paris, France"}' },
              },
            ],
            reasoning_content: 'The user asks for weather.\n\nCall the tool.',
          },
          finish_reason: 'tool_calls',
        },
      ],
    });
  });

  it('reads stop, length and content_filter, and nothing for a failed response', () => {
    const facts = (response: JsonObject) => nativeFacts({ ...RESPONSE, ...response }).finishReason;
    assert.equal(facts({ output: [MESSAGE] }), 'stop');
    assert.equal(
      facts({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }),
      'length',
    );
    assert.equal(
      facts({ status: 'incomplete', incomplete_details: { reason: 'content_filter' } }),
      'content_filter',
    );
    assert.equal(facts({ status: 'failed' }), undefined);
    const bare = nativeFacts({});
    assert.deepEqual(bare, {
      choices: [{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: null }],
    });
    assert.equal(nativeFacts({ usage: { input_tokens: 'x' } }).usage, undefined);
  });

  it('folds a recorded stream into the summary: text, reasoning, the call, usage, model, finish', async () => {
    const observer = nativeStream();
    const summary = emptySummary();
    for (const event of await wireEvents(EVENTS)) observer.observe(event, summary);
    assert.deepEqual(summary, {
      text: 'Let me look that up.',
      textLength: 20,
      reasoning: 'The user asks for weather.\n\nCall the tool.',
      toolCalls: [{ id: 'call_Xk2', name: 'get_weather', arguments: '{"location":"Paris, France"}' }],
      responseModel: 'gpt-5-2025-08-07',
      usage: {
        promptTokens: 120,
        completionTokens: 48,
        totalTokens: 168,
        cachedTokens: 64,
        reasoningTokens: 16,
      },
      finishReason: 'tool_calls',
    });
  });

  it('keeps what a stream cut half-way sent, and ends it with an error event numbered after it', async () => {
    const observer = nativeStream();
    const summary = emptySummary();
    const cut = EVENTS.slice(0, 17);
    for (const event of await wireEvents(cut)) observer.observe(event, summary);
    assert.equal(summary.text, 'Let me look that up.');
    assert.deepEqual(summary.toolCalls, [{ id: 'call_Xk2', name: 'get_weather', arguments: '{"location":' }]);
    assert.equal(summary.usage, undefined);
    const error = new GatewayError('upstream went away', {
      status: 502,
      type: 'api_error',
      code: 'upstream_stream_error',
    });
    assert.deepEqual(observer.fail(error), [
      {
        event: 'error',
        data: {
          type: 'error',
          code: 'upstream_stream_error',
          message: 'upstream went away',
          param: null,
          sequence_number: 17,
        },
      },
    ]);
    const early = nativeStream();
    const only = (events: StreamEvent[]) => (events[0] as StreamEvent).data as JsonObject;
    const limited = early.fail(new GatewayError('slow down', { status: 429, type: 'rate_limit_error' }));
    assert.equal(only(limited).code, 'rate_limit_exceeded');
    assert.equal(only(early.fail(error)).sequence_number, 0);
  });

  it('reads an incomplete stream end, and ignores odd events', () => {
    const observer = nativeStream();
    const summary = emptySummary();
    for (const data of [
      '[DONE]',
      { type: 7 },
      { type: 'response.output_text.delta', delta: 5 },
      { type: 'response.function_call_arguments.delta', output_index: 9, delta: 'x' },
      { type: 'response.output_item.added', output_index: 'a', item: CALL },
      { type: 'response.completed', response: 'nope' },
      {
        type: 'response.incomplete',
        response: { ...RESPONSE, status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } },
      },
    ])
      observer.observe({ data: data as JsonObject }, summary);
    assert.equal(summary.finishReason, 'length');
    assert.equal(summary.text, '');
    assert.equal(summary.toolCalls, undefined);
  });
});
