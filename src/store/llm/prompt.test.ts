import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as senders from '../../../test/fixtures/llm/senders.ts';
import { promptName } from './prompt.ts';

describe('promptName', () => {
  it("reads GenAI's prompt name, then Langfuse's", () => {
    assert.equal(promptName(new Map(senders.LANGFUSE_GENERATION)), 'joke-prompt');
    assert.equal(
      promptName(
        new Map([
          ['gen_ai.prompt.name', 'g'],
          ['langfuse.observation.prompt.name', 'l'],
        ]),
      ),
      'g',
    );
    assert.equal(promptName(new Map(senders.OPENINFERENCE_JS_LLM)), undefined);
  });
});
