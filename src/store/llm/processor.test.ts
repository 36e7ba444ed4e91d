/**
 * The whole enrichment, as rows: each instrumentor's span through `flattenTraces`, the one place rows
 * are built, read back by the `gen_ai_*` columns OpenObserve writes for it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as senders from '../../../test/fixtures/llm/senders.ts';
import type { Row } from '../columns.ts';
import { flattenTraces } from '../flatten.ts';
import type { OtlpAttributes, OtlpEvent } from '../otlp/model.ts';

const NOW_MS = Date.UTC(2026, 10, 1, 12);
const START_NS = BigInt(NOW_MS) * 1_000_000n;

function row(
  attributes: OtlpAttributes,
  events: OtlpEvent[] = [],
  resource: OtlpAttributes = [['service.name', 'app']],
  statusCode = 1,
): Row {
  const span = {
    traceId: '0123456789abcdef0123456789abcdef',
    spanId: '0123456789abcdef',
    parentSpanId: '',
    traceState: '',
    name: 'llm call',
    kind: 3,
    startNs: START_NS,
    endNs: START_NS + 900_000_000n,
    attributes,
    events,
    links: [],
    statusCode,
    statusMessage: '',
    flags: 0,
  };
  const [out] = flattenTraces([{ resource, spans: [span] }], 'default', NOW_MS + 60_000).rows;
  assert.ok(out);
  return out;
}

const columns = (r: Row, prefix: string) =>
  Object.fromEntries(Object.entries(r).filter(([key]) => key.startsWith(prefix)));

describe('LLM enrichment of an OpenInference span (Python)', () => {
  const r = row(senders.OPENINFERENCE_PYTHON_LLM);
  it('gets the operation, model, provider, parameters, usage, user and session columns', () => {
    assert.equal(r.gen_ai_operation_name, 'chat');
    assert.equal(r.gen_ai_response_model, 'gpt-4o-mini-2024-07-18');
    assert.equal(r.gen_ai_provider_name, 'openai');
    assert.equal(r.gen_ai_request_temperature, 0.3);
    assert.equal(r.gen_ai_request_tool_choice, 'auto');
    assert.equal(r.gen_ai_usage_input_tokens, 82);
    assert.equal(r.gen_ai_usage_output_tokens, 17);
    assert.equal(r.gen_ai_usage_total_tokens, 99);
    assert.equal(r.user_id, 'user-py-1');
    assert.equal(r.gen_ai_conversation_id, 'sess-py-1');
    assert.equal(r.session_id, 'sess-py-1');
  });

  it('is priced from the table, and its input and output are in gen_ai_*_messages', () => {
    assert.equal(typeof r.gen_ai_usage_cost, 'number');
    assert.ok(Number(r.gen_ai_usage_cost) > 0);
    assert.ok(
      Math.abs(
        Number(r.gen_ai_usage_cost) - Number(r.gen_ai_usage_cost_input) - Number(r.gen_ai_usage_cost_output),
      ) < 1e-15,
    );
    assert.equal(r.gen_ai_input_messages, r.input_value);
    assert.equal(r.gen_ai_output_messages, r.output_value);
  });

  it("keeps OpenInference's own columns (OpenObserve drops input.value, output.value and llm.*_messages.*)", () => {
    assert.equal(r.llm_input_messages_1_message_content, 'Weather in Paris?');
    assert.equal(r.llm_token_count_total, 99);
    assert.equal(typeof r.input_value, 'string');
  });
});

describe('LLM enrichment of GenAI spans', () => {
  it('turns content events into messages; one choice flattens into columns', () => {
    const r = row(senders.GEN_AI_EVENTS_SPAN, senders.GEN_AI_EVENTS);
    assert.deepEqual(JSON.parse(String(r.gen_ai_input_messages)), [
      { role: 'system', 'gen_ai.system': 'openai', content: 'You are terse.' },
      { role: 'user', 'gen_ai.system': 'openai', content: 'Capital of France?' },
    ]);
    assert.equal(r.gen_ai_output_messages_message_content, 'Paris.');
    assert.equal(r.gen_ai_output_messages_finish_reason, 'stop');
    assert.equal(r.gen_ai_provider_name, 'openai');
    assert.equal(r.gen_ai_usage_total_tokens, 1240);
    assert.ok(Number(r.gen_ai_usage_cost) > 0);
  });

  it('counts cached input inside the input (total = input + output), and prices it as cached', () => {
    const r = row(senders.GEN_AI_MESSAGES_SPAN);
    assert.deepEqual(columns(r, 'gen_ai_usage_'), {
      gen_ai_usage_input_tokens: 2000,
      gen_ai_usage_output_tokens: 500,
      gen_ai_usage_cache_read_input_tokens: 1000,
      gen_ai_usage_total_tokens: 2500,
      gen_ai_usage_cost_input: r.gen_ai_usage_cost_input,
      gen_ai_usage_cost_output: r.gen_ai_usage_cost_output,
      gen_ai_usage_cost: r.gen_ai_usage_cost,
    });
    assert.ok(Number(r.gen_ai_usage_cost) > 0);
    assert.equal(r.gen_ai_conversation_id, 'conv-7');
    assert.equal(r.gen_ai_input_messages, '[{"role":"user","parts":[{"type":"text","content":"Hi"}]}]');
  });

  it('counts the tokens of a chat that reports none, and prices them', () => {
    const r = row([
      ['gen_ai.operation.name', 'chat'],
      ['gen_ai.request.model', 'gpt-4o-mini'],
      ['gen_ai.input.messages', '[{"role":"user","content":"Hello there, how are you today?"}]'],
    ]);
    assert.ok(Number(r.gen_ai_usage_input_tokens) > 5);
    assert.equal(r.gen_ai_usage_output_tokens, 0);
    assert.ok(Number(r.gen_ai_usage_cost) > 0);
  });

  it("keeps the sender's token counts and cost over computed ones", () => {
    const r = row([
      ['gen_ai.operation.name', 'chat'],
      ['gen_ai.request.model', 'gpt-4o'],
      ['gen_ai.usage.input_tokens', 10],
      ['gen_ai.usage.output_tokens', 5],
      ['gen_ai.usage.total_tokens', 99],
      ['gen_ai.usage.cost', 0.5],
    ]);
    assert.equal(r.gen_ai_usage_total_tokens, 99);
    assert.equal(r.gen_ai_usage_cost, 0.5);
    assert.equal(r.gen_ai_usage_cost_input, undefined);
  });

  it('names a tool call and gives it zero usage and cost', () => {
    const r = row(senders.GEN_AI_TOOL);
    assert.equal(r.gen_ai_operation_name, 'execute_tool');
    assert.equal(r.gen_ai_tool_name, 'get_weather');
    assert.equal(r.gen_ai_tool_call_id, 'call_9');
    assert.equal(r.gen_ai_tool_call_arguments, '{"city":"Paris"}');
    assert.equal(r.gen_ai_input_messages, '{"city":"Paris"}');
    assert.equal(r.gen_ai_usage_total_tokens, 0);
    assert.equal(r.gen_ai_usage_cost, 0);
  });
});

describe('LLM enrichment of a Langfuse generation', () => {
  const r = row(senders.LANGFUSE_GENERATION, [], []);
  it("moves Langfuse's input and output to gen_ai_*_messages, as OpenObserve does", () => {
    assert.equal(r.gen_ai_input_messages, '[{"role": "user", "content": "Tell me a joke"}]');
    assert.equal(r.gen_ai_output_messages, '{"role": "assistant", "content": "Why did the chicken..."}');
    assert.equal(r.langfuse_observation_input, undefined);
    assert.equal(r.langfuse_observation_output, undefined);
  });

  it('takes its usage and cost details, model parameters, prompt, user and session', () => {
    assert.equal(r.gen_ai_operation_name, 'chat');
    assert.equal(r.gen_ai_response_model, 'gpt-4o');
    assert.equal(r.gen_ai_usage_total_tokens, 45);
    assert.equal(r.gen_ai_usage_cost, 0.0003375);
    assert.equal(r.gen_ai_usage_cost_output, 0.0003);
    assert.equal(r.gen_ai_request_max_tokens, 100);
    assert.equal(r.gen_ai_prompt_name, 'joke-prompt');
    assert.equal(r.user_id, 'lf-user-1');
    assert.equal(r.gen_ai_conversation_id, 'lf-session-1');
  });

  it('gets its time to first chunk from the completion start, and its service from the source metadata', () => {
    assert.equal(r.gen_ai_response_time_to_first_chunk, 0.25);
    assert.equal(r.service_name, 'joke-service');
  });
});

describe('a span without LLM attributes', () => {
  it('is stored as it came, without a gen_ai column', () => {
    const r = row(senders.HTTP_SERVER);
    assert.deepEqual(columns(r, 'gen_ai'), {});
    assert.equal(r.http_route, '/api/items');
  });
});

describe('a failed LLM call that reported no tokens', () => {
  const attributes: OtlpAttributes = [
    ['openinference.span.kind', 'LLM'],
    ['llm.model_name', 'gpt-4o-mini'],
    ['llm.system', 'openai'],
    ['input.value', '{"messages":[{"role":"user","content":"a prompt the upstream never answered"}]}'],
  ];
  it('is not counted or priced from its text (the store departs from OpenObserve here)', () => {
    const failed = row(attributes, [], [['service.name', 'app']], 2);
    assert.equal(failed.gen_ai_usage_input_tokens ?? 0, 0);
    assert.equal(failed.gen_ai_usage_cost ?? 0, 0);
    const answered = row(attributes, [], [['service.name', 'app']], 1);
    assert.ok(Number(answered.gen_ai_usage_input_tokens) > 0, 'an answered call without counts is counted');
  });
});
