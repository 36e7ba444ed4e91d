import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as senders from '../../../test/fixtures/llm/senders.ts';
import { modelParameters } from './parameters.ts';

const params = (list: typeof senders.HTTP_SERVER, scope?: string) =>
  Object.fromEntries(modelParameters(new Map(list), scope));

describe('modelParameters', () => {
  it("spreads OpenInference's invocation parameters, the model left out, types kept", () => {
    assert.deepEqual(params(senders.OPENINFERENCE_PYTHON_LLM), {
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.tool_choice': 'auto',
    });
  });

  it("spreads Langfuse's model parameters", () => {
    assert.deepEqual(params(senders.LANGFUSE_GENERATION), {
      'gen_ai.request.temperature': 0.9,
      'gen_ai.request.max_tokens': 100,
    });
  });

  it('else restates the gen_ai.request.* attributes, an array as JSON text', () => {
    assert.deepEqual(params(senders.GEN_AI_EVENTS_SPAN), {
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.max_tokens': 200,
    });
    assert.deepEqual(params([['gen_ai.request.stop_sequences', ['\n']]]), {
      'gen_ai.request.stop_sequences': '["\\n"]',
    });
  });

  it('writes nested parameters as JSON text, and reads the Vercel AI SDK settings in its scope', () => {
    assert.deepEqual(params([['llm.invocation_parameters', '{"response_format":{"type":"json_object"}}']]), {
      'gen_ai.request.response_format': '{"type":"json_object"}',
    });
    assert.deepEqual(
      params(
        [
          ['ai.settings.maxRetries', 2],
          ['gen_ai.request.temperature', 0],
        ],
        'ai',
      ),
      { 'gen_ai.request.maxRetries': 2, 'gen_ai.request.temperature': 0 },
    );
  });
});
