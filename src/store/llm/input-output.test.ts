import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as senders from '../../../test/fixtures/llm/senders.ts';
import { stringify } from '../json.ts';
import { inputOutput, isRemovedInputOutput } from './input-output.ts';
import { toJson } from './values.ts';

type Io = ReturnType<typeof inputOutput>;
/** Input and output as JSON, key-value lists as objects. */
const plain = (io: Io) =>
  JSON.parse(stringify({ input: io.input && toJson(io.input), output: io.output && toJson(io.output) }));

describe('inputOutput', () => {
  it("takes OpenInference's input.value and output.value as they are", () => {
    const io = inputOutput(new Map(senders.OPENINFERENCE_JS_LLM), [], undefined);
    assert.equal(io.input, '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}');
    assert.equal(io.output, '{"choices":[{"message":{"role":"assistant","content":"Hello!"}}]}');
  });

  it("rebuilds OpenInference's llm.input_messages.* when there is no input.value", () => {
    const list = senders.OPENINFERENCE_PYTHON_LLM.filter(
      ([k]) => k !== 'input.value' && k !== 'output.value',
    );
    assert.deepEqual(plain(inputOutput(new Map(list), [], undefined)), {
      input: [
        { message: { role: 'system', content: 'You are a weather bot.' } },
        { message: { role: 'user', content: 'Weather in Paris?' } },
      ],
      output: [
        {
          message: {
            role: 'assistant',
            tool_calls: [
              {
                tool_call: {
                  id: 'call_abc',
                  function: { name: 'get_weather', arguments: '{"city": "Paris"}' },
                },
              },
            ],
          },
        },
      ],
    });
  });

  it('turns GenAI events into messages with their role, and one choice into the output', () => {
    assert.deepEqual(
      plain(inputOutput(new Map(senders.GEN_AI_EVENTS_SPAN), senders.GEN_AI_EVENTS, undefined)),
      {
        input: [
          { role: 'system', 'gen_ai.system': 'openai', content: 'You are terse.' },
          { role: 'user', 'gen_ai.system': 'openai', content: 'Capital of France?' },
        ],
        output: {
          'gen_ai.system': 'openai',
          index: 0,
          finish_reason: 'stop',
          message: { role: 'assistant', content: 'Paris.' },
        },
      },
    );
  });

  it("takes GenAI's message attributes, tool calls and Langfuse's input and output", () => {
    const genAi = inputOutput(new Map(senders.GEN_AI_MESSAGES_SPAN), [], undefined);
    assert.equal(genAi.input, '[{"role":"user","parts":[{"type":"text","content":"Hi"}]}]');
    const tool = inputOutput(new Map(senders.GEN_AI_TOOL), [], undefined);
    assert.deepEqual(tool, { input: '{"city":"Paris"}', output: '{"temp":21}' });
    const langfuse = inputOutput(new Map(senders.LANGFUSE_GENERATION), [], undefined);
    assert.equal(langfuse.input, '[{"role": "user", "content": "Tell me a joke"}]');
    assert.equal(langfuse.output, '{"role": "assistant", "content": "Why did the chicken..."}');
  });

  it('prefers Langfuse to OpenInference when a span carries both, as OpenObserve does', () => {
    const both = new Map([...senders.OPENINFERENCE_JS_LLM, ['langfuse.observation.input', 'lf in']]);
    assert.equal(inputOutput(both, [], undefined).input, 'lf in');
  });

  it("builds the Vercel AI SDK's answer with its tool calls, in its scope only", () => {
    const attrs = new Map([
      ['ai.prompt.messages', '[{"role":"user","content":"Hi"}]'],
      ['ai.response.text', 'Hello'],
      ['ai.response.toolCalls', '[]'],
    ]);
    assert.deepEqual(plain(inputOutput(attrs, [], 'ai')), {
      input: '[{"role":"user","content":"Hi"}]',
      output: { role: 'assistant', content: 'Hello', tool_calls: '[]' },
    });
    assert.deepEqual(inputOutput(attrs, [], undefined), {});
  });
});

describe('isRemovedInputOutput', () => {
  it("removes the other conventions' input and output attributes, and keeps OpenInference's", () => {
    for (const key of [
      'gen_ai.input.messages',
      'langfuse.observation.output',
      'gen_ai.prompt.0.content',
      'ai.prompt',
    ])
      assert.equal(isRemovedInputOutput(key), true, key);
    for (const key of [
      'input.value',
      'output.value',
      'llm.input_messages.0.message.content',
      'gen_ai.request.model',
    ])
      assert.equal(isRemovedInputOutput(key), false, key);
  });
});
