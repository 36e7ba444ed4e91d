import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as senders from '../../../test/fixtures/llm/senders.ts';
import { isGenerationOrEmbedding, isLlmSpan, operationName } from './gen-ai-operation.ts';

const op = (list: Parameters<typeof isLlmSpan>[0], scope?: string) => operationName(new Map(list), scope);

describe('isLlmSpan', () => {
  it("is true for every instrumentor's spans and false for a plain HTTP span", () => {
    for (const [name, list] of Object.entries(senders)) {
      if (!Array.isArray(list) || name === 'GEN_AI_EVENTS') continue;
      assert.equal(
        isLlmSpan(list as Parameters<typeof isLlmSpan>[0], undefined),
        name !== 'HTTP_SERVER',
        name,
      );
    }
  });

  it("is true for any span of the Vercel AI SDK's scope", () => {
    assert.equal(isLlmSpan([], 'ai'), true);
  });
});

describe('operationName', () => {
  it('maps each convention as OpenObserve does', () => {
    assert.equal(op(senders.OPENINFERENCE_PYTHON_LLM), 'chat');
    assert.equal(op(senders.OPENINFERENCE_TOOL), 'execute_tool');
    assert.equal(op(senders.OPENINFERENCE_AGENT), 'invoke_agent');
    assert.equal(op(senders.GEN_AI_EVENTS_SPAN), 'chat');
    assert.equal(op(senders.GEN_AI_TOOL), 'execute_tool');
    assert.equal(op(senders.LANGFUSE_GENERATION), 'chat');
    assert.equal(op([['openinference.span.kind', 'RETRIEVER']]), 'retrieval');
    assert.equal(op([['openinference.span.kind', 'EMBEDDING']]), 'embeddings');
    assert.equal(op([['openinference.span.kind', 'CHAIN']]), 'chain');
    assert.equal(op([['langfuse.observation.type', 'span']]), 'span');
    assert.equal(op([['llm.request.type', 'completion']]), 'text_completion');
    assert.equal(op([['traceloop.span.kind', 'workflow']]), 'invoke_workflow');
  });

  it('takes a well-known GenAI value in any case, before the other conventions', () => {
    assert.equal(
      op([
        ['gen_ai.operation.name', 'Embeddings'],
        ['openinference.span.kind', 'LLM'],
      ]),
      'embeddings',
    );
  });

  it("keeps a sender's own value (OpenObserve would derive one: here chat, from the model)", () => {
    assert.equal(
      op([
        ['gen_ai.operation.name', 'rerank'],
        ['gen_ai.request.model', 'rerank-v3.5'],
      ]),
      'rerank',
    );
  });

  it('falls back to a tool call, then a model, then span', () => {
    assert.equal(op([['gen_ai.tool.call.id', 'c1']]), 'execute_tool');
    assert.equal(op([['llm.model_name', 'm']]), 'chat');
    assert.equal(op([['ai.model.id', 'gpt-4o']], 'ai'), 'chat');
    assert.equal(op([], 'ai'), 'span');
    assert.equal(op([['input', 'x']]), 'span');
  });

  it('prices and counts only generations and embeddings', () => {
    assert.deepEqual(
      ['chat', 'text_completion', 'generate_content', 'embeddings', 'execute_tool', 'span'].map(
        isGenerationOrEmbedding,
      ),
      [true, true, true, true, false, false],
    );
  });
});
