import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as senders from '../../../test/fixtures/llm/senders.ts';
import { providerName } from './provider.ts';

describe('providerName', () => {
  it('reads GenAI, then its older gen_ai.system, then the Vercel AI SDK and Langfuse keys', () => {
    assert.equal(providerName(new Map(senders.GEN_AI_MESSAGES_SPAN)), 'anthropic');
    assert.equal(providerName(new Map(senders.GEN_AI_EVENTS_SPAN)), 'openai');
    assert.equal(providerName(new Map([['ai.model.provider', 'openai.chat']])), 'openai.chat');
    assert.equal(providerName(new Map([['langfuse.observation.metadata.ls_provider', 'groq']])), 'groq');
  });

  it("falls back to OpenInference's llm.provider, which OpenObserve does not read", () => {
    assert.equal(providerName(new Map(senders.OPENINFERENCE_JS_LLM)), 'openai');
    assert.equal(providerName(new Map([['llm.system', 'anthropic']])), 'anthropic');
    assert.equal(providerName(new Map(senders.LANGFUSE_GENERATION)), undefined);
  });
});
