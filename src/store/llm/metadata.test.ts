import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as senders from '../../../test/fixtures/llm/senders.ts';
import { sessionId, userId } from './metadata.ts';

const none = new Map();

describe('userId and sessionId', () => {
  it("read OpenInference's and Langfuse's user.id and session.id", () => {
    assert.equal(userId(new Map(senders.OPENINFERENCE_PYTHON_LLM), none), 'user-py-1');
    assert.equal(sessionId(new Map(senders.OPENINFERENCE_PYTHON_LLM), none), 'sess-py-1');
    assert.equal(userId(new Map(senders.LANGFUSE_GENERATION), none), 'lf-user-1');
    assert.equal(sessionId(new Map(senders.LANGFUSE_GENERATION), none), 'lf-session-1');
  });

  it("take GenAI's conversation id, the Vercel AI SDK's metadata and Langfuse's session metadata", () => {
    assert.equal(sessionId(new Map(senders.GEN_AI_MESSAGES_SPAN), none), 'conv-7');
    assert.equal(sessionId(new Map([['ai.telemetry.metadata.sessionId', 's']]), none), 's');
    assert.equal(userId(new Map([['ai.telemetry.metadata.userId', 'u']]), none), 'u');
    assert.equal(sessionId(new Map([['langfuse.observation.metadata.session_id', 'm']]), none), 'm');
  });

  it('prefer session.id to the conversation id, and the span to its resource', () => {
    const span = new Map([
      ['gen_ai.conversation.id', 'conv'],
      ['session.id', 'sess'],
    ]);
    assert.equal(sessionId(span, none), 'sess');
    assert.equal(userId(new Map([['user.id', 'span']]), new Map([['user.id', 'res']])), 'span');
    assert.equal(userId(none, new Map([['user.id', 'res']])), 'res');
  });

  it('read a number as its text, as OpenObserve sees every attribute', () => {
    assert.equal(userId(new Map([['user.id', 42]]), none), '42');
    assert.equal(userId(new Map([['user.id', ['a']]]), none), undefined);
  });
});
