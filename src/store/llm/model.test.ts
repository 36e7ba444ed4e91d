import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as senders from '../../../test/fixtures/llm/senders.ts';
import type { OtlpValue } from '../otlp/model.ts';
import { modelName } from './model.ts';

describe('modelName', () => {
  it("reads each convention's model, the answer's before the request's", () => {
    assert.equal(modelName(new Map(senders.OPENINFERENCE_PYTHON_LLM)), 'gpt-4o-mini-2024-07-18');
    assert.equal(modelName(new Map(senders.GEN_AI_EVENTS_SPAN)), 'gpt-4o-mini-2024-07-18');
    assert.equal(modelName(new Map(senders.LANGFUSE_GENERATION)), 'gpt-4o');
    assert.equal(
      modelName(
        new Map([
          ['gen_ai.request.model', 'a'],
          ['llm.model_name', 'b'],
        ]),
      ),
      'a',
    );
    assert.equal(
      modelName(
        new Map([
          ['ai.model.id', 'v'],
          ['gen_ai.request.model', 'r'],
        ]),
      ),
      'v',
    );
  });

  it('is decided by the first key present, even when its value is no text', () => {
    assert.equal(
      modelName(
        new Map<string, OtlpValue>([
          ['gen_ai.response.model', ['x']],
          ['llm.model_name', 'b'],
        ]),
      ),
      undefined,
    );
    assert.equal(modelName(new Map(senders.HTTP_SERVER)), undefined);
  });
});
