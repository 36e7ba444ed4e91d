import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as senders from '../../../test/fixtures/llm/senders.ts';
import { toolCall } from './tool.ts';

describe('toolCall', () => {
  it("reads GenAI's tool call whole", () => {
    assert.deepEqual(toolCall(new Map(senders.GEN_AI_TOOL)), {
      name: 'get_weather',
      id: 'call_9',
      arguments: '{"city":"Paris"}',
      result: '{"temp":21}',
    });
  });

  it("names OpenInference's, LangChain's and Langfuse's tools, trimmed, the GenAI name first", () => {
    assert.deepEqual(toolCall(new Map(senders.OPENINFERENCE_TOOL)), { name: 'get_weather' });
    assert.equal(toolCall(new Map([['langchain.tool.name', ' search ']])).name, 'search');
    assert.equal(toolCall(new Map([['tool_call.function.name', 'f']])).name, 'f');
    assert.deepEqual(
      toolCall(
        new Map([
          ['langfuse.observation.metadata.tool.name', 'lf'],
          ['langfuse.observation.metadata.tool.id', 'id-1'],
        ]),
      ),
      { name: 'lf', id: 'id-1' },
    );
    assert.equal(
      toolCall(
        new Map([
          ['gen_ai.tool.name', ' '],
          ['tool.name', 'oi'],
        ]),
      ).name,
      'oi',
    );
  });
});
